#!/bin/bash
# accel.sh: HTUX_ACCEL in tests/lib.sh (make check-kvm): with kvm, a boot
# test script skips as a whole, with the launcher's reason, where KVM
# cannot run a guest, and otherwise passes --kvm to htux run and
# -accel kvm -cpu host to raw QEMU runs; tcg or unset keeps TCG; anything
# else is an error. Fake htux and QEMU commands record their arguments.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
plan 8

B=$HTUX_TMP/build
mkdir -p "$B"
: > "$B/htux.elf"
cat > "$B/htux" <<'SH'
#!/bin/sh
# a launcher whose KVM probe answers as $FAKE_KVM says
echo "$*" >> "$FAKE_LOG"
case " $* " in
*" --kvm --dry-run "*)
	[ -z "$FAKE_KVM" ] || { echo "$FAKE_KVM" >&2; exit 125; }
	exit 0 ;;
esac
echo ran
SH
cat > "$B/qemu" <<'SH'
#!/bin/sh
echo "qemu $*" >> "$FAKE_LOG"
SH
chmod +x "$B/htux" "$B/qemu"

# a boot test script: one htux run and one raw QEMU run
cat > "$HTUX_TMP/boot.sh" <<'SH'
. "$HTUX_SRCDIR/tests/lib.sh"
require_qemu
plan 1
htux_run /bin/true
"$HTUX_QEMU" $HTUX_QEMU_ACCEL -kernel k
check_status "ran" 0
SH

# run_boot ACCEL FAKE_KVM: runs it; OUT, ST and LOG (the commands)
run_boot() {
	: > "$HTUX_TMP/log"
	OUT=$(env HTUX_ACCEL="$1" FAKE_KVM="$2" FAKE_LOG="$HTUX_TMP/log" \
		HTUX_BUILDDIR="$B" HTUX_QEMU="$B/qemu" HTUX_KERNEL= \
		bash "$HTUX_TMP/boot.sh" 2>&1)
	ST=$?
	# (without the -smp that tests/lib.sh's wrapper adds: tests/smp_mix.sh)
	LOG=$(sed 's/ -smp [0-9]*//' "$HTUX_TMP/log")
}

run_boot kvm "htux: --kvm: /dev/kvm: Operation not supported"
case $OUT in
"1..0 # SKIP KVM cannot run a guest here: htux: --kvm: /dev/kvm: Operation not supported"*)
	check "kvm where KVM cannot run a guest: a skip-all plan with the reason, status 0" \
		[ "$ST" = 0 ] ;;
*) not_ok "kvm where KVM cannot run a guest: a skip-all plan with the reason" "status $ST" "$OUT" ;;
esac
check "... nothing run but the probe" [ "$LOG" = "run --kvm --dry-run /bin/true" ]

run_boot kvm ""
check "kvm where KVM works: the script runs (status 0)" [ "$ST" = 0 ]
case $LOG in
*"run --kvm /bin/true"*) ok "... htux run --kvm" ;;
*) not_ok "... htux run --kvm" "$LOG" ;;
esac
case $LOG in
*"qemu -accel kvm -cpu host -kernel k"*) ok "... raw QEMU runs with -accel kvm -cpu host" ;;
*) not_ok "... raw QEMU runs with -accel kvm -cpu host" "$LOG" ;;
esac

run_boot "" "KVM would say no"
case $LOG in
"run --tcg /bin/true"*"qemu -accel tcg -kernel k") ok "unset: htux run --tcg, QEMU -accel tcg, no probe" ;;
*) not_ok "unset: htux run --tcg, QEMU -accel tcg, no probe" "$LOG" ;;
esac
run_boot tcg ""
check "tcg: the same" [ "$ST" = 0 -a "$LOG" = "run --tcg /bin/true
qemu -accel tcg -kernel k" ]

run_boot bogus ""
case $OUT in
"Bail out! HTUX_ACCEL=bogus: not kvm or tcg"*) check "anything else: Bail out!, status 1" [ "$ST" = 1 ] ;;
*) not_ok "anything else: Bail out!" "status $ST" "$OUT" ;;
esac
