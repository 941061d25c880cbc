#!/bin/bash
# ramfile_shared.sh: a file from the image mapped MAP_SHARED and then
# written (tests/progs/ramfile_shared.c): until its first change the file
# borrows the image's bytes and the mapping holds copies of them; at that
# change the file takes those copies as its own pages, so a store made
# through the mapping before it is in the file and in later mappings, as
# on Linux. Before, the file copied the image's bytes: the older store
# was lost, and the two mappings no longer saw each other's stores.
# Compared with the program run on the host on a copy of the same file.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 2

head -c 12000 /dev/urandom | tr -c 'a-z' 'x' > "$HTUX_TMP/data.bin"
i=0
for kind in musl glibc; do
	i=$((i + 1))
	build_static rfs-$kind progs/ramfile_shared.c $kind || bail_out "cannot build ramfile_shared.c"
	cp "$HTUX_TMP/data.bin" "$HTUX_TMP/host.bin"
	want=$("$HTUX_TMP/rfs-$kind" "$HTUX_TMP/host.bin")
	want_st=$?
	HTUX_SMP=$i htux_run --add "$HTUX_TMP/data.bin:/data.bin" "$HTUX_TMP/rfs-$kind" /data.bin
	check_output_status "$kind, -smp $i: the mappings, pread and the file agree (as on the host)" \
		"$want" "$want_st"
done
