#!/bin/bash
# harden_entry.sh: kernel entry and exit hygiene. The kernel runs with DF
# (and AC) clear whatever the program left in them: page faults, system
# calls, timer interrupts and signal returns with DF set
# (tests/progs/entry_df.c). Every return to the program checks what it
# restores: signal frames with bad flags, selectors, instruction or stack
# pointers, a program with a bad entry point, a far jump to a selector
# that is no code segment (tests/progs/entry_sigframe.c): the program
# ends as on Linux, never with a kernel panic. A fault inside the panic
# path: one report, one more line, status 255.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 34
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
	build_static sf-$kind progs/entry_sigframe.c $kind ||
		bail_out "cannot build entry_sigframe.c ($kind)"
	as_host "$kind: rt_sigreturn with RFLAGS all ones: SIGTRAP (TF) as on Linux" \
		"$HTUX_TMP/sf-$kind" eflags
	for m in cs cs0 ss; do
		as_host "$kind: rt_sigreturn with a bad selector ($m): SIGSEGV" "$HTUX_TMP/sf-$kind" $m
	done
	as_host "$kind: rt_sigreturn with a bad SS, not UC_STRICT_RESTORE_SS: SS fixed, goes on" \
		"$HTUX_TMP/sf-$kind" ss-lax
	for m in rip-hole rip-dead rip-top; do
		as_host "$kind: rt_sigreturn to a bad rip ($m): SIGSEGV" "$HTUX_TMP/sf-$kind" $m
	done
	as_host "$kind: rt_sigreturn with a non-canonical rsp: dies as on Linux" \
		"$HTUX_TMP/sf-$kind" rsp
done

# AC from the frame (eflags with all but TF): Linux has CR0.AM set, so the
# next misaligned access is SIGBUS; QEMU's emulator has no alignment
# checks (with KVM it is the host's result): then the program goes on.
want=$("$HTUX_TMP/sf-musl" eflags-noTF 2>/dev/null)
want_st=$?
htux_run "$HTUX_TMP/sf-musl" eflags-noTF
out=$(printf '%s\n' "$HTUX_STDOUT" | grep -v '^htux: ')
if { [ "$out" = "$want" ] && [ "$HTUX_STATUS" = "$want_st" ]; } ||
	{ [ "$out" = "eflags-noTF: before
eflags-noTF: after" ] && [ "$HTUX_STATUS" = 0 ]; }; then
	ok "rt_sigreturn with AC, DF and the arithmetic flags: as Linux (or no #AC under TCG)"
else
	not_ok "rt_sigreturn with AC, DF and the arithmetic flags" "status $HTUX_STATUS"
	_show_run
fi

# A program whose entry point is not canonical: IRET there would fault
# in the kernel; Linux kills it with SIGSEGV. As the first program, and
# through execve.
cp "$HTUX_TMP/df-musl" "$HTUX_TMP/badentry"
printf '\000\000\000\000\000\000\255\336' |
	dd of="$HTUX_TMP/badentry" bs=1 seek=24 conv=notrunc status=none
as_host "an entry point at 0xdead000000000000: SIGSEGV" "$HTUX_TMP/badentry"
want=$("$HTUX_TMP/sf-musl" exec "$HTUX_TMP/badentry" 2>/dev/null)
htux_run --add "$HTUX_TMP/badentry:/badentry" "$HTUX_TMP/sf-musl" exec /badentry
check_output_status "execve of it: the child is killed by SIGSEGV" "$want" 0

# Selector 0x1b: kernel data on Linux, a null slot here (no 32-bit code
# segment: a SYSCALL from compatibility mode used to jump to address 0 in
# ring 0).
as_host "a far jump to selector 0x1b, then syscall: SIGSEGV" "$HTUX_TMP/sf-musl" far 0x1b

# A fault inside the panic report: the report, one line, status 255 (it
# used to recurse until QEMU stopped on a triple fault: status 125).
for o in recurse fault-recurse; do
	htux_run --append panic_test=$o "$HTUX_TMP/df-musl" syscalls
	n=$(grep -c '^htux: panic: ' "$HTUX_TMP/stdout")
	again=$(grep -c '^htux: panic: page fault at [0-9a-f]* while panicking: stopping$' "$HTUX_TMP/stdout")
	lines=$(wc -l < "$HTUX_TMP/stdout")
	if [ "$HTUX_STATUS" = 255 ] && [ "$n" = 2 ] && [ "$again" = 1 ] && [ "$lines" -lt 60 ]; then
		ok "panic_test=$o: a fault while panicking: one more line, status 255"
	else
		not_ok "panic_test=$o: a fault while panicking: one more line, status 255" \
			"status $HTUX_STATUS, $n panic lines, $again 'while panicking', $lines lines"
		_show_run
	fi
done
