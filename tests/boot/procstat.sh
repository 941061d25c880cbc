#!/bin/bash
# procstat.sh: /proc/stat's CPU lines are each CPU's own user, system and
# idle time (idle measured while the CPU is halted in its idle loop), the
# "cpu" line their sum: with -smp 2 a thread spinning on CPU 1 makes
# cpu1's user time grow while cpu0, whose thread waits, stays idle.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
plan 2

build_static cpustat progs/cpustat.c musl -pthread || bail_out "cannot build cpustat.c"

want="two CPUs or more: ok
cpu line is the sum of the cpuN lines: ok
cpu line is the sum of the cpuN lines, later: ok
cpu1's user time grew by most of the spin: ok
cpu0 stayed mostly idle: ok
cpu0: user+system+idle grew as time: ok
cpu1: user+system+idle grew as time: ok"
htux_run --smp 2 "$HTUX_TMP/cpustat"
# the figures (on stderr) as diagnostics
grep ' idle +' <<<"$HTUX_STDERR" | while read -r l; do diag "$l"; done
check_output_status "-smp 2: per-CPU user/system/idle; the total their sum" "$want" 0

# One CPU: the lines are still the sum, and time is user+system+idle.
htux_run --smp 1 "$HTUX_TMP/cpustat"
case "$HTUX_STDOUT" in
"two CPUs or more: FAILED
cpu line is the sum of the cpuN lines: ok"*) ok "-smp 1: the cpu line is cpu0's" ;;
*) not_ok "-smp 1: the cpu line is cpu0's"; _show_run ;;
esac
