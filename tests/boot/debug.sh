#!/bin/bash
# debug.sh: the debugging aids: --strace (one strace-like line per system
# call, on stderr, the program's stdout untouched), --syscall-summary (a
# table like strace -c's at exit), backtraces of a kernel panic (with the
# kernel's symbol names) and of a crashed program.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
plan 9

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
