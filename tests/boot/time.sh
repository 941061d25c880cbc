#!/bin/bash
# time.sh: clocks through the vDSO: the program's view of time matches the
# host's, and after the first call (which calibrates the TSC) clock_gettime
# no longer enters the kernel.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 4

for kind in musl glibc; do
	build_static clock-$kind progs/clock.c $kind || bail_out "cannot build clock.c"
	want=$("$HTUX_TMP/clock-$kind")
	htux_run "$HTUX_TMP/clock-$kind"
	check_output_status "$kind: clocks monotonic and sane" "$want" 0
	htux_run --strace "$HTUX_TMP/clock-$kind"
	n=$(grep -c '^clock_gettime(' "$HTUX_TMP/stderr")
	if [ "$HTUX_STATUS" = 0 ] && [ "$n" = 1 ]; then
		ok "$kind: 100002 clock reads, 1 system call (vDSO)"
	else
		not_ok "$kind: 100002 clock reads, 1 system call (vDSO)" "status $HTUX_STATUS, $n clock_gettime syscalls"
	fi
done
