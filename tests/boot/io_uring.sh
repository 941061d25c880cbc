#!/bin/bash
# io_uring.sh: a program built on Debian's liburing (static, glibc) runs
# under htux as on the host: io_uring_queue_init's mappings, the probe,
# file I/O (plain, vectored, fixed buffers and files), chains, a poll and
# a pipe read completed by a write, timeouts, a TCP echo over loopback
# on the ring, and a CQ overflow kept (tests/progs/uring_liburing.c).
# The raw ABI is tests/abi/io_uring*.c's.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc glibc
plan 1
HTUX_TIMEOUT=${HTUX_TIMEOUT_IO_URING:-60}

if ! build_static uring_liburing progs/uring_liburing.c glibc -luring; then
	skip "liburing program" "cannot build with -luring (liburing-dev)"
	exit 0
fi
mkdir -p "$HTUX_TMP/host"
want=$(cd "$HTUX_TMP/host" && "$HTUX_TMP/uring_liburing")
htux_run "$HTUX_TMP/uring_liburing"
check_output_status "liburing program: same output as the host" "$want" 0
