#!/bin/bash
# sysrw.sh: htux run --rewrite-syscalls (kernel option sysrw, the
# rewriting half of --fast-syscalls; docs/design.md "Rewriting syscall
# sites"): programs whose "mov $N,%eax; syscall" sites are rewritten into
# jumps to trampolines print and exit as on the host: static glibc and
# musl (tests/progs/sysrw_calls.c: signals with and without SA_RESTART
# during a rewritten read, fork, execve), dynamic glibc with a library
# opened by dlopen (sysrw_dl.c, sysrw_lib.c), and a program without libc
# (sysrw_asm.S) holding site bytes that are not sites (data, an
# immediate, across an instruction boundary), a jump to a rewritten
# site's syscall, self-modifying code and code made at run time; the
# verbose line counts what was rewritten; --strace sees the same calls;
# the table also on an --oci image's root disk (--rootfs disk).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 13

# same_as_host DESCRIPTION PROG ARGS...: with --verbose --rewrite-syscalls
# (and $HTUX_RUN_OPTS), htux's stdout and status are the program's natively
# (rewritten_as_host in tests/lib.sh; sets HTUX_SITES).
same_as_host() {
	rewritten_as_host --rewrite-syscalls "$@"
}

# rewrote DESCRIPTION: the last run's verbose line says sites were rewritten.
rewrote() {
	case $HTUX_SITES in
	[1-9]*" rewritten in "*) ok "$1 ($HTUX_SITES)" ;;
	*) not_ok "$1" "verbose line: ${HTUX_SITES:-(none)}"; _show_run ;;
	esac
}

calls=progs/sysrw_calls.c
build_static sysrw_glibc "$calls" glibc || bail_out "cannot build $calls"
build_static sysrw_musl "$calls" musl || bail_out "cannot build $calls"
same_as_host "static glibc: sites, SA_RESTART, EINTR, fork, execve" "$HTUX_TMP/sysrw_glibc"
rewrote "static glibc: sites rewritten"
same_as_host "static musl: the same" "$HTUX_TMP/sysrw_musl"
rewrote "static musl: sites rewritten"

src=$HTUX_SRCDIR/tests/progs
if ${CC:-cc} -O2 -shared -fPIC -o "$HTUX_TMP/libsysrw.so" "$src/sysrw_lib.c" &&
	${CC:-cc} -O2 -o "$HTUX_TMP/sysrw_dl" "$src/sysrw_dl.c" -ldl; then
	HTUX_RUN_OPTS="--add $HTUX_TMP/libsysrw.so" same_as_host \
		"dynamic glibc with a library opened by dlopen" \
		"$HTUX_TMP/sysrw_dl" "$HTUX_TMP/libsysrw.so"
	case $HTUX_SITES in
	[1-9]*" rewritten in "[3-9]" files"*) ok "dynamic: sites rewritten in 3 files or more ($HTUX_SITES)" ;;
	*) not_ok "dynamic: sites rewritten in 3 files" "verbose line: ${HTUX_SITES:-(none)}" ;;
	esac
else
	not_ok "dynamic glibc with a library opened by dlopen" "cannot build it"
	not_ok "dynamic: sites rewritten in 3 files"
fi

if ${CC:-cc} -nostdlib -static -no-pie -o "$HTUX_TMP/sysrw_asm" "$src/sysrw_asm.S" \
	> "$HTUX_TMP/cc.log" 2>&1; then
	same_as_host "asm: site bytes in data, an immediate, across a boundary; jump-in; SMC; JIT" \
		"$HTUX_TMP/sysrw_asm"
	# 8 sites; the syscall after "mov $39,%al" is another shape; the rest never a site
	want="8 rewritten in 1 files (of 8 known there), 1 left on the trap path (other shapes), 0 not patched (bytes changed)"
	if [ "$HTUX_SITES" = "$want" ]; then
		ok "asm: only real sites rewritten"
	else
		not_ok "asm: only real sites rewritten" "expected: $want" "got: $HTUX_SITES"
	fi
	# --strace: the same calls, results and order with and without rewriting
	calls_as_default strace --rewrite-syscalls "asm: --strace sees the same calls" \
		"$HTUX_TMP/sysrw_asm"
else
	diag "$(cat "$HTUX_TMP/cc.log")"
	not_ok "asm: builds" && not_ok "asm: counts" && not_ok "asm: strace"
fi

# The rewritten static glibc program under --syscall-summary: its counts
calls_as_default summary --rewrite-syscalls "--syscall-summary counts the same calls" \
	"$HTUX_TMP/sysrw_glibc"

# Without the table (an image made without --syscall-sites) nothing breaks
htux_run --append sysrw "$HTUX_TMP/sysrw_musl"
HTUX_STDOUT=$(printf '%s\n' "$HTUX_STDOUT" | grep -v '^htux: ')
check_output_status "kernel option sysrw without a table" "$("$HTUX_TMP/sysrw_musl")" 0

# An --oci image on a root disk (--rootfs disk) gets the table too
if command -v umoci > /dev/null && command -v mke2fs > /dev/null; then
	L=$HTUX_TMP/layout B=$HTUX_TMP/bundle
	if (export TMPDIR=$HTUX_TMP PATH=$PATH:/usr/sbin:/sbin &&
		umoci init --layout "$L" && umoci new --image "$L:img" &&
		umoci unpack --rootless --image "$L:img" "$B" && mkdir -p "$B/rootfs/app" &&
		cp "$HTUX_TMP/sysrw_musl" "$B/rootfs/app/calls" &&
		umoci repack --image "$L:img" "$B" &&
		umoci config --image "$L:img" --config.cmd /app/calls) > "$HTUX_TMP/umoci.log" 2>&1
	then
		want=$("$HTUX_TMP/sysrw_musl")
		PATH=$PATH:/usr/sbin:/sbin TMPDIR=$HTUX_TMP \
			htux_run --verbose --rewrite-syscalls --rootfs disk --oci "$L:img"
		sites_counts
		check_output_status "--rootfs disk: the program on the root disk" "$want" 0
		rewrote "--rootfs disk: sites rewritten"
	else
		not_ok "--rootfs disk: an OCI image" "$(cat "$HTUX_TMP/umoci.log")"
		not_ok "--rootfs disk: sites rewritten"
	fi
else
	skip "--rootfs disk: needs umoci and e2fsprogs"
	skip "--rootfs disk: needs umoci and e2fsprogs"
fi
