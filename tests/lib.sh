# tests/lib.sh: helpers for TAP test scripts (boot tests of htux and tests
# of its tools). Source it first thing:
#
#   . "${HTUX_SRCDIR:-.}/tests/lib.sh"
#   require_qemu; require_cc musl     # before plan: these may skip_all
#   plan 2
#   build_static hello - musl <<'EOF'
#   ...C source...
#   EOF
#   htux_run "$HTUX_TMP/hello" a b
#   check_output_status "hello prints its arguments" "a b" 0
#
# make check sets HTUX_BUILDDIR, HTUX_SRCDIR, HTUX_QEMU and MUSL_GCC; run by
# hand, the build directory defaults to the current directory. Each script
# gets its own temporary directory $HTUX_TMP, removed at exit unless
# HTUX_KEEP_TMP is set. HTUX_TIMEOUT (default 120) limits each htux run.
#
# HTUX_ACCEL=kvm (make check-kvm) runs the guests under KVM: htux_run and
# the scripts' own htux run lines (${HTUX_ACCEL:---tcg}) pass --kvm, raw
# QEMU runs put $HTUX_QEMU_ACCEL (-accel kvm -cpu host) after $HTUX_QEMU,
# and require_qemu skips the script, with the launcher's reason, where
# /dev/kvm cannot run a guest. tcg, or unset, is QEMU's emulator.
#
# HTUX_SMP=N runs the tests on N CPUs: htux_run gives htux run --smp N, and
# $HTUX_QEMU becomes a wrapper that puts -smp N first on every QEMU command
# line (htux run's and the tests' own), so that a test's own -smp still
# wins. E.g. HTUX_SMP=2 make check TESTS='tests/abi/run.sh', or make
# check-smp. Unset (make check), the wrapper alternates: a script's first
# guest gets -smp 2, its second one CPU, its third -smp 2 and so on, so
# that every test runs guests on 2 CPUs and on 1 in the same time (issue
# 16); a failure's diagnostics say which (_show_run). HTUX_SMP=1 keeps
# every guest on one CPU.
#
# HTUX_FAST=1 runs the programs in ring 0: htux_run gives htux run
# --fast-syscalls (kernel option fastsys; docs/design.md, "Ring 0 for the
# program"). E.g. HTUX_FAST=1 make check TESTS='tests/abi/run.sh'.
#
# HTUX_SYSRW=1 runs them with --rewrite-syscalls (htux_run): the system
# call sites rewritten (kernel option sysrw), e.g. HTUX_SYSRW=1 make check
# TESTS='tests/abi/run.sh'.

HTUX_SRCDIR=${HTUX_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
HTUX_BUILDDIR=${HTUX_BUILDDIR:-$(pwd)}
HTUX_QEMU=${HTUX_QEMU:-qemu-system-x86_64}
HTUX_TIMEOUT=${HTUX_TIMEOUT:-120}
MUSL_GCC=${MUSL_GCC:-musl-gcc}
export HTUX_QEMU

case ${HTUX_ACCEL:-tcg} in
tcg | --tcg) HTUX_ACCEL=--tcg HTUX_QEMU_ACCEL="-accel tcg" ;;
kvm | --kvm) HTUX_ACCEL=--kvm HTUX_QEMU_ACCEL="-accel kvm -cpu host" ;;
*)
	echo "Bail out! HTUX_ACCEL=$HTUX_ACCEL: not kvm or tcg"
	exit 1
	;;
esac

case ${HTUX_FAST:-0} in
0) _htux_fast= ;;
1) _htux_fast=--fast-syscalls ;;
*)
	echo "Bail out! HTUX_FAST=$HTUX_FAST: not 0 or 1"
	exit 1
	;;
esac

_tap_count=0
_tap_failed=0
_tap_plan=

HTUX_TMP=$(mktemp -d "${TMPDIR:-/tmp}/htux-test.XXXXXX") || {
	echo "Bail out! cannot make a temporary directory"
	exit 1
}

_tap_exit() {
	_st=$?
	if [ -z "$_tap_plan" ]; then
		echo "1..$_tap_count"
	fi
	if [ -n "${HTUX_KEEP_TMP:-}" ]; then
		echo "# kept $HTUX_TMP"
	else
		rm -rf "$HTUX_TMP"
	fi
	exit $_st
}
trap _tap_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the real QEMU, also for a script that a test runs with this file again
# (its HTUX_QEMU is then our wrapper)
case $HTUX_QEMU in
*/qemu-smp) _q=${HTUX_QEMU_REAL:-$HTUX_QEMU} ;;
*) _q=$(command -v "$HTUX_QEMU" 2>/dev/null) || _q=$HTUX_QEMU ;;
esac
HTUX_QEMU_REAL=$_q
export HTUX_QEMU_REAL
if [ -n "${HTUX_SMP:-}" ]; then
	case $HTUX_SMP in
	*[!0-9]* | 0*) echo "Bail out! HTUX_SMP=$HTUX_SMP: expected a number of CPUs"; exit 1 ;;
	esac
	printf '#!/bin/sh\n# runs QEMU on HTUX_SMP CPUs (tests/lib.sh)\necho %s > %s\nexec %s -smp %s "$@"\n' \
		"$HTUX_SMP" "'$HTUX_TMP/qemu-last'" "'$_q'" "$HTUX_SMP" > "$HTUX_TMP/qemu-smp"
