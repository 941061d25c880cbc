#!/bin/bash
# harden_entry.sh: kernel entry and exit hygiene. The kernel runs with DF
# (and AC) clear whatever the program left in them: page faults, system
# calls, timer interrupts and signal returns with DF set
# (tests/progs/entry_df.c).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 10
ulimit -c 0   # SIGTRAP, SIGSEGV natively: no core file

# as_host DESCRIPTION PROG ARGS...: htux's stdout (its own "htux: "
# lines aside) and status equal the program's native run, and no panic.
as_host() {
	_d=$1
	shift
	_want=$("$@" 2>/dev/null)
	_want_st=$?
	htux_run "$@"
	_out=$(printf '%s\n' "$HTUX_STDOUT" | grep -v '^htux: ')
	if [ "$_out" = "$_want" ] && [ "$HTUX_STATUS" = "$_want_st" ] &&
		! grep -q '^htux: panic' "$HTUX_TMP/stdout"; then
		ok "$_d"
	else
		not_ok "$_d" "expected status $_want_st, got $HTUX_STATUS" \
			"expected stdout:" "$_want"
		_show_run
	fi
}

for kind in musl glibc; do
	build_static df-$kind progs/entry_df.c $kind -pthread ||
		bail_out "cannot build entry_df.c ($kind)"
	as_host "$kind: 2048 pages faulted in with DF set: zero-filled, other pages kept" \
		"$HTUX_TMP/df-$kind" pages
	as_host "$kind: memmove backwards (musl: std; rep movsb) into fresh pages" \
		"$HTUX_TMP/df-$kind" memmove
	as_host "$kind: read, write, getdents64, uname with DF set" "$HTUX_TMP/df-$kind" syscalls
	as_host "$kind: a thread spins with DF set while two others use a pipe" \
		"$HTUX_TMP/df-$kind" spin
	as_host "$kind: a handler sets DF in the frame: kept after rt_sigreturn, page faults fine" \
		"$HTUX_TMP/df-$kind" sigdf
done
