#!/bin/bash
# shm.sh: real programs that share memory and futexes between processes
# (MAP_SHARED memory, futexes keyed by object): Debian's stress-ng futex
# stressor makes progress, and Python multiprocessing's Lock, Semaphore
# and shared Value work across two worker processes.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
plan 3
HTUX_TIMEOUT=${HTUX_TIMEOUT_SHM:-120}
P=$(cd "$HTUX_SRCDIR/tests/progs" && pwd -P)

# stress-ng --futex: two processes waking each other through a futex in
# shared memory. Before futexes were keyed by object, a wake from the
# other process met no one (a couple of bogo ops in 3 s, from timeouts);
# here it makes hundreds even under TCG, so ask for 20.
SNG=/usr/bin/stress-ng
if [ -x $SNG ]; then
	htux_run $SNG --futex 2 -t 3 --metrics-brief
	ops=$(printf '%s\n%s\n' "$HTUX_STDOUT" "$HTUX_STDERR" |
		awk '$4 == "futex" { print $5; exit }')
	if [ "$HTUX_STATUS" = 0 ] && [ -n "$ops" ] && [ "$ops" -ge 20 ]; then
		ok "stress-ng --futex 2 -t 3: $ops bogo ops"
	else
		not_ok "stress-ng --futex 2 -t 3: ${ops:-no} bogo ops (want >= 20)"
		_show_run
	fi
else
	skip "stress-ng --futex" "no $SNG"
fi

# Python multiprocessing (fork): Lock, Semaphore, Value across 2 workers.
PY=/usr/bin/python3
FFI=$(ls /usr/lib/x86_64-linux-gnu/libffi.so.8 2>/dev/null)
if [ -x $PY ] && [ -d /usr/lib/python3.11 ] && [ -n "$FFI" ]; then
	want=$(cd / && $PY "$P/mp_shared.py" 2>/dev/null)
	htux_run --add /usr/lib/python3.11 --add "$FFI" --add "$P/mp_shared.py" \
		$PY "$P/mp_shared.py"
	check_output_status "python3 multiprocessing Lock, Semaphore, Value (same as host)" \
		"$want" 0
	check_stdout_contains "python3 multiprocessing: 2 x 500 increments" "value 1000"
else
	skip "python3 multiprocessing" "no python3.11 or libffi"
	skip "python3 multiprocessing: increments" "no python3.11 or libffi"
fi
