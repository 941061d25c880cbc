#!/bin/bash
# memory.sh: file mappings in htux as on the host: MAP_SHARED writes
# reach the file on msync and munmap, MAP_PRIVATE writes do not, and a
# read-only descriptor refuses a shared writable mapping.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 2

mkdir -p "$HTUX_TMP/work"
for kind in musl glibc; do
	build_static mmap-$kind progs/mmap_shared.c $kind || bail_out "cannot build mmap_shared.c"
	want=$("$HTUX_TMP/mmap-$kind" "$HTUX_TMP/work" 2>&1)
	want_st=$?
	htux_run "$HTUX_TMP/mmap-$kind" /tmp
	check_output_status "$kind: MAP_SHARED write-back, MAP_PRIVATE, EACCES" "$want" "$want_st"
done
