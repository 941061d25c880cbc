#!/bin/bash
# harden_proc.sh: the program as pid 1 is a container's init: signals it
# has no handler for do not reach it (SIGKILL from a child or itself
# included), its handlers do; orphans come to it with exit signal SIGCHLD
# (a clone exit signal of SIGKILL or 32 once killed it), and stay zombies
# when it never waits. `htux run --init`: a built-in init is pid 1, reaps
# orphans, passes SIGTERM on to the program (pid 2) and ends the VM with
# its status. Also: RLIMIT_NOFILE up to 1048576, and a bad PT_INTERP in
# the first program (one htux: line, status 127).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
plan 11

build_static hp progs/harden_proc.c musl || bail_out "cannot build harden_proc.c"
HP=$HTUX_TMP/hp

htux_run "$HP" kill
check_output_status "pid 1 goes on after SIGKILL, SIGTERM, SIGSTOP, SIGRTMIN from a child and itself" \
"child: kill(1, SIGKILL) = 0
child: kill(1, SIGTERM) = 0
child: kill(1, SIGSTOP) = 0
child: kill(1, SIGRTMIN) = 0
pid 1: kill(1, SIGKILL) = 0
raise(SIGTERM) = 0
pid 1 goes on" 7

htux_run "$HP" handler
check_output_status "a child's SIGTERM reaches pid 1's handler" \
	"got signal 15 from the child: 1" 0

htux_run "$HP" orphans
check_output_status "orphans with exit signal SIGKILL and 32 come to pid 1 with SIGCHLD" \
"reaped 4 orphans
child with exit signal SIGKILL: status 3
pid 1 goes on" 5

htux_run "$HP" zombies
check_output_status "without --init, orphans pid 1 never waits for stay zombies (as Docker)" \
	"pid 1, parent 0, zombies 4" 3

htux_run --init "$HP" zombies
check_output_status "--init: the program is pid 2, the init reaps the orphans" \
	"pid 2, parent 1, zombies 0" 3

htux_run --init "$HP" forward
check_output_status "--init: SIGTERM to pid 1 reaches the program, SIGUSR1 kills it: status 138" \
"pid 2: signal 15 from pid 1
htux: program killed by SIGUSR1" 138

htux_run --init --append "-- /nonexistent" "$HP"
check_output_status "--init: a program that cannot be loaded: status 127" \
	"htux: /nonexistent: no such file in the image" 127

htux_run "$HP" nofile
check_output_status "RLIMIT_NOFILE up to 1048576 (fs.nr_open), EPERM above" \
"setrlimit(NOFILE, 1048576) = 0
dup2(0, 1048575) = 1048575
dup2(0, 1048576) = -1
setrlimit(NOFILE, 1048577) = -1 EPERM" 0

# Copies of the program with PT_GNU_STACK (and PT_GNU_RELRO) retyped as
# PT_INTERP: one NUL byte, "/proc" twice.
patch_interp() {   # OUT OFFSET-EXPR FILESZ-EXPR HOW-MANY
	python3 - "$HP" "$@" <<'EOF'
import struct, sys
src, out, how = sys.argv[1], sys.argv[2], int(sys.argv[5])
b = bytearray(open(src, 'rb').read())
off, size = eval(sys.argv[3], {'b': b}), eval(sys.argv[4], {'b': b})
phoff, = struct.unpack_from('<Q', b, 32)
phentsize, phnum = struct.unpack_from('<HH', b, 54)
for i in range(phnum):
    o = phoff + i * phentsize
    if how and struct.unpack_from('<I', b, o)[0] in (0x6474e551, 0x6474e552):
        struct.pack_into('<IIQ', b, o, 3, 4, off)       # PT_INTERP, PF_R
        struct.pack_into('<Q', b, o + 32, size)         # p_filesz
        how -= 1
open(out, 'wb').write(b)
EOF
	chmod +x "$1"
}
if command -v python3 >/dev/null 2>&1 &&
   patch_interp "$HTUX_TMP/nul" 9 1 1 &&
   patch_interp "$HTUX_TMP/two" "b.index(b'/proc\\0')" 6 2; then
	htux_run --add "$HTUX_TMP/nul:/nul" --append "-- /nul" "$HP"
	check_output_status "a PT_INTERP of one NUL byte: one htux: line, status 127" \
		"htux: /nul: bad PT_INTERP: its size is not 2 to PATH_MAX bytes" 127
	htux_run --add "$HTUX_TMP/two:/two" --append "-- /two" "$HP"
	check_output_status "two PT_INTERP headers: one htux: line, status 127" \
		"htux: /two: two PT_INTERP program headers" 127
else
	skip "a PT_INTERP of one NUL byte" "no python3"
	skip "two PT_INTERP headers" "no python3"
fi

# --init is a launcher option: a value is refused
htux_run --init=yes "$HP"
check_output_status "--init=yes: refused by the launcher" "" 2
