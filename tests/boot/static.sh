#!/bin/bash
# static.sh: static programs (musl, glibc, glibc static-PIE) boot in htux
# and behave as on the host: output, arguments, environment, exit statuses,
# files added to the image, large allocations, crashes, -ENOSYS.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
require_cc glibc-pie
plan 27

# same_as_host DESCRIPTION PROG ARGS...: htux's stdout and status equal the
# program's own run natively on this host ($OPTS: options for htux run).
same_as_host() {
	_d=$1
	shift
	_want=$("$@" 2>/dev/null)
	_want_st=$?
	htux_run ${OPTS:-} "$@"
	check_output_status "$_d" "$_want" "$_want_st"
}

for kind in musl glibc glibc-pie; do
	build_static hello-$kind progs/hello.c $kind || bail_out "cannot build hello"
	htux_run "$HTUX_TMP/hello-$kind"
	check_output_status "$kind: hello" "hello, world" 0
	htux_run -e WHO=htux "$HTUX_TMP/hello-$kind" "one arg" two ''
	check_output_status "$kind: arguments and environment" \
		"hello, htux
argv[1]=one arg
argv[2]=two
argv[3]=" 0
	build_static exit-$kind progs/exitcode.c $kind || bail_out "cannot build exitcode"
	for st in 0 1 42 255; do
		htux_run "$HTUX_TMP/exit-$kind" $st
		check_status "$kind: exit status $st" $st
	done
done

build_static enosys progs/enosys.c glibc
same_as_host "unimplemented syscall gives -ENOSYS to the program" "$HTUX_TMP/enosys"
htux_run --trace "$HTUX_TMP/enosys"
check_stderr_contains "--trace names the unimplemented syscall (on stderr)" "htux: unimplemented syscall ? (500)"

build_static catfile progs/catfile.c musl
printf 'line one\nline two\n' > "$HTUX_TMP/data.txt"
htux_run --add "$HTUX_TMP/data.txt:/data/in.txt" "$HTUX_TMP/catfile" /data/in.txt
check_output_status "a file added with --add is read back" "line one
line two
size 18" 0
htux_run "$HTUX_TMP/catfile" /nonexistent
check_status "opening a missing file fails as on Linux" 2

build_static bigmem progs/bigmem.c glibc
OPTS="-m 512M" same_as_host "256 MiB malloc and touch (-m 512M)" "$HTUX_TMP/bigmem" 256

build_static crash progs/crash.c musl
htux_run "$HTUX_TMP/crash"
check_status "NULL dereference: status 139 (SIGSEGV)" 139
check_stdout_contains "NULL dereference: one line names the fault" \
	"htux: program killed by SIGSEGV: bad access at 0x0 (ip 0x"
htux_run "$HTUX_TMP/crash" ud2
check_status "invalid instruction: status 132 (SIGILL)" 132
htux_run "$HTUX_TMP/crash" div
check_status "division by zero: status 136 (SIGFPE)" 136
