#!/bin/bash
# go.sh: a Go program built with Debian's golang-go (CGO_ENABLED=0, static)
# runs in htux as on the host: goroutines over several threads, channels,
# mutexes, a time.Ticker, file I/O, os/signal, the exit status; on pc and
# microvm.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
command -v go >/dev/null 2>&1 || skip_all "go not installed (Debian package golang-go)"
plan 2

if ! (cd "$HTUX_SRCDIR/tests/progs/go" && CGO_ENABLED=0 GOCACHE="$HTUX_TMP/gocache" \
	GOPATH="$HTUX_TMP/gopath" GOFLAGS=-mod=mod go build -o "$HTUX_TMP/gotest" .) \
	> "$HTUX_TMP/go.log" 2>&1; then
	bail_out "cannot build the Go program: $(head -5 "$HTUX_TMP/go.log")"
fi
mkdir -p "$HTUX_TMP/work"
want=$("$HTUX_TMP/gotest" "$HTUX_TMP/work")
want_st=$?
htux_run "$HTUX_TMP/gotest"
check_output_status "Go: goroutines, channels, mutex, ticker, files, os/signal, exit 3" "$want" "$want_st"
htux_run --machine microvm "$HTUX_TMP/gotest"
check_output_status "Go on microvm" "$want" "$want_st"
