#!/bin/bash
# smp_progs.sh: programs that use several CPUs when they have them (issue
# 16), on -smp 2 and -smp 4, print what they print on the host: Go with
# GOMAXPROCS=N goroutines (SHA-256 chains, a channel ring), whose
# runtime.NumCPU() must equal the number of CPUs in
# /sys/devices/system/cpu/online, and gfortran OpenMP with
# OMP_NUM_THREADS=N (a reduction with a known sum, a static schedule that
# gives each thread a share, a barrier); Java's
# Runtime.availableProcessors() and Node's os.cpus() on -smp 3 say 3.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
plan 6

P=$HTUX_SRCDIR/tests/progs

# same_as_host DESC SMP ENV PROG ARG...: PROG prints on -smp SMP in htux, with
# the environment ENV (NAME=VALUE or empty), what it prints on the host
same_as_host() {
	_d=$1 _smp=$2 _env=$3
	shift 3
	_want=$(cd / && env $_env "$@" 2>&1)
	_want_st=$?
	htux_run --smp "$_smp" ${_env:+-e "$_env"} "$@"
	check_output_status "$_d" "$_want" "$_want_st"
}

if ! command -v go >/dev/null 2>&1; then
	skip "Go on -smp 2" "go not installed (Debian package golang-go)"
	skip "Go on -smp 4" "go not installed (Debian package golang-go)"
elif ! (cd "$P/gosmp" && CGO_ENABLED=0 GOCACHE="$HTUX_TMP/gocache" \
	GOPATH="$HTUX_TMP/gopath" GOFLAGS=-mod=mod go build -o "$HTUX_TMP/gosmp" .) \
	> "$HTUX_TMP/go.log" 2>&1; then
	not_ok "Go on -smp 2: builds" "$(head -5 "$HTUX_TMP/go.log")"
	not_ok "Go on -smp 4: builds"
else
	same_as_host "Go, GOMAXPROCS 2 on -smp 2: NumCPU = online CPUs, chains, ring" 2 "" \
		"$HTUX_TMP/gosmp" 2
	same_as_host "Go, GOMAXPROCS 4 on -smp 4" 4 "" "$HTUX_TMP/gosmp" 4
fi

# dynamically linked: a static libgomp program crashes at exit (in
# libgfortran's close_units) with Debian 12's gfortran, on the host too
if ! command -v gfortran >/dev/null 2>&1; then
	skip "OpenMP on -smp 2" "gfortran not installed"
	skip "OpenMP on -smp 4" "gfortran not installed"
elif ! gfortran -O2 -fopenmp -o "$HTUX_TMP/omp" "$P/smp/omp.f90" > "$HTUX_TMP/f.log" 2>&1; then
	not_ok "OpenMP on -smp 2: builds" "$(head -5 "$HTUX_TMP/f.log")"
	not_ok "OpenMP on -smp 4: builds"
else
	same_as_host "gfortran OpenMP, 2 threads on -smp 2: reduction, shares, barrier" 2 \
		OMP_NUM_THREADS=2 "$HTUX_TMP/omp"
	same_as_host "gfortran OpenMP, 4 threads on -smp 4" 4 OMP_NUM_THREADS=4 "$HTUX_TMP/omp"
fi

# what runtimes are told: Java (sched_getaffinity, /proc and cgroup files)
# and Node (libuv reads /proc/stat and /proc/cpuinfo)
JH=/usr/lib/jvm/java-17-openjdk-amd64
if [ ! -x "$JH/bin/javac" ]; then
	skip "Java on -smp 3" "openjdk-17-jdk-headless not installed"
else
	mkdir -p "$HTUX_TMP/jcls"
	printf '%s\n' 'public class Cpus { public static void main(String[] a) {' \
		'System.out.println("availableProcessors " + Runtime.getRuntime().availableProcessors()); } }' \
		> "$HTUX_TMP/Cpus.java"
	if "$JH/bin/javac" -d "$HTUX_TMP/jcls" "$HTUX_TMP/Cpus.java" > "$HTUX_TMP/javac.log" 2>&1; then
		HTUX_TIMEOUT=300 htux_run --smp 3 -m 512M --add "$HTUX_TMP/jcls" "$JH/bin/java" \
			-cp "$HTUX_TMP/jcls" Cpus
		check_output_status "Java on -smp 3: availableProcessors() is 3" \
			"availableProcessors 3" 0
	else
		not_ok "Java on -smp 3: builds" "$(head -5 "$HTUX_TMP/javac.log")"
	fi
fi
if ! command -v node >/dev/null 2>&1; then
	skip "Node on -smp 3" "nodejs not installed"
else
	HTUX_TIMEOUT=300 htux_run --smp 3 "$(command -v node)" -e \
		'console.log("cpus", require("os").cpus().length)'
	check_output_status "Node on -smp 3: os.cpus() has 3" "cpus 3" 0
fi
