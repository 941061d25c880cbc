#!/bin/bash
# lockcheck.sh: the lock checks of a debug kernel (htux-debug.elf: the
# kernel built with HTUX_DEBUG_LOCKS, kernel/spinlock.h; made here if need
# be). With them on, threads, pipes, fork/wait and signals on -smp 2 run as
# on the host (no rule broken); a wait with a spinlock held and two
# spinlocks taken against the order (kernel options
# panic_test=sleep-in-spinlock, panic_test=lock-order) panic with
# "htux: panic: lock check: " and the rule; the normal kernel has no
# checks and says so. With panic_test=bkl-race the debug kernel widens the
# big kernel lock's hand-over windows (kernel/bkl.c) and the stress
# program of smp_stress.sh must still finish on -smp 2: the lock handed
# to a CPU that had stopped waiting for it (and went idle, its timer
# stopped) stopped the guest in 2 runs of 3 before bkl.c took the
# waiter's bit before handing it over.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 9

DEBUG=$HTUX_BUILDDIR/htux-debug.elf
if ! ${MAKE:-make} -C "$HTUX_BUILDDIR" htux-debug.elf > "$HTUX_TMP/make.log" 2>&1; then
	bail_out "cannot build htux-debug.elf: $(tail -5 "$HTUX_TMP/make.log")"
fi

same_as_host() {   # DESCRIPTION PROG ARGS...
	_d=$1
	shift
	_want=$("$@" 2>/dev/null < /dev/null)
	_want_st=$?
	htux_run --kernel "$DEBUG" --smp 2 "$@"
	check_output_status "checks on, -smp 2: $_d" "$_want" "$_want_st"
}
build_static threads progs/threads.c musl -pthread || bail_out "cannot build threads.c"
build_static pipethr progs/pipethr.c glibc -pthread || bail_out "cannot build pipethr.c"
build_static sigthr progs/signal_threads.c musl -pthread || bail_out "cannot build signal_threads.c"
build_static fork_wait abi/fork_wait.c glibc -pthread || bail_out "cannot build fork_wait.c"
build_static signals abi/signals.c musl || bail_out "cannot build signals.c"
same_as_host "64 threads, a mutex, a condition variable" "$HTUX_TMP/threads"
same_as_host "pipes between threads" "$HTUX_TMP/pipethr"
same_as_host "signals and threads" "$HTUX_TMP/sigthr"
same_as_host "fork and wait" "$HTUX_TMP/fork_wait"
same_as_host "signal handlers and masks" "$HTUX_TMP/signals"

broken() {   # TEST MESSAGE: panic_test=TEST panics with MESSAGE
	htux_run --kernel "$DEBUG" --smp 2 --append "panic_test=$1" "$HTUX_TMP/threads"
	if [ "$HTUX_STATUS" = 255 ] && grep -qF "htux: panic: lock check: $2" "$HTUX_TMP/stdout"; then
		ok "panic_test=$1: the kernel panics: lock check: $2"
	else
		not_ok "panic_test=$1: the kernel panics: lock check: $2" "status $HTUX_STATUS"
		_show_run
	fi
}
broken sleep-in-spinlock "sleep with a spinlock held: waitq_wait_nosig with 1 held (waitq lock)"
broken lock-order "lock order: panic_test's waitq lock (waitq lock) taken with pmem_lock held"

want=$("$HTUX_TMP/threads" 2>&1)
htux_run --append panic_test=lock-order "$HTUX_TMP/threads"
if [ "$HTUX_STATUS" = 0 ] && [ "${HTUX_STDOUT##*$'\n'}" = "${want##*$'\n'}" ] &&
	grep -qF 'htux: panic_test=lock-order: this kernel has no lock checks' "$HTUX_TMP/stdout"; then
	ok "the normal kernel: no checks, it says so and runs the program"
else
	not_ok "the normal kernel: no checks, it says so and runs the program" "status $HTUX_STATUS"
	_show_run
fi

S=$HTUX_SRCDIR/tests/progs/smp
build_static stress "$S/stress.c" glibc -pthread "$S/stress_sig.c" "$S/stress_mem.c" \
	"$S/stress_io.c" || bail_out "cannot build the stress program"
want=$("$HTUX_TMP/stress" 4 2>/dev/null | grep -E '^(ok|FAIL|stuck) ')
HTUX_TIMEOUT=120 htux_run --kernel "$DEBUG" --smp 2 --append panic_test=bkl-race \
	"$HTUX_TMP/stress" 8
got=$(printf '%s\n' "$HTUX_STDOUT" | grep -E '^(ok|FAIL|stuck) ' | tr -d '\r')
if [ "$HTUX_STATUS" = 0 ] && [ "$got" = "$want" ]; then
	ok "panic_test=bkl-race, -smp 2: the stress program finishes, every part verified"
else
	not_ok "panic_test=bkl-race, -smp 2: the stress program finishes, every part verified" \
		"status $HTUX_STATUS" "$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got"))"
	_show_run
fi
