#!/bin/bash
# fortran.sh: a Fortran program built with Debian's gfortran -static runs
# in htux as on the host (formatted I/O, allocatable arrays, derived types).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
command -v gfortran >/dev/null 2>&1 || skip_all "gfortran not installed"
plan 1

gfortran -static -O2 -o "$HTUX_TMP/fortran" "$HTUX_SRCDIR/tests/progs/fortran.f90" \
	> "$HTUX_TMP/f.log" 2>&1 || bail_out "gfortran failed: $(head -3 "$HTUX_TMP/f.log")"
want=$("$HTUX_TMP/fortran")
want_st=$?
htux_run "$HTUX_TMP/fortran"
check_output_status "gfortran -static: derived types, allocatables, formatted output" "$want" "$want_st"
