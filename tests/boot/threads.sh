#!/bin/bash
# threads.sh: multi-threaded static programs (pthreads on musl and glibc,
# C++ std::thread) run in htux as on the host: clone, futexes, blocking
# sleeps, and preemption of threads that never yield, on all machines.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 7

same_as_host() {   # DESCRIPTION PROG [ARGS]: ($OPTS: htux options)
	_d=$1
	shift
	_want=$("$@" 2>&1)
	_want_st=$?
	htux_run ${OPTS:-} "$@"
	check_output_status "$_d" "$_want" "$_want_st"
}

for kind in musl glibc; do
	build_static threads-$kind progs/threads.c $kind -pthread || bail_out "cannot build threads.c"
	same_as_host "$kind: 64 threads, mutex, condvar, join, sleep" "$HTUX_TMP/threads-$kind"
done
build_static spin progs/spin.c glibc -pthread || bail_out "cannot build spin.c"
for m in pc q35 microvm; do
	OPTS="--machine $m" same_as_host "-M $m: threads that never yield are preempted" "$HTUX_TMP/spin"
done
if ${CXX:-g++} -static -O2 -pthread -o "$HTUX_TMP/cxx" "$HTUX_SRCDIR/tests/progs/cxx_threads.cpp" \
	> "$HTUX_TMP/cxx.log" 2>&1; then
	same_as_host "C++: std::thread, exceptions, mutex, condition_variable, chrono" "$HTUX_TMP/cxx"
	OPTS="--machine microvm" same_as_host "C++ on microvm" "$HTUX_TMP/cxx"
else
	not_ok "C++: build with g++ -static" "$(cat "$HTUX_TMP/cxx.log")"
	not_ok "C++ on microvm" "not built"
fi
