#!/bin/bash
# debug.sh: the debugging aids: --strace (one strace-like line per system
# call, on stderr, the program's stdout untouched), --syscall-summary (a
# table like strace -c's at exit), backtraces of a kernel panic (with the
# kernel's symbol names) and of a crashed program.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc-pie
plan 19

build_static tracee progs/tracee.c musl || bail_out "cannot build tracee.c"
htux_run --strace --syscall-summary "$HTUX_TMP/tracee"
check_output_status "--strace: the program's stdout and status untouched" \
	"hello
0123456789abcdefghijklmnopqrstuvwxyzABCD" 7
E=$HTUX_TMP/stderr
check "--strace: write with its data quoted and its result" \
	grep -qxF 'write(1, "hello\n", 6) = 6' "$E"
check "--strace: a failing call shows -1, the errno name and its message" \
	grep -qx 'open("/no/such/file", .*) = -1 ENOENT (No such file or directory)' "$E"
check "--strace: a long string is cut after 32 bytes" \
	grep -qxF 'write(1, "0123456789abcdefghijklmnopqrstuv"..., 41) = 41' "$E"
check "--strace: read shows the bytes read, escaped" \
	grep -qx 'read(3, "a\\"b\\t\\n", 100) = 5' "$E"
check "--syscall-summary: the header of strace -c" \
	grep -qx '% time     seconds  usecs/call     calls    errors syscall' "$E"
check "--syscall-summary: getpid called 3 times" \
	grep -qE '^ +[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{6} +[0-9]+ +3 +getpid$' "$E"
check "--syscall-summary: open called once, failed once" \
	grep -qE '^ +[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{6} +[0-9]+ +1 +1 open$' "$E"
check "--syscall-summary: the total: 12 calls, 1 error" \
	grep -qE '^100\.00 +[0-9]+\.[0-9]{6} +[0-9]+ +12 +1 total$' "$E"

# A kernel panic on purpose (the debugging option panic_test): status 255,
# the panic line, then the frames with the kernel's symbol names.
htux_run --append panic_test "$HTUX_TMP/tracee"
check_status "panic_test: the kernel panics with status 255" 255
check_stdout_contains "panic_test: the panic line" \
	"htux: panic: panic_test: a panic asked for on the kernel command line"
bt=$(printf '%s\n' "$HTUX_STDOUT" | sed -n 's/^htux: #[0-9]* 0xffffffff[0-9a-f]\{8\} \([a-z_0-9]*\)+0x[0-9a-f]*$/\1/p' | tr '\n' ' ')
check "panic_test: backtrace panic, panic_test_inner, _outer, _run, kmain (got: $bt)" \
	[ "${bt%%start64 }" = "panic panic_test_inner panic_test_outer panic_test_run kmain " ]
htux_run --append panic_test=fault "$HTUX_TMP/tracee"
bt=$(printf '%s\n' "$HTUX_STDOUT" | sed -n 's/^htux: #0 0xffffffff[0-9a-f]\{8\} \([a-z_0-9]*\)+0x[0-9a-f]*$/\1/p')
check "panic_test=fault: a page fault in the kernel, status 255, frame #0 named ($bt)" \
	[ "$HTUX_STATUS" = 255 ] && [ "$bt" = panic_test_inner ] && \
	printf '%s\n' "$HTUX_STDOUT" | grep -q '^htux: panic: page fault (vector 14) in the kernel at '

# A crashed program: the usual line on the console, its frames (walked by
# frame pointer) on stderr: main, then the C library's caller of main,
# named from the program's symbol table as addr2line names them.
build_static crash-fp progs/crash.c musl -O0 -fno-omit-frame-pointer || bail_out "cannot build crash.c"
htux_run "$HTUX_TMP/crash-fp"
check_output_status "crash: stdout and status as before" "about to crash
htux: program killed by SIGSEGV: bad access at 0x0 (ip 0x${HTUX_STDOUT##*ip 0x}" 139
names= a2l=
while read -r a name; do
	names="$names${name%+0x*} "
	a2l="$a2l$(addr2line -f -e "$HTUX_TMP/crash-fp" "$a" | head -n 1) "
done < <(sed -n 's/^htux: #[0-9]* \(0x[0-9a-f]*\) \([a-z_0-9]*+0x[0-9a-f]*\)$/\1 \2/p' "$HTUX_TMP/stderr")
case $names in
"main "*libc_start*) [ "$names" = "$a2l" ] &&
	ok "crash: backtrace on stderr: $names" ||
	not_ok "crash: backtrace names as addr2line's" "htux: $names" "addr2line: $a2l" ;;
*) not_ok "crash: backtrace on stderr: main, then the libc's start" "got: $names"; _show_run ;;
esac

# --gdb: QEMU waits for gdb; the printed command (run in batch mode, with
# a backtrace and kill added) stops at the program's main, for a program
# linked at fixed addresses and for a static PIE (loaded at 0x555555554000).
gdb_run() {	# NAME PROG: sets GDB_OUT and GDB_CMD
	_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	timeout -k 5 90 "$HTUX_BUILDDIR/htux" run --tcg --gdb="$_port" "$2" \
		< /dev/null > "$HTUX_TMP/$1.out" 2> "$HTUX_TMP/$1.err" &
	_pid=$!
	GDB_CMD=
	for _i in $(seq 100); do
		# the whole line: it ends with "-ex continue"
		GDB_CMD=$(grep '^gdb -q .* -ex continue$' "$HTUX_TMP/$1.err")
		[ -n "$GDB_CMD" ] && break
		sleep 0.3
	done
	GDB_OUT=
	[ -n "$GDB_CMD" ] && GDB_OUT=$(eval "timeout -k 5 60 $GDB_CMD -batch -ex bt -ex kill" 2>&1)
	wait $_pid
	GDB_STATUS=$?
}
if command -v gdb > /dev/null && command -v python3 > /dev/null; then
	gdb_run gdb-static "$HTUX_TMP/tracee"
	case $GDB_OUT in
	*"Breakpoint 1, 0x"*" in main ()"*"#0  0x"*" in main ()"*) ok "--gdb: hbreak main stops in main (static)" ;;
	*) not_ok "--gdb: hbreak main stops in main (static)" "command: $GDB_CMD" "gdb said:" "$GDB_OUT" ;;
	esac
	check "--gdb: the program printed nothing before main; QEMU stopped from gdb: status 125" \
		[ ! -s "$HTUX_TMP/gdb-static.out" ] && [ "$GDB_STATUS" = 125 ]
	build_static tracee-pie progs/tracee.c glibc-pie || bail_out "cannot build tracee.c as a static PIE"
	gdb_run gdb-pie "$HTUX_TMP/tracee-pie"
	case $GDB_CMD in
	*"-o 0x555555554000'"*) ok "--gdb: a PIE's symbols go at 0x555555554000" ;;
	*) not_ok "--gdb: a PIE's symbols go at 0x555555554000" "command: $GDB_CMD" ;;
	esac
	case $GDB_OUT in
	*"Breakpoint 1, 0x00005555"*" in main ()"*) ok "--gdb: hbreak main stops in main (static PIE)" ;;
	*) not_ok "--gdb: hbreak main stops in main (static PIE)" "command: $GDB_CMD" "gdb said:" "$GDB_OUT" ;;
	esac
else
	for d in "static main" "status" "PIE base" "PIE main"; do skip "--gdb: $d" "no gdb or python3"; done
fi
