#!/bin/bash
# signals.sh: signal delivery, built with musl and glibc, run natively and
# in htux, same output and status: handlers with siginfo, masks and
# pending signals, queued real-time signals, sigtimedwait, registers and
# FPU kept across handlers (tests/progs/signal_basic.c); faults caught by
# handlers (signal_fault.c); the alternate stack (signal_altstack.c);
# default actions (signal_kill.c, under --init: the program is not pid 1);
# alarm, setitimer and POSIX timers (signal_timer.c); SA_RESTART
# (signal_restart.c); signals and threads (signal_threads.c).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 24
ulimit -c 0   # abort() natively: no core file

# same_as_host DESCRIPTION PROG ARGS...: htux's stdout and status equal
# the program's own run natively on this host.
same_as_host() {
	_d=$1
	shift
	_want=$("$@" 2>/dev/null)
	_want_st=$?
	htux_run "$@"
	check_output_status "$_d" "$_want" "$_want_st"
}

# killed_as_host DESCRIPTION SIGNAME [--init] PROG ARGS...: the program is
# killed natively and in htux with the same status after the same output;
# htux adds its line "htux: program killed by SIGNAME...". Signals sent
# (not faults) need --init: pid 1 takes none it has no handler for, as a
# container's init (tests/boot/harden_proc.sh).
killed_as_host() {
	_d=$1 _sig=$2 _opt=
	shift 2
	case $1 in --init) _opt=$1; shift ;; esac
	_want=$("$@" 2>/dev/null)
	_want_st=$?
	htux_run $_opt "$@"
	_out=$(printf '%s\n' "$HTUX_STDOUT" | grep -v '^htux: program killed by ')
	_line=$(printf '%s\n' "$HTUX_STDOUT" | grep '^htux: program killed by ' | tail -n 1)
	if [ "$_out" = "$_want" ] && [ "$HTUX_STATUS" = "$_want_st" ] &&
		[ "$_want_st" -gt 128 ] && [ "${_line#"htux: program killed by $_sig"}" != "$_line" ]; then
		ok "$_d"
	else
		not_ok "$_d" "expected status $_want_st and a line naming $_sig, got $HTUX_STATUS" \
			"expected stdout:" "$_want"
		_show_run
	fi
}

for kind in musl glibc; do
	for p in basic fault altstack kill timer restart threads; do
		build_static sig-$p-$kind progs/signal_$p.c $kind -pthread ||
			bail_out "cannot build signal_$p.c ($kind)"
	done
	same_as_host "$kind: handlers, masks, pending and queued signals, sigtimedwait" \
		"$HTUX_TMP/sig-basic-$kind"
	killed_as_host "$kind: SIGSEGV/SIGFPE/SIGILL/SIGTRAP handlers, then a blocked fault kills" \
		SIGSEGV "$HTUX_TMP/sig-fault-$kind"
	same_as_host "$kind: sigaltstack, SA_ONSTACK, stack overflow caught" "$HTUX_TMP/sig-altstack-$kind"
	killed_as_host "$kind: kill(getpid(), SIGTERM): status 143" SIGTERM --init "$HTUX_TMP/sig-kill-$kind" term
	killed_as_host "$kind: SA_RESETHAND: the second raise kills" SIGUSR1 --init "$HTUX_TMP/sig-kill-$kind" resethand
	killed_as_host "$kind: abort()" SIGABRT --init "$HTUX_TMP/sig-kill-$kind" abort
	killed_as_host "$kind: a blocked signal kills once unblocked" SIGUSR1 \
		--init "$HTUX_TMP/sig-kill-$kind" usr1-masked
	killed_as_host "$kind: SIGKILL" SIGKILL --init "$HTUX_TMP/sig-kill-$kind" kill9
	same_as_host "$kind: SIG_IGN and default-ignored signals" "$HTUX_TMP/sig-kill-$kind" ignore
	same_as_host "$kind: alarm, pause, setitimer, sigsuspend, POSIX timers" "$HTUX_TMP/sig-timer-$kind"
	same_as_host "$kind: SA_RESTART restarts read and futex; EINTR otherwise" \
		"$HTUX_TMP/sig-restart-$kind"
	same_as_host "$kind: sigwait, pthread_kill and process signals with threads" \
		"$HTUX_TMP/sig-threads-$kind"
done