else
	# 2, 1, 2, ... CPUs in turn; the count in qemu-n (one script's guests
	# start one at a time, or nearly: a race only repeats a count)
	cat > "$HTUX_TMP/qemu-smp" <<EOF
#!/bin/sh
# runs QEMU on 2 and 1 CPUs in turn (tests/lib.sh)
n=\$(cat '$HTUX_TMP/qemu-n' 2>/dev/null || echo 0)
echo \$((n + 1)) > '$HTUX_TMP/qemu-n'
if [ \$((n % 2)) = 0 ]; then
	echo 2 > '$HTUX_TMP/qemu-last'
	exec '$_q' -smp 2 "\$@"
fi
echo 1 > '$HTUX_TMP/qemu-last'
exec '$_q' "\$@"
EOF
fi
chmod +x "$HTUX_TMP/qemu-smp" && HTUX_QEMU=$HTUX_TMP/qemu-smp || {
	echo "Bail out! cannot write the QEMU wrapper for HTUX_SMP"
	exit 1
}

# plan N: announces N tests (optional: without it the plan is printed at
# the end).
plan() {
	_tap_plan=$1
	echo "1..$1"
}

# diag LINE...: comment lines ("# LINE"), shown in the test's log.
diag() {
	for _l in "$@"; do
		printf '%s\n' "$_l" | sed 's/^/# /'
	done
}

# ok DESCRIPTION / not_ok DESCRIPTION [DIAG LINE]...
ok() {
	_tap_count=$((_tap_count + 1))
	echo "ok $_tap_count - $1"
}

not_ok() {
	_tap_count=$((_tap_count + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_count - $1"
	shift
	diag "$@"
}

# skip DESCRIPTION REASON: a test that was not run.
skip() {
	_tap_count=$((_tap_count + 1))
	echo "ok $_tap_count - $1 # SKIP $2"
}

# skip_all REASON: skips the whole script (call it before plan).
skip_all() {
	_tap_plan=0
	echo "1..0 # SKIP $*"
	exit 0
}

# bail_out REASON: stops the whole script as an error.
bail_out() {
	_tap_plan=${_tap_plan:-0}
	echo "Bail out! $*"
	exit 1
}

# check DESCRIPTION COMMAND [ARG]...: ok when the command succeeds.
check() {
	_d=$1
	shift
	if "$@"; then
		ok "$_d"
	else
		not_ok "$_d" "failed: $*"
	fi
}

# require_qemu: skip_all unless QEMU and the built kernel and tools exist,
# and, with HTUX_ACCEL=kvm, unless KVM can run a guest (the launcher's
# probe: htux run --kvm refuses, saying why, where it cannot).
require_qemu() {
	command -v "$HTUX_QEMU" >/dev/null 2>&1 ||
		skip_all "QEMU ($HTUX_QEMU) not found"
	[ -x "$HTUX_BUILDDIR/htux" ] || bail_out "$HTUX_BUILDDIR/htux not built"
	[ -f "$HTUX_BUILDDIR/htux.elf" ] || [ -n "${HTUX_KERNEL:-}" ] ||
		bail_out "$HTUX_BUILDDIR/htux.elf not built"
	if [ "$HTUX_ACCEL" = --kvm ]; then
		_why=$("$HTUX_BUILDDIR/htux" run --kvm --dry-run /bin/true 2>&1 >/dev/null) ||
			skip_all "KVM cannot run a guest here: $(printf '%s' "$_why" | tr '\n' ' ')"
	fi
}

# _cc KIND: the compiler command for build_static.
_cc() {
	case $1 in
	musl) echo "$MUSL_GCC -static" ;;
	glibc) echo "${CC:-cc} -static" ;;
	glibc-pie) echo "${CC:-cc} -static-pie -fPIE" ;;
	*) return 1 ;;
	esac
}

