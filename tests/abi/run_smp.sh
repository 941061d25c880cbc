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

# First: HTUX_SMP=3 reaches htux run (--smp) and a test's own QEMU command
# line (the $HTUX_QEMU wrapper): the kernel says how many CPUs it found.
build_static cpus progs/cpus.c || bail_out "cannot build cpus.c"
"$HTUX_BUILDDIR/htux-mkimage" -o "$HTUX_TMP/cpus.cpio" "$HTUX_TMP/cpus" > /dev/null 2>&1 ||
	bail_out "htux-mkimage failed"
cat > "$HTUX_TMP/probe.sh" <<'EOF'
. "$HTUX_SRCDIR/tests/lib.sh"
htux_run --verbose "$1"
cat "$HTUX_TMP/stdout" "$HTUX_TMP/stderr"
timeout -k 5 60 "$HTUX_QEMU" -M pc -m 64M -kernel "$HTUX_BUILDDIR/htux.elf" -initrd "$2" \
	-append verbose -display none -monitor none -serial stdio -no-reboot < /dev/null
EOF
HTUX_SMP=3 bash "$HTUX_TMP/probe.sh" "$HTUX_TMP/cpus" "$HTUX_TMP/cpus.cpio" \
	> "$HTUX_TMP/probe.out" 2>&1
n3=$(tr -d '\r' < "$HTUX_TMP/probe.out" | grep -c '^htux: 3 CPUs, ')
if [ "$n3" = 2 ]; then
	ok "HTUX_SMP=3: htux run and a raw QEMU command line both get 3 CPUs"
else
	not_ok "HTUX_SMP=3: htux run and a raw QEMU command line both get 3 CPUs" \
		"$n3 of 2 boots said 3 CPUs:" "$(cat "$HTUX_TMP/probe.out")"
fi

# Unset (make check), the wrapper alternates: the first guest of a script
# gets 2 CPUs, the second one (htux run's, then the raw QEMU's)
env -u HTUX_SMP bash "$HTUX_TMP/probe.sh" "$HTUX_TMP/cpus" "$HTUX_TMP/cpus.cpio" \
	> "$HTUX_TMP/probe.out" 2>&1
first=$(tr -d '\r' < "$HTUX_TMP/probe.out" | grep '^htux: [0-9]* CPUs, ')
case $first in
*'
'*) not_ok "HTUX_SMP unset: a script's first guest on 2 CPUs, its second on 1" \
	"$(cat "$HTUX_TMP/probe.out")" ;;
'htux: 2 CPUs, '*)
	ok "HTUX_SMP unset: a script's first guest on 2 CPUs, its second on 1" ;;
*) not_ok "HTUX_SMP unset: a script's first guest on 2 CPUs, its second on 1" \
	"$(cat "$HTUX_TMP/probe.out")" ;;
esac
n=$_tap_count

SMP2=${ABI_SMP2-threads futex signals pipes mmap_anon fork_wait shm_futex shm_pthread eventfd}
SMP4=${ABI_SMP4-threads futex fork_wait}

# run.sh's TAP lines, renumbered after ours, "-smp N: " before each name
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
