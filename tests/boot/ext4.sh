#!/bin/bash
# ext4.sh: ext4 disks as Debian's mkfs.ext4 makes them (extents, flex_bg,
# 64bit, metadata_csum, dir_index, huge_file, dir_nlink, extra_isize and a
# journal), populated on the host with mkfs.ext4 -d and mounted by htux:
# files read back (contiguous, sparse with an extent tree of depth 2), an
# htree directory listed and searched, slow symlinks, 1 KiB and 4 KiB
# blocks; htux does not write ext4 yet, so the disk is mounted read-only
# with one line naming the features, writes fail with EROFS and the image
# stays as it was; a block whose checksum does not match gives EIO; an
# unknown incompatible feature is refused with one line naming it.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
BB=/bin/busybox
[ -x "$BB" ] && file -L "$BB" 2>/dev/null | grep -q 'statically linked' ||
	skip_all "Debian's busybox-static is not installed"
for t in mkfs.ext4 e2fsck debugfs; do
	command -v $t >/dev/null 2>&1 || [ -x /sbin/$t ] || skip_all "$t (e2fsprogs) is not installed"
done
PATH=$PATH:/sbin:/usr/sbin
plan 14

IMG=$HTUX_TMP/disk.img
SRC=$HTUX_TMP/src
mkdir -p "$SRC/sub/deeper" "$SRC/many"
printf 'pear\napple\nfig\n' > "$SRC/fruit.txt"
echo deep > "$SRC/sub/deeper/deep.txt"
head -c 3000000 /dev/urandom > "$SRC/big.bin"
# 1 KiB of data every 8 KiB: 400 extents, a tree of depth 2 with 1 KiB blocks
python3 -c "
import os
f = open('$SRC/sparse.bin', 'wb')
for i in range(400):
    f.seek(i * 8192); f.write(os.urandom(1024))
f.truncate(400 * 8192)" || bail_out "python3 failed"
for i in $(seq 1 300); do echo "$i" > "$SRC/many/a_rather_long_file_name_$i"; done
ln -s fruit.txt "$SRC/link"
ln -s "/a/target/longer/than/sixty/characters/is/stored/in/a/block/of/its/own/x" "$SRC/slowlink"
RO="htux: disk vda: ext4 features 'extent,64bit,flex_bg,huge_file,dir_nlink,extra_isize,metadata_csum' are read-only in htux: mounted read-only"

mkfs.ext4 -q -F -b 1024 -d "$SRC" "$IMG" 16M > /dev/null 2>&1 || bail_out "mkfs.ext4 failed"
e2fsck -fyD "$IMG" > /dev/null 2>&1 # index the large directory (htree)
check "mkfs.ext4 -d made what the test reads: depth 2 extent tree, htree" \
	[ "$(debugfs -R 'stat /sparse.bin' "$IMG" 2>/dev/null | grep -c ETB1)" = 1 -a \
	"$(debugfs -R 'htree /many' "$IMG" 2>/dev/null | grep -c 'Root node dump')" = 1 ]
sum=$(md5sum < "$IMG")

htux_run --disk "$IMG" "$BB" md5sum /data/fruit.txt /data/big.bin /data/sparse.bin /data/link
check_output_status "md5sum of files in extents (one, and a tree of depth 2)" \
	"$RO
$(cd "$SRC" && md5sum fruit.txt big.bin sparse.bin link | sed 's|  |  /data/|')" 0
htux_run --disk "$IMG" "$BB" sh -c 'ls /data | grep -v lost; ls /data/many | wc -l;
	cat /data/many/a_rather_long_file_name_299 /data/sub/deeper/deep.txt; readlink /data/slowlink'
check_output_status "an htree directory listed and searched, slow symlink" \
	"$RO
$(ls "$SRC")
300
299
deep
$(readlink "$SRC/slowlink")" 0
htux_run --disk "$IMG" "$BB" sh -c 'grep vda /proc/mounts; echo x > /data/new; touch /data/fruit.txt;
	rm /data/link; mkdir /data/d; mv /data/fruit.txt /data/f2; true'
check_output_status "mounted read-only: EROFS for every change" \
	"$RO