# require_cc KIND: skip_all unless static programs of KIND (musl, glibc or
# glibc-pie) can be built here.
require_cc() {
	_c=$(_cc "$1") || bail_out "require_cc: unknown kind $1"
	printf 'int main(void) { return 0; }\n' > "$HTUX_TMP/cc-probe.c"
	$_c -o "$HTUX_TMP/cc-probe" "$HTUX_TMP/cc-probe.c" >/dev/null 2>&1 ||
		skip_all "cannot build static $1 programs ($_c)"
	rm -f "$HTUX_TMP/cc-probe" "$HTUX_TMP/cc-probe.c"
}

# build_static NAME SRC [KIND [CFLAGS...]]: compiles the C file SRC (a path,
# tried as given then under $HTUX_SRCDIR/tests; "-" reads the source from
# stdin) into the static program $HTUX_TMP/NAME. KIND is musl (default),
# glibc or glibc-pie. On failure prints the compiler's messages as
# diagnostics and returns 1.
build_static() {
	_name=$1 _src=$2 _kind=${3:-musl}
	shift 2
	[ $# -gt 0 ] && shift
	_c=$(_cc "$_kind") || bail_out "build_static: unknown kind $_kind"
	case $_src in
	-) _src=$HTUX_TMP/$_name.c; cat > "$_src" ;;
	/*) ;;
	*) [ -f "$_src" ] || _src=$HTUX_SRCDIR/tests/$_src ;;
	esac
	if ! $_c -O2 -Wall -o "$HTUX_TMP/$_name" "$_src" "$@" \
		> "$HTUX_TMP/cc.log" 2>&1; then
		diag "cannot build $_name from $_src with $_c:"
		diag "$(cat "$HTUX_TMP/cc.log")"
		return 1
	fi
}

# htux_run ARG...: runs "$HTUX_BUILDDIR/htux run --tcg ARG..." (--kvm with
# HTUX_ACCEL=kvm; HTUX_SMP=N adds --smp N and HTUX_FAST=1 --fast-syscalls
# before the ARGs) with stdin from
# $HTUX_STDIN (default /dev/null), within $HTUX_TIMEOUT seconds. Sets
# HTUX_STATUS (124: timed out), HTUX_STDOUT and HTUX_STDERR (without their
# trailing newlines); the exact bytes are in
# $HTUX_TMP/stdout and $HTUX_TMP/stderr. The program's stderr is htux's
# (apart from stdout); HTUX_MERGE=1 runs it as "2>&1" instead: both
# streams in HTUX_STDOUT in the order written, to compare with a host
# run's 2>&1 (HTUX_STDERR then empty).
_htux_cmd() {
	timeout -k 10 "$HTUX_TIMEOUT" "$HTUX_BUILDDIR/htux" run \
		${HTUX_ACCEL:---tcg} ${HTUX_SMP:+--smp "$HTUX_SMP"} $_htux_fast \
		${HTUX_SYSRW:+--rewrite-syscalls} "$@" \
		< "${HTUX_STDIN:-/dev/null}"
}

htux_run() {
	if [ -n "${HTUX_MERGE:-}" ]; then
		: > "$HTUX_TMP/stderr"
		_htux_cmd "$@" > "$HTUX_TMP/stdout" 2>&1
	else
		_htux_cmd "$@" > "$HTUX_TMP/stdout" 2> "$HTUX_TMP/stderr"
	fi
	HTUX_STATUS=$?
	HTUX_STDOUT=$(cat "$HTUX_TMP/stdout")
	HTUX_STDERR=$(cat "$HTUX_TMP/stderr")
	if [ "$HTUX_STATUS" = 124 ]; then
		diag "htux run $* timed out after $HTUX_TIMEOUT s"
	fi
	return 0
}

_show_run() {
	diag "stdout:" "$HTUX_STDOUT" "stderr:" "$HTUX_STDERR" \
		"(the last guest: -smp $(cat "$HTUX_TMP/qemu-last" 2>/dev/null || echo '?'))"
}

# check_output_status DESCRIPTION STDOUT STATUS: the last htux_run printed
# STDOUT (trailing newlines aside) and exited with STATUS.
check_output_status() {
	if [ "$HTUX_STDOUT" = "$2" ] && [ "$HTUX_STATUS" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected status $3, got $HTUX_STATUS" \
			"expected stdout:" "$2"
		_show_run
	fi
}

# check_status DESCRIPTION STATUS
check_status() {
	if [ "$HTUX_STATUS" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1" "expected status $2, got $HTUX_STATUS"
		_show_run
	fi
}

# check_stdout_contains / check_stderr_contains DESCRIPTION TEXT: the
# last htux_run's stdout or stderr holds TEXT.
check_stdout_contains() {
	case $HTUX_STDOUT in
	*"$2"*) ok "$1" ;;
	*) not_ok "$1" "stdout lacks: $2"; _show_run ;;
	esac
}

check_stderr_contains() {
	case $HTUX_STDERR in
	*"$2"*) ok "$1" ;;
	*) not_ok "$1" "stderr lacks: $2"; _show_run ;;
	esac
}

# sites_counts: after an htux_run --verbose, sets HTUX_SITES (the counts of
# the "htux: syscall sites:" line) and HTUX_CALLS (the number on the "htux:
# fast calls:" line), each empty without its line, and drops the "htux:"
# lines from HTUX_STDOUT.
sites_counts() {
	HTUX_SITES=$(printf '%s\n' "$HTUX_STDOUT" | sed -n 's/^htux: syscall sites: //p')
	HTUX_CALLS=$(printf '%s\n' "$HTUX_STDOUT" |
		sed -n 's/^htux: fast calls: \([0-9]*\) .*/\1/p')
	HTUX_STDOUT=$(printf '%s\n' "$HTUX_STDOUT" | grep -v '^htux: ')
}

