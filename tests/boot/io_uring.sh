#!/bin/bash
# io_uring.sh: a program built on Debian's liburing (static, glibc) runs
# under htux as on the host: io_uring_queue_init's mappings, the probe,
# file I/O (plain, vectored, fixed buffers and files), chains, a poll and
# a pipe read completed by a write, timeouts, a TCP echo over loopback
# on the ring, and a CQ overflow kept (tests/progs/uring_liburing.c);
# and garbage SQEs (random opcodes, flags, descriptors, addresses,
# lengths: tests/progs/uring_fuzz.c) each answered, without a crash or a
# hang. The raw ABI is tests/abi/io_uring*.c's.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc glibc
plan 2
HTUX_TIMEOUT=${HTUX_TIMEOUT_IO_URING:-60}

if build_static uring_liburing progs/uring_liburing.c glibc -luring; then
	mkdir -p "$HTUX_TMP/host"
	want=$(cd "$HTUX_TMP/host" && "$HTUX_TMP/uring_liburing")
	htux_run "$HTUX_TMP/uring_liburing"
	check_output_status "liburing program: same output as the host" "$want" 0
else
	skip "liburing program" "cannot build with -luring (liburing-dev)"
fi

build_static uring_fuzz progs/uring_fuzz.c glibc || bail_out "cannot build uring_fuzz"
htux_run "$HTUX_TMP/uring_fuzz" /tmp/fuzz
check_output_status "garbage SQEs: each answered, no crash or hang" "done ok" 0