/dev/vda /data ext4 ro,relatime 0 0
sh: can't create /data/new: Read-only file system
touch: /data/fruit.txt: Read-only file system
rm: can't remove '/data/link': Read-only file system
mkdir: can't create directory '/data/d': Read-only file system
mv: can't rename '/data/fruit.txt': Read-only file system" 0
check "the image is unchanged" [ "$(md5sum < "$IMG")" = "$sum" ]
e2fsck -fn "$IMG" > "$HTUX_TMP/fsck.log" 2>&1
check "e2fsck -fn clean" [ $? = 0 ]

# ---- checksums: a changed byte in an inode, a directory block, an extent block
corrupt() { # corrupt BLOCK OFFSET: one byte of the image flipped
	local at=$(($1 * 1024 + $2))
	local b=$(od -An -tu1 -j "$at" -N1 "$IMG")
	printf "$(printf '\\%03o' $(((b ^ 0x55) & 255)))" |
		dd of="$IMG" bs=1 seek="$at" conv=notrunc status=none
}
cp "$IMG" "$HTUX_TMP/good.img"
loc=$(debugfs -R 'imap /fruit.txt' "$IMG" 2>/dev/null | sed -n 's/.*located at block \([0-9]*\), offset \(0x[0-9a-f]*\)/\1 \2/p')
corrupt ${loc% *} $((${loc#* } + 0x10)) # i_mtime... byte 16 is i_mtime's first
htux_run --disk "$IMG" "$BB" cat /data/fruit.txt /data/sub/deeper/deep.txt
check_output_status "an inode not matching its checksum: EIO, the others read" \
	"$RO
cat: can't open '/data/fruit.txt': Input/output error
deep" 1
cp "$HTUX_TMP/good.img" "$IMG"
blk=$(debugfs -R 'blocks /sub' "$IMG" 2>/dev/null | awk '{print $1}')
corrupt "$blk" 30
htux_run --disk "$IMG" "$BB" sh -c 'cat /data/sub/deeper/deep.txt; cat /data/fruit.txt'
check_output_status "a directory block not matching its checksum: EIO" \
	"$RO
cat: can't open '/data/sub/deeper/deep.txt': Input/output error
pear
apple
fig" 0
cp "$HTUX_TMP/good.img" "$IMG"
etb=$(debugfs -R 'stat /sparse.bin' "$IMG" 2>/dev/null | sed -n 's/.*(ETB1):\([0-9]*\).*/\1/p')
corrupt "$etb" 40
htux_run --disk "$IMG" "$BB" sh -c 'cat /data/sparse.bin > /dev/null; md5sum /data/big.bin'
check_output_status "an extent block not matching its checksum: EIO" \
	"$RO
cat: read error: Input/output error
$(cd "$SRC" && md5sum big.bin | sed 's|  |  /data/|')" 0
corrupt 1 0x30 # the superblock's s_wtime
htux_run --disk "$IMG" "$BB" true
check_output_status "a superblock not matching its checksum is refused" \
	"htux: disk vda: the superblock does not match its checksum (run e2fsck)" 125

# ---- 4 KiB blocks
mkfs.ext4 -q -F -b 4096 -d "$SRC" "$IMG" 32M > /dev/null 2>&1 || bail_out "mkfs.ext4 failed"
htux_run --disk "$IMG" "$BB" md5sum /data/fruit.txt /data/big.bin /data/sparse.bin
check_output_status "4 KiB blocks: md5sum of files in extents" \
	"$RO
$(cd "$SRC" && md5sum fruit.txt big.bin sparse.bin | sed 's|  |  /data/|')" 0
htux_run --disk "$IMG" "$BB" sh -c 'ls /data/many | wc -l'
check_output_status "4 KiB blocks: a large directory" "$RO
300" 0

# ---- feature bits
mkfs.ext4 -q -F -O inline_data "$IMG" 8M > /dev/null 2>&1
htux_run --disk "$IMG" "$BB" true
check_output_status "an unknown incompatible feature (inline_data) is refused, named" \
	"htux: disk vda: unsupported filesystem feature 'inline_data' (incompat 0x8000)" 125
mkfs.ext4 -q -F -O quota "$IMG" 8M > /dev/null 2>&1
htux_run --disk "$IMG" "$BB" true
check_output_status "an unknown read-only feature (quota): named, mounted read-only" \
	"htux: disk vda: unsupported read-only feature 'quota' (ro_compat 0x100): mounted read-only" 0