# rewritten_as_host OPTION DESCRIPTION PROG ARGS...: runs PROG on the host,
# then in htux with --verbose OPTION (--fast-syscalls or
# --rewrite-syscalls) $HTUX_RUN_OPTS; htux's stdout ("htux:" lines aside)
# and status must be the host's. Sets HTUX_SITES and HTUX_CALLS
# (sites_counts). fastcall.sh and sysrw.sh.
rewritten_as_host() {
	_opt=$1 _d=$2
	shift 2
	_want=$("$@" 2>/dev/null)
	_want_st=$?
	htux_run --verbose "$_opt" $HTUX_RUN_OPTS "$@"
	sites_counts
	check_output_status "$_d" "$_want" "$_want_st"
}

# summary_counts: the last htux_run --syscall-summary's table as sorted
# "CALLS NAME" lines.
summary_counts() {
	printf '%s\n' "$HTUX_STDERR" | grep -E '^ *[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+' |
		awk '{print $4, $NF}' | sort
}

# calls_as_default strace|summary OPTION DESCRIPTION PROG ARGS...: PROG's
# --strace lines (the kernel's aside; status 0 too), or its
# --syscall-summary counts, with OPTION (--fast-syscalls,
# --rewrite-syscalls) are those of the default mode, and not none.
_calls_seen() {
	if [ "$1" = strace ]; then
		printf '%s\n' "$HTUX_STDERR" | grep -v '^htux: '
	else
		summary_counts
	fi
}
calls_as_default() {
	_k=$1 _opt=$2 _d=$3
	shift 3
	_f=--syscall-summary
	[ "$_k" = strace ] && _f=--strace
	htux_run $_f "$@"
	_plain=$(_calls_seen "$_k")
	htux_run $_f "$_opt" "$@"
	_with=$(_calls_seen "$_k")
	if [ -n "$_with" ] && [ "$_plain" = "$_with" ] &&
		{ [ "$_k" != strace ] || [ "$HTUX_STATUS" = 0 ]; }; then
		ok "$_d"
	else
		not_ok "$_d" "default:" "$_plain" "$_opt:" "$_with"
	fi
}

# send_nmi SOCKET [COUNT GAP]: asks the QEMU whose QMP socket is SOCKET
# (htux run --qemu-arg -qmp --qemu-arg unix:SOCKET,server=on,wait=off) for
# an NMI, waiting for the socket first: the kernel then prints what every
# CPU and thread is doing on the console (arch/x86_64/nmi.c). nmi.sh tests
# it; other tests use it to say what a guest that hangs is doing. With
# COUNT, COUNT NMIs GAP seconds apart over one connection, stopping
# quietly when the guest ends (fastcall.sh: NMIs during system calls).
send_nmi() {
	python3 - "$1" "${2:-1}" "${3:-0}" <<'PY'
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX)
for _ in range(100):
    try:
        s.connect(sys.argv[1])
        break
    except OSError:
        time.sleep(0.1)
f = s.makefile("rw")
f.readline()
count, gap = int(sys.argv[2]), float(sys.argv[3])


def ask(cmd):
    try:
        f.write(json.dumps({"execute": cmd}) + "\n")
        f.flush()
        while True:
            line = f.readline()
            if not line:
                return None
            r = json.loads(line)
            if "return" in r or "error" in r:
                return r
    except OSError:
        return None


for i, cmd in enumerate(["qmp_capabilities"] + ["inject-nmi"] * count):
    if i > 1 or (i == 1 and count > 1):
        time.sleep(gap)
    r = ask(cmd)
    if r is None:
        if i > 1:
            break
        sys.exit("QMP %s: the guest went away" % cmd)
    if "error" in r:
        sys.exit("QMP %s: %s" % (cmd, r["error"]["desc"]))
PY
}
