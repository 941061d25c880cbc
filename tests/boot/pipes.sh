#!/bin/bash
# pipes.sh: pipes, eventfd, timerfd, memfd, poll/select, epoll and the
# blocking console: each program is built with musl and glibc, run on the
# host and in htux, and the outputs and statuses compared; and a Go program
# whose pipes go through the Go runtime's epoll netpoller.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 26

# same_as_host DESCRIPTION PROG ARGS...: htux's stdout and status equal the
# program's own run natively on this host.
same_as_host() {
	_d=$1
	shift
	_want=$("$@" 2>/dev/null < "${HTUX_STDIN:-/dev/null}")
	_want_st=$?
	htux_run "$@"
	check_output_status "$_d" "$_want" "$_want_st"
}

for kind in musl glibc; do
	for prog in pipes eventfd timerfd epoll memfd pollsel pollsig pipethr readvstream; do
		if build_static $prog-$kind progs/$prog.c $kind -pthread; then
			same_as_host "$kind: $prog" "$HTUX_TMP/$prog-$kind"
		else
			not_ok "$kind: $prog" "cannot build progs/$prog.c"
		fi
	done
	# SIGPIPE left at its default kills the writer (status 141), as on
	# Linux (under --init: pid 1 would take no SIGPIPE, as a container's)
	"$HTUX_TMP/pipes-$kind" sigpipe > /dev/null 2>&1
	_st=$?
	htux_run --init "$HTUX_TMP/pipes-$kind" sigpipe
	if [ "$_st" = 141 ]; then
		check_status "$kind: write to a pipe without reader: SIGPIPE" 141
	else
		not_ok "$kind: write to a pipe without reader: SIGPIPE" "native status $_st"
	fi
done

# Go: os.Pipe between goroutines, read deadlines (epoll, edge-triggered)
if ! command -v go >/dev/null 2>&1; then
	skip "Go: pipes through the netpoller" "go not installed (Debian package golang-go)"
elif (cd "$HTUX_SRCDIR/tests/progs/gopipe" && CGO_ENABLED=0 GOCACHE="$HTUX_TMP/gocache" \
	GOPATH="$HTUX_TMP/gopath" GOFLAGS=-mod=mod go build -o "$HTUX_TMP/gopipe" .) \
	> "$HTUX_TMP/go.log" 2>&1; then
	same_as_host "Go: pipes through the netpoller" "$HTUX_TMP/gopipe"
else
	not_ok "Go: pipes through the netpoller" "cannot build: $(head -5 "$HTUX_TMP/go.log")"
fi

# The console: poll and read on stdin block until the input comes.
build_static stdinpoll progs/stdinpoll.c musl || bail_out "cannot build stdinpoll"
build_static stdinpoll-glibc progs/stdinpoll.c glibc || bail_out "cannot build stdinpoll"
printf 'one\ntwo\n' > "$HTUX_TMP/in.txt"
HTUX_STDIN=$HTUX_TMP/in.txt same_as_host "musl: poll and read stdin" "$HTUX_TMP/stdinpoll"
HTUX_STDIN=$HTUX_TMP/in.txt same_as_host "glibc: poll and read stdin" "$HTUX_TMP/stdinpoll-glibc"

# Input that comes 2 s after the start: the program waits for it, and
# waits without spinning (QEMU's CPU time stays well below the 2 s).
late() { sleep 2; printf 'late\n'; }
_want=$(late | "$HTUX_TMP/stdinpoll")
(
	late | timeout -k 10 "$HTUX_TIMEOUT" "$HTUX_BUILDDIR/htux" run ${HTUX_ACCEL:---tcg} \
		"$HTUX_TMP/stdinpoll" > "$HTUX_TMP/stdout" 2> "$HTUX_TMP/stderr"
	echo $? > "$HTUX_TMP/status"
	times > "$HTUX_TMP/times"      # not in a pipe: a forked shell has no children
)
HTUX_STATUS=$(cat "$HTUX_TMP/status")
HTUX_STDOUT=$(cat "$HTUX_TMP/stdout")
HTUX_STDERR=$(cat "$HTUX_TMP/stderr")
check_output_status "stdin that comes late: poll and read wait for it" "$_want" 0
# O_ASYNC on the console: SIGIO when input arrives, sent once the program
# says it is ready (through a FIFO held open meanwhile); natively (stdin a
# pipe) it prints the same
build_static stdinasync progs/stdinasync.c musl || bail_out "cannot build stdinasync"
_want=$(printf 'ready\nsignal: SIGIO, si_code SI_KERNEL\nread: late')
rm -f "$HTUX_TMP/in.fifo"
mkfifo "$HTUX_TMP/in.fifo"
timeout -k 10 "$HTUX_TIMEOUT" "$HTUX_BUILDDIR/htux" run ${HTUX_ACCEL:---tcg} \
	"$HTUX_TMP/stdinasync" < "$HTUX_TMP/in.fifo" > "$HTUX_TMP/stdout" 2> "$HTUX_TMP/stderr" &
_pid=$!
exec 3> "$HTUX_TMP/in.fifo"
for _i in $(seq 600); do
	grep -q '^ready' "$HTUX_TMP/stdout" 2>/dev/null && break
	kill -0 $_pid 2>/dev/null || break
	sleep 0.1
done
printf 'late\n' >&3
exec 3>&-
wait $_pid
HTUX_STATUS=$?
HTUX_STDOUT=$(cat "$HTUX_TMP/stdout")
HTUX_STDERR=$(cat "$HTUX_TMP/stderr")
check_output_status "FIOASYNC on the console: SIGIO when input arrives" "$_want" 0

# "times": the shell's user and system time, then its children's on the
# second line: "0m0.230s 0m0.200s"
_cpu=$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }
	printf "%d", t * 1000 }' "$HTUX_TMP/times")
if [ "$_cpu" -lt 1000 ]; then
	ok "waiting for console input does not spin (${_cpu} ms of CPU)"
else
	not_ok "waiting for console input does not spin" "QEMU used ${_cpu} ms of CPU in a 2 s wait"
fi
