#!/bin/bash
# time.sh: clocks through the vDSO: the program's view of time matches the
# host's, and after the first call (which calibrates the TSC) clock_gettime
# no longer enters the kernel. The clock runs at the right rate on every
# machine type, microvm included (no PIT there: the TSC is measured against
# the RTC; it was measured as 4 MHz and `sleep 2` took 0.1 s).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 7

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

# busybox sleep 2, seen from the host (at least 2 s: load only adds) and
# from the guest's own wall clock (2 or 3 whole seconds).
[ -x /bin/busybox ] || bail_out "busybox-static is missing"
for m in pc q35 microvm; do
	t0=$(date +%s%N)
	htux_run --machine $m /bin/busybox sh -c 'a=$(date +%s); sleep 2; echo $(($(date +%s) - a))'
	ms=$((($(date +%s%N) - t0) / 1000000))
	d=$(cat "$HTUX_TMP/stdout")
	if [ "$HTUX_STATUS" = 0 ] && [ $ms -ge 2000 ] && { [ "$d" = 2 ] || [ "$d" = 3 ]; }; then
		ok "-M $m: sleep 2 takes 2 s (${ms} ms on the host, ${d} s in the guest)"
	else
		not_ok "-M $m: sleep 2 takes 2 s" "status $HTUX_STATUS, ${ms} ms on the host, guest: '$d'"
	fi
done
