#!/bin/bash
# smp.sh: with several vCPUs (-smp) the kernel finds them in the ACPI MADT
# (pc, q35, microvm; hot-pluggable ones, maxcpus, skipped), starts the
# others and parks them: verbose says how many; programs still see one
# CPU (the scheduler runs on CPU 0 only) and run as before, threads too;
# parked CPUs halt, costing the host next to no CPU time.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
plan 11

build_static cpus progs/cpus.c || bail_out "cannot build cpus.c"
build_static threads progs/threads.c musl -pthread || bail_out "cannot build threads.c"
ONE='nproc 1 affinity 1 online 0 cpuinfo 1'

smp_run() {   # MACHINE SMP CPUS STARTED
	htux_run --machine "$1" --verbose --qemu-arg -smp --qemu-arg "$2" "$HTUX_TMP/cpus"
	_want="htux: $3 CPUs, $4 started (parked: the scheduler runs on CPU 0 only)"
	# verbose messages come first on the console; the program's line last
	if [ "${HTUX_STDOUT##*$'\n'}" = "$ONE" ] && [ "$HTUX_STATUS" = 3 ] &&
		grep -qxF "$_want" "$HTUX_TMP/stderr" "$HTUX_TMP/stdout" &&
		! grep -q 'did not start' "$HTUX_TMP/stderr"; then
		ok "-M $1 -smp $2: $3 CPUs, $4 started; the program sees one"
	else
		not_ok "-M $1 -smp $2" "want '$_want', stdout '$ONE', status 3"
		_show_run
	fi
}

for m in pc q35 microvm; do
	smp_run $m 2 2 1
	smp_run $m 4 4 3
done
HTUX_TIMEOUT=120 smp_run q35 64 64 63
smp_run pc 4,maxcpus=8 4 3

# In -m 4 the CPUs' stacks take at most an eighth of free memory: the
# program still runs.
HTUX_TIMEOUT=120 htux_run -m 4 --verbose --qemu-arg -smp --qemu-arg 64 "$HTUX_TMP/cpus"
if [ "${HTUX_STDOUT##*$'\n'}" = "$ONE" ] && [ "$HTUX_STATUS" = 3 ] &&
	grep -q 'CPUs not started: too little memory' "$HTUX_TMP/stdout"; then
	ok "-m 4 -smp 64: some CPUs not started for want of memory; the program runs"
else
	not_ok "-m 4 -smp 64: the program runs"
	_show_run
fi

want=$("$HTUX_TMP/threads" 2>&1)
want_st=$?
htux_run --machine q35 --qemu-arg -smp --qemu-arg 4 "$HTUX_TMP/threads"
check_output_status "-smp 4: 64 threads run as on the host" "$want" "$want_st"

# Host CPU time of QEMU while the program sleeps 3 s: parked CPUs halt.
cpu_time() {   # SMP: sets CPU to QEMU's user+system seconds * 100, ST
	TIMEFORMAT='%U %S'
	{ time htux_run --qemu-arg -smp --qemu-arg "$1" "$HTUX_TMP/cpus" 3; } 2> "$HTUX_TMP/time"
	CPU=$(awk '{ printf "%d\n", ($1 + $2) * 100 }' "$HTUX_TMP/time")
	ST="$ST $HTUX_STATUS"
}
ST=
cpu_time 1
one=$CPU
cpu_time 4
four=$CPU
diag "QEMU CPU time for a 3 s sleep: -smp 1 ${one}0 ms, -smp 4 ${four}0 ms"
if [ "$ST" = " 3 3" ] && [ $((four - one)) -lt 150 ]; then
	ok "4 parked CPUs cost < 1.5 s of host CPU over 3 s"
else
	not_ok "4 parked CPUs cost < 1.5 s of host CPU over 3 s" \
		"-smp 1: ${one}0 ms, -smp 4: ${four}0 ms, statuses$ST"
fi
