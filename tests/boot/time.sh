#!/bin/bash
# time.sh: clocks through the vDSO: the program's view of time matches the
# host's, and after the first call (which calibrates the TSC) clock_gettime
# no longer enters the kernel. The clock runs at the right rate on every
# machine type, microvm included (no PIT there: the TSC is measured against
# the RTC; it was measured as 4 MHz and `sleep 2` took 0.1 s). The
# kernel says where the TSC's rate came from: QEMU 7.2's TCG states it in
# no CPUID leaf (no 0x40000010; 0x15 is zeros with -cpu max and past the
# top with Skylake-Client, where Intel's rule returns leaf 0xd's values),
# so it is measured (tests/unit/tsc_cpuid_test.c covers the CPUID paths).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 10

for kind in musl glibc; do
	build_static clock-$kind progs/clock.c $kind || bail_out "cannot build clock.c"
	want=$("$HTUX_TMP/clock-$kind")
	htux_run "$HTUX_TMP/clock-$kind"
	check_output_status "$kind: clocks monotonic and sane" "$want" 0
	htux_run --strace "$HTUX_TMP/clock-$kind"
	n=$(grep -c '^clock_gettime(' "$HTUX_TMP/stderr")
	# the first read calibrates the TSC; with several CPUs (HTUX_SMP)
	# the boot has done so already (the timers' calibration), and none
	if [ "$HTUX_STATUS" = 0 ] && { [ "$n" = 1 ] || [ "$n" = 0 -a "${HTUX_SMP:-1}" != 1 ]; }; then
		ok "$kind: 100002 clock reads, at most 1 system call (vDSO)"
	else
		not_ok "$kind: 100002 clock reads, at most 1 system call (vDSO)" "status $HTUX_STATUS, $n clock_gettime syscalls"
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

for c in "pc PIT" "pc,Skylake-Client PIT" "microvm RTC"; do
	set -- $c
	if [ "$HTUX_ACCEL" = --kvm ]; then
		skip "-M $1: the TSC's rate measured against the $2" "TCG's CPUID (KVM's states the rate)"
		continue
	fi
	m=${1%%,*} cpu=
	[ "$m" = "$1" ] || cpu="--cpu ${1#*,}"
	htux_run --verbose --machine $m $cpu /bin/busybox date
	line=$(grep -o 'htux: TSC at [0-9]* kHz ([^)]*)' "$HTUX_TMP/stdout")
	case $line in
	*" kHz ($2)") ok "-M $1: the TSC's rate measured against the $2 ($line)" ;;
	*) not_ok "-M $1: the TSC's rate measured against the $2" "got: '$line'"; _show_run ;;
	esac
done
