#!/bin/bash
# nmi.sh: an NMI from the host (QMP's inject-nmi, as the QEMU monitor's
# `nmi` sends it, to every CPU) while a program computes in user mode and
# another of its threads waits in read(2): the program goes on and ends as
# on the host (an NMI used to kill it with SIGSEGV), and the kernel prints
# its report on the console: a line per CPU, and per thread its state and
# where it waits (arch/x86_64/nmi.c, kernel/sched_report.c). On 1 and 2
# CPUs.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
command -v python3 > /dev/null || skip_all "no python3 (QMP client)"
plan 4

build_static nmi_wait progs/nmi_wait.c musl -pthread || bail_out "cannot build nmi_wait.c"
want=$("$HTUX_TMP/nmi_wait" 0.1)
want_st=$?

run_with_nmi() {   # SMP
	sock=$HTUX_TMP/qmp.$1
	timeout -k 10 "$HTUX_TIMEOUT" "$HTUX_BUILDDIR/htux" run ${HTUX_ACCEL:---tcg} $_htux_fast --smp "$1" \
		--qemu-arg -qmp --qemu-arg "unix:$sock,server=on,wait=off" \
		"$HTUX_TMP/nmi_wait" 4 < /dev/null > "$HTUX_TMP/stdout" 2> "$HTUX_TMP/stderr" &
	pid=$!
	for _ in $(seq 600); do
		grep -q '^ready' "$HTUX_TMP/stdout" && break
		kill -0 $pid 2> /dev/null || break
		sleep 0.1
	done
	send_nmi "$sock" 2> "$HTUX_TMP/qmp.err" || diag "$(cat "$HTUX_TMP/qmp.err")"
	wait $pid
	HTUX_STATUS=$?
	HTUX_STDERR=$(cat "$HTUX_TMP/stderr")
	HTUX_STDOUT=$(grep -v '^htux: ' "$HTUX_TMP/stdout" | tr -d '\r')
	report=$(grep '^htux: nmi: ' "$HTUX_TMP/stdout" | tr -d '\r')
	check_output_status "-smp $1: an NMI while it runs: it goes on and ends as on the host" \
		"$want" "$want_st"
	cpus_ok=1
	for ((c = 0; c < $1; c++)); do
		grep -qE "^htux: nmi: cpu $c: (user|kernel) rip " <<< "$report" || cpus_ok=0
	done
	if [ $cpus_ok = 1 ] &&
		grep -qE '^htux: nmi: tid [0-9]+ pid 1 blocked .*: schedule < .*pipe_read' <<< "$report" &&
		grep -qE '^htux: nmi: tid 1 pid 1 (running|queued) ' <<< "$report"; then
		ok "-smp $1: the report: each CPU, the reader blocked in pipe_read"
	else
		not_ok "-smp $1: the report: each CPU, the reader blocked in pipe_read" "$report"
		_show_run
	fi
}
run_with_nmi 1
run_with_nmi 2
