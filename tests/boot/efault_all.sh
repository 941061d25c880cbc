#!/bin/bash
# efault_all.sh: every implemented system call with a pointer parameter
# (the build lists them from kernel/syscalls.list in tests/efault_calls.h)
# given kernel, non-canonical, top-straddling and unmapped addresses in
# each pointer, and in the pointers inside structures
# (tests/progs/efault_all.c): htux must answer as Linux does on this host
# (EFAULT, or the error Linux checks first), never panic, never accept a
# kernel address.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
plan 2

CALLS=$HTUX_BUILDDIR/tests/efault_calls.h
[ -f "$CALLS" ] || bail_out "$CALLS is missing (make builds it)"
build_static efault_all progs/efault_all.c musl -I"$HTUX_BUILDDIR/tests" \
	-I"$HTUX_SRCDIR/tests/abi" -I"$HTUX_SRCDIR/tests/progs" || bail_out "cannot build efault_all"
PROG=$HTUX_TMP/efault_all
work=$HTUX_TMP/host-work
rm -rf "$work"
want=$(cd / && timeout -k 5 120 "$PROG" "$work" 2>/dev/null </dev/null)
want_st=$?
rm -rf "$work"
n=$(printf '%s\n' "$want" | grep -c ': ')
diag "$n results on the host"
htux_run "$PROG" /tmp/efault
if [ "$HTUX_STATUS" = 0 ] && [ "$(printf '%s\n' "$HTUX_STDOUT" | tail -n 1)" = \
	"$(printf '%s\n' "$want" | tail -n 1)" ]; then
	ok "every call ran to the end (status $want_st on the host)"
else
	not_ok "every call ran to the end" "status $HTUX_STATUS" "$(printf '%s\n' "$HTUX_STDOUT" | tail -n 3)"
	_show_run
fi
if [ "$HTUX_STDOUT" = "$want" ]; then
	ok "each hostile pointer gets what Linux answers"
else
	not_ok "each hostile pointer gets what Linux answers" \
		"diff host htux:" "$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$HTUX_STDOUT"))"
fi
