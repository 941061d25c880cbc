#!/bin/bash
# tests/fuzz/sysfuzz.sh: random system calls with hostile arguments inside
# htux (tests/progs/sysfuzz.c), glibc and musl builds, a fixed seed each,
# HTUX_FUZZ_SECONDS seconds each (default 20 in make check; `make fuzz`
# gives 600). The kernel must survive: the program ends with its summary
# line and status 0, and no kernel line reports a panic.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc

SECS=${HTUX_FUZZ_SECONDS:-20}
plan 2
seed=1
for kind in glibc musl; do
	if ! build_static "sysfuzz-$kind" "$HTUX_SRCDIR/tests/progs/sysfuzz.c" $kind; then
		not_ok "sysfuzz ($kind): builds"
		continue
	fi
	HTUX_TIMEOUT=$((SECS + 120)) htux_run -m 256M "$HTUX_TMP/sysfuzz-$kind" $seed "$SECS"
	case $HTUX_STATUS:$HTUX_STDOUT in
	0:"sysfuzz: "*" workers: "*)
		ok "sysfuzz ($kind, seed $seed, $SECS s): $(echo "$HTUX_STDOUT" | tail -1)" ;;
	*)
		not_ok "sysfuzz ($kind, seed $seed, $SECS s): the kernel survives" \
			"status $HTUX_STATUS" "stdout:" "$(echo "$HTUX_STDOUT" | tail -5)" \
			"stderr:" "$(echo "$HTUX_STDERR" | sort | uniq -c | sort -rn | head -8)" ;;
	esac
	seed=$((seed + 1))
done
