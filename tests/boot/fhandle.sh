#!/bin/bash
# fhandle.sh: file handles on an ext2 disk outlive a boot and last the
# file's life: a handle saved in one boot (of a file htux made, or one the
# host's mke2fs made) opens the file in the next; once the file is
# deleted, or its inode number given to a new file, the handle is ESTALE,
# read from memory or from the disk; a handle of "/" (the RAM filesystem)
# is stale in the next boot, and an ext2 handle is stale on "/". e2fsck
# finds the disk clean after. (tests/abi/fhandle.c checks the calls'
# errors against the host's.)
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
PATH=$PATH:/sbin:/usr/sbin
command -v mke2fs >/dev/null 2>&1 && command -v e2fsck >/dev/null 2>&1 ||
	skip_all "mke2fs/e2fsck (e2fsprogs) are not installed"
plan 5

build_static fhkeep progs/fhkeep.c musl || bail_out "cannot build fhkeep"
K=$HTUX_TMP/fhkeep
IMG=$HTUX_TMP/disk.img
mkdir -p "$HTUX_TMP/src"
echo "made by mke2fs" > "$HTUX_TMP/src/host.txt"
mke2fs -q -t ext2 -d "$HTUX_TMP/src" "$IMG" 8M > /dev/null 2>&1 || bail_out "mke2fs failed"
STALE="Stale file handle"

htux_run --disk "$IMG" "$K" save /data/host.txt /data/host.h \
	mk /data/g.txt "guest file" save /data/g.txt /data/g.h save / /data/root.h \
	mk /data/v.txt victim save /data/v.txt /data/v.h rm /data/v.txt \
	open /data/v.h /data open /data/g.h /data open /data/root.h /
check_output_status "boot 1: handles made, a deleted file's stale" \
	"save /data/host.txt: 8 bytes, type 1
mk /data/g.txt
save /data/g.txt: 8 bytes, type 1
save /: 12 bytes, type 1
mk /data/v.txt
save /data/v.txt: 8 bytes, type 1
rm /data/v.txt: done
open /data/v.h: $STALE
open /data/g.h: \"guest file\"
open /data/root.h: \"a directory\"" 0

htux_run --disk "$IMG" "$K" open /data/host.h /data open /data/g.h /data \
	open /data/root.h / open /data/v.h /data open /data/g.h / \
	ino /data/g.txt rm /data/g.txt open /data/g.h /data
ino=$(printf '%s\n' "$HTUX_STDOUT" | sed -n 's|^ino /data/g.txt: ||p')
check_output_status "boot 2: the handles open the files; the old boot's / is stale" \
	"open /data/host.h: \"made by mke2fs\"
open /data/g.h: \"guest file\"
open /data/root.h: $STALE
open /data/v.h: $STALE
open /data/g.h: $STALE
ino /data/g.txt: $ino
rm /data/g.txt: done
open /data/g.h: $STALE" 0

htux_run --disk "$IMG" "$K" open /data/g.h /data mk /data/n.txt "new file" \
	ino /data/n.txt open /data/g.h /data
check_output_status "boot 3: a deleted file's handle is stale, also when its number is reused" \
	"open /data/g.h: $STALE
mk /data/n.txt
ino /data/n.txt: $ino
open /data/g.h: $STALE" 0

htux_run --disk "$IMG" "$K" open /data/g.h /data open /data/host.h /data
check_output_status "boot 4: the reused number's handle is stale read from the disk" \
	"open /data/g.h: $STALE
open /data/host.h: \"made by mke2fs\"" 0

if e2fsck -fn "$IMG" > "$HTUX_TMP/fsck.log" 2>&1; then
	ok "e2fsck -fn clean"
else
	not_ok "e2fsck -fn clean" "$(cat "$HTUX_TMP/fsck.log")"
fi
