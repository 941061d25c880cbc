#!/bin/bash
# run_smp.sh: part of the differential ABI suite (tests/abi/run.sh) on
# several CPUs (issue 16): the thread, process, signal, futex, pipe and
# memory programs with HTUX_SMP=2, a few of them with HTUX_SMP=4. Each
# must print what it prints on the host, as in run.sh. ABI_SMP2 and
# ABI_SMP4 replace the lists; the whole suite on N CPUs is
# HTUX_SMP=N make check TESTS=tests/abi/run.sh (or make check-smp).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc

SMP2=${ABI_SMP2-threads futex signals pipes mmap_anon fork_wait shm_futex shm_pthread eventfd}
SMP4=${ABI_SMP4-threads futex fork_wait}

# run.sh's TAP lines, renumbered after ours, "-smp N: " before each name
n=0
for smp in 2 4; do
	if [ $smp = 2 ]; then list=$SMP2; else list=$SMP4; fi
	[ -n "$list" ] || continue
	HTUX_SMP=$smp ABI_ONLY=$list bash "$HTUX_SRCDIR/tests/abi/run.sh" > "$HTUX_TMP/tap.$smp" 2>&1
	while IFS= read -r line; do
		case $line in
		'ok '[0-9]*' - '* | 'not ok '[0-9]*' - '*)
			n=$((n + 1))
			pre=${line%%[0-9]*}
			rest=${line#"$pre"}
			rest=${rest#*' - '}
			[ "$pre" = 'not ok ' ] && _tap_failed=$((_tap_failed + 1))
			echo "$pre$n - -smp $smp: $rest" ;;
		'1..'*) ;;
		'Bail out!'*)
			n=$((n + 1))
			_tap_failed=$((_tap_failed + 1))
			echo "not ok $n - -smp $smp: ${line#Bail out! }" ;;
		*) echo "$line" ;;
		esac
	done < "$HTUX_TMP/tap.$smp"
	_tap_count=$n
done
