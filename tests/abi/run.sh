#!/bin/bash
# run.sh: the differential ABI suite. Every tests/abi/*.c is built twice
# (musl-gcc -static, gcc -static), run natively on this host and inside
# htux, and must print the same stdout and exit with the same status.
# Each program gets an empty work directory as argv[1]: a fresh directory
# on the host (under /dev/shm when it is a tmpfs, as htux's /tmp is),
# /tmp/abi in htux. A program that cannot be built is a failure.
#
# The musl builds run on 2 CPUs (--smp 2) and the glibc builds on 1, so
# that every program runs on both (issue 16); HTUX_SMP=N runs them all on
# N (make check-smp). HTUX_FAST=1 runs them all in ring 0 (--fast-syscalls).
#
# ABI_ONLY="name ..." runs only those programs (file names without .c).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc

ABI_DIR=$HTUX_SRCDIR/tests/abi
progs=
for src in "$ABI_DIR"/*.c; do
	name=$(basename "$src" .c)
	if [ -n "${ABI_ONLY:-}" ]; then
		case " $ABI_ONLY " in *" $name "*) ;; *) continue ;; esac
	fi
	progs="$progs $name"
done
set -- $progs
plan $(($# * 2))

# The host's work directories: a tmpfs if there is one we may use.
host_base=$HTUX_TMP
if [ -d /dev/shm ] && [ -w /dev/shm ] &&
	[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
	host_base=$(mktemp -d /dev/shm/htux-abi.XXXXXX) || host_base=$HTUX_TMP
	trap '_s=$?; rm -rf "$host_base"; (exit $_s); _tap_exit' EXIT
fi

for name in "$@"; do
	for kind in musl glibc; do
		smp=${HTUX_SMP:-$([ $kind = musl ] && echo 2 || echo 1)}
		desc="$name ($kind)"
		[ -z "${HTUX_SMP:-}" ] && [ "$smp" != 1 ] && desc="$name ($kind, -smp $smp)"
		if ! build_static "abi-$name-$kind" "$ABI_DIR/$name.c" $kind -I"$ABI_DIR"; then
			not_ok "$desc: builds"
			continue
		fi
		prog=$HTUX_TMP/abi-$name-$kind
		work=$host_base/$name-$kind
		rm -rf "$work" && mkdir -p "$work"
		want=$(cd / && timeout -k 5 60 "$prog" "$work" 2>"$HTUX_TMP/host-stderr" </dev/null)
		want_st=$?
		rm -rf "$work"
		HTUX_SMP=$smp htux_run "$prog" /tmp/abi
		if [ "$HTUX_STDOUT" = "$want" ] && [ "$HTUX_STATUS" = "$want_st" ]; then
			ok "$desc"
		else
			not_ok "$desc" "host status $want_st, htux status $HTUX_STATUS" \
				"diff host htux:" \
				"$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$HTUX_STDOUT"))" \
				"htux stderr:" "$HTUX_STDERR"
		fi
	done
done
