#!/bin/bash
# fastcall.sh: htux run --fast-syscalls rewrites the program's "mov
# $N,%eax; syscall" sites into calls to the kernel's fast entry (kernel
# option fastsys implies sysrw; docs/design.md, "Ring 0 for the program"
# and "Rewriting syscall sites"): static glibc and musl, on 1 and 2 CPUs
# (tests/progs/sysrw_calls.c: SA_RESTART, EINTR, fork, execve), dynamic
# glibc with a dlopen'ed library, the bad inputs of sysrw_asm.S, a fault
# right after a call, a single step over a site, signals during a blocking
# call at a site (tests/progs/fastcall_edge.c) print and exit as on the
# host; the verbose report counts the calls made through the fast entry;
# --strace and --syscall-summary see the same calls as in the default mode;
# NMIs landing among the calls on 2 CPUs change nothing.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 14

# fast DESCRIPTION PROG ARGS...: with --verbose --fast-syscalls (and
# $HTUX_RUN_OPTS), htux's stdout and status are the program's on the host
# (rewritten_as_host in tests/lib.sh; sets HTUX_SITES and HTUX_CALLS).
fast() {
	rewritten_as_host --fast-syscalls "$@"
}

# called DESCRIPTION: the last run rewrote sites and made calls through them.
called() {
	case $HTUX_SITES in
	[1-9]*" rewritten in "*)
		if [ "${HTUX_CALLS:-0}" -gt 0 ]; then
			ok "$1 ($HTUX_CALLS calls; sites: $HTUX_SITES)"
			return
		fi
		;;
	esac
	not_ok "$1" "sites: ${HTUX_SITES:-(none)}" "fast calls: ${HTUX_CALLS:-(none)}"
}

calls=progs/sysrw_calls.c
build_static fc_glibc "$calls" glibc || bail_out "cannot build $calls"
build_static fc_musl "$calls" musl || bail_out "cannot build $calls"
fast "static glibc: SA_RESTART, EINTR, fork, execve through rewritten sites" "$HTUX_TMP/fc_glibc"
called "static glibc: system calls made by calls to the kernel"
HTUX_RUN_OPTS="--smp 2" fast "static musl, 2 CPUs: the same" "$HTUX_TMP/fc_musl"
called "static musl, 2 CPUs: system calls made by calls"

src=$HTUX_SRCDIR/tests/progs
if ${CC:-cc} -O2 -shared -fPIC -o "$HTUX_TMP/libsysrw.so" "$src/sysrw_lib.c" &&
	${CC:-cc} -O2 -o "$HTUX_TMP/sysrw_dl" "$src/sysrw_dl.c" -ldl; then
	HTUX_RUN_OPTS="--add $HTUX_TMP/libsysrw.so" fast \
		"dynamic glibc with a library opened by dlopen" \
		"$HTUX_TMP/sysrw_dl" "$HTUX_TMP/libsysrw.so"
	called "dynamic glibc: system calls made by calls"
else
	not_ok "dynamic glibc with a library opened by dlopen" "cannot build it"
	not_ok "dynamic glibc: system calls made by calls"
fi

if ${CC:-cc} -nostdlib -static -no-pie -o "$HTUX_TMP/sysrw_asm" "$src/sysrw_asm.S" \
	> "$HTUX_TMP/cc.log" 2>&1; then
	fast "asm: site bytes in data, an immediate, across a boundary; jump-in; SMC; JIT" \
		"$HTUX_TMP/sysrw_asm"
	called "asm: system calls made by calls"
	calls_as_default strace --fast-syscalls \
		"asm: --strace sees the same calls as in the default mode" "$HTUX_TMP/sysrw_asm"
else
	diag "$(cat "$HTUX_TMP/cc.log")"
	not_ok "asm: builds" && not_ok "asm: calls" && not_ok "asm: strace"
fi

calls_as_default summary --fast-syscalls \
	"--syscall-summary counts the same calls as in the default mode" "$HTUX_TMP/fc_glibc"

# The edges: the single step's line as with --rewrite-syscalls (the same
# rewritten sites, on the trap path: a step lands at the site's end, not
# on its syscall instruction), the rest as on the host.
build_static fc_edge progs/fastcall_edge.c glibc || bail_out "cannot build fastcall_edge.c"
htux_run --rewrite-syscalls "$HTUX_TMP/fc_edge"
step=$(printf '%s\n' "$HTUX_STDOUT" | grep '^single step')
want=$("$HTUX_TMP/fc_edge" | sed "s/^single step.*/$step/")
for smp in 1 2; do
	htux_run --verbose --fast-syscalls --smp $smp "$HTUX_TMP/fc_edge"
	sites_counts
	check_output_status "$smp CPU(s): a fault after a call, a single step over a site, signals" \
		"$want" 0
done
check "the edges' calls went through the fast entry (${HTUX_CALLS:-none})" \
	[ "${HTUX_CALLS:-0}" -gt 200000 ]

# NMIs (QMP's inject-nmi, every 70 ms) while 2 CPUs make calls through the
# fast entry: fast_nmi leaves %gs alone wherever they land (the entry's
# windows included); every result right, a report per NMI.
if command -v python3 > /dev/null; then
	sock=$HTUX_TMP/qmp
	timeout -k 10 "$HTUX_TIMEOUT" "$HTUX_BUILDDIR/htux" run --tcg --fast-syscalls --smp 2 \
		--qemu-arg -qmp --qemu-arg "unix:$sock,server=on,wait=off" \
		"$HTUX_TMP/fc_edge" loop 3000000 < /dev/null > "$HTUX_TMP/stdout" 2>&1 &
	pid=$!
	send_nmi "$sock" 100 0.07 > "$HTUX_TMP/qmp.out" 2>&1
	wait $pid
	st=$?
	n=$(grep -c '^htux: nmi: cpu' "$HTUX_TMP/stdout")
	check "NMIs during calls through the fast entry, 2 CPUs: status $st, $n CPU reports" \
		[ "$st" = 0 ] && [ "$n" -gt 0 ]
else
	skip "NMIs during fast calls: no python3 (QMP client)"
fi
