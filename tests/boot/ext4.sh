#!/bin/bash
# ext4.sh: ext4 disks as Debian's mkfs.ext4 makes them (extents, flex_bg,
# 64bit, metadata_csum, dir_index, huge_file, dir_nlink, extra_isize and a
# journal), populated on the host with mkfs.ext4 -d and mounted by htux:
# files read back (contiguous, sparse with an extent tree of depth 2), an
# htree directory listed and searched, slow symlinks, 1 KiB and 4 KiB
# blocks, read and written (directories, an htree one, files; a file of
# 600 extents with an extent tree of depth 2, truncated, removed), with
# e2fsck -fn clean after each run; open files with no name on the orphan
# list when QEMU is killed, freed at the next mount; a block whose checksum does not match
# gives EIO; ext4 without a journal mounts read-only; an unknown
# incompatible feature is refused with one line naming it.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
BB=/bin/busybox
[ -x "$BB" ] && file -L "$BB" 2>/dev/null | grep -q 'statically linked' ||
	skip_all "Debian's busybox-static is not installed"
for t in mkfs.ext4 e2fsck debugfs; do
	command -v $t >/dev/null 2>&1 || [ -x /sbin/$t ] || skip_all "$t (e2fsprogs) is not installed"
done
PATH=$PATH:/sbin:/usr/sbin
plan 30

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
mkfs.ext4 -q -F -b 1024 -d "$SRC" "$IMG" 32M > /dev/null 2>&1 || bail_out "mkfs.ext4 failed"
e2fsck -fyD "$IMG" > /dev/null 2>&1 # index the large directory (htree)
check "mkfs.ext4 -d made what the test reads: depth 2 extent tree, htree" \
	[ "$(debugfs -R 'stat /sparse.bin' "$IMG" 2>/dev/null | grep -c ETB1)" = 1 -a \
	"$(debugfs -R 'htree /many' "$IMG" 2>/dev/null | grep -c 'Root node dump')" = 1 ]
cp "$IMG" "$HTUX_TMP/orig.img"

htux_run --disk "$IMG" "$BB" md5sum /data/fruit.txt /data/big.bin /data/sparse.bin /data/link
check_output_status "md5sum of files in extents (one, and a tree of depth 2)" \
	"$(cd "$SRC" && md5sum fruit.txt big.bin sparse.bin link | sed 's|  |  /data/|')" 0
htux_run --disk "$IMG" "$BB" sh -c 'ls /data | grep -v lost; ls /data/many | wc -l;
	cat /data/many/a_rather_long_file_name_299 /data/sub/deeper/deep.txt; readlink /data/slowlink;
	grep vda /proc/mounts'
check_output_status "an htree directory listed and searched, slow symlink, mounted ext4 rw" \
	"$(ls "$SRC")
300
299
deep
$(readlink "$SRC/slowlink")
/dev/vda /data ext4 rw,relatime 0 0" 0
e2fsck -fn "$IMG" > "$HTUX_TMP/fsck.log" 2>&1
check "e2fsck -fn clean after reading" [ $? = 0 ]

# ---- writing
fsck() { # fsck DESCRIPTION: e2fsck -fn exit 0
	if e2fsck -fn "$IMG" > "$HTUX_TMP/fsck.log" 2>&1; then ok "$1"; else not_ok "$1" "$(cat "$HTUX_TMP/fsck.log")"; fi
}
htux_run --disk "$IMG" "$BB" sh -c 'mkdir -p /data/d1/d2 && echo new > /data/d1/d2/f &&
	cp /data/big.bin /data/d1/copy && mv /data/fruit.txt /data/d1/ && mv /data/d1/d2 /data/sub/ &&
	rm /data/link && ln -s d1/copy /data/l2 && echo x > /data/many/added &&
	rm /data/many/a_rather_long_file_name_1* && mv /data/many/a_rather_long_file_name_2 /data/m2 &&
	rmdir /data/sub/deeper 2>/dev/null; rm -r /data/sub/deeper && echo ok'
check_output_status "mkdir, write, cp, mv (files, a directory), rm, ln -s, an htree directory changed" "ok" 0
fsck "e2fsck -fn clean after them"
check "debugfs reads what htux wrote" [ "$(debugfs -R 'cat /sub/d2/f' "$IMG" 2>/dev/null)" = new -a \
	"$(debugfs -R 'cat /d1/copy' "$IMG" 2>/dev/null | md5sum)" = "$(md5sum < "$SRC/big.bin")" -a \
	"$(debugfs -R 'ls -p /many' "$IMG" 2>/dev/null | grep -c '^/[1-9][0-9]*/.*/a_rather_long_file_name_[0-9]*/')" = 188 ]
# a file of many extents: 1 KiB every 2 KiB (500), then some between (100)
htux_run --disk "$IMG" "$BB" sh -c 'i=0; while [ $i -lt 500 ]; do
	dd if=/data/big.bin of=/data/frag bs=1024 count=1 skip=$i seek=$((i*2)) conv=notrunc 2>/dev/null
	i=$((i+1)); done; i=0; while [ $i -lt 100 ]; do
	dd if=/data/big.bin of=/data/frag bs=1024 count=1 skip=$i seek=$((i*6+1)) conv=notrunc 2>/dev/null
	i=$((i+1)); done; md5sum < /data/frag'
python3 -c "
import hashlib
d = open('$SRC/big.bin', 'rb').read()
o = bytearray(999 * 1024)
for i in range(500): o[i * 2048:i * 2048 + 1024] = d[i * 1024:(i + 1) * 1024]
for i in range(100): o[(i * 6 + 1) * 1024:(i * 6 + 2) * 1024] = d[i * 1024:(i + 1) * 1024]
open('$HTUX_TMP/frag', 'wb').write(o)"
check_output_status "a file of 600 extents written (appended, and inserted between)" \
	"$(md5sum < "$HTUX_TMP/frag")" 0
fsck "e2fsck -fn clean after it"
check "its extent tree has depth 2, debugfs reads it" \
	[ "$(debugfs -R 'stat /frag' "$IMG" 2>/dev/null | grep -o 'ETB1' | wc -l)" -ge 2 -a \
	"$(debugfs -R 'cat /frag' "$IMG" 2>/dev/null | md5sum)" = "$(md5sum < "$HTUX_TMP/frag")" ]
free0=$(dumpe2fs -h "$IMG" 2>/dev/null | sed -n 's/^Free blocks: *//p')
htux_run --disk "$IMG" "$BB" sh -c 'truncate -s 300000 /data/frag; md5sum < /data/frag;
	truncate -s 0 /data/sparse.bin; rm /data/frag /data/d1/copy; echo done'
check_output_status "truncate (part of a deep tree), rm" "$(head -c 300000 "$HTUX_TMP/frag" | md5sum)
done" 0
fsck "e2fsck -fn clean after them"
free1=$(dumpe2fs -h "$IMG" 2>/dev/null | sed -n 's/^Free blocks: *//p')
check "their blocks are free again ($free0 -> $free1)" [ "$free1" -gt $((free0 + 3900)) ]
htux_run --disk "$IMG" "$BB" sh -c 'cat /data/sub/d2/f; readlink /data/l2; ls /data/d1'
check_output_status "a second boot reads it all back" "new
d1/copy
fruit.txt" 0
cp "$HTUX_TMP/orig.img" "$IMG"

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
HTUX_MERGE=1 htux_run --disk "$IMG" "$BB" cat /data/fruit.txt /data/sub/deeper/deep.txt
check_output_status "an inode not matching its checksum: EIO, the others read" \
	"cat: can't open '/data/fruit.txt': Input/output error
deep" 1
cp "$HTUX_TMP/good.img" "$IMG"
blk=$(debugfs -R 'blocks /sub' "$IMG" 2>/dev/null | awk '{print $1}')
corrupt "$blk" 30
HTUX_MERGE=1 htux_run --disk "$IMG" "$BB" sh -c 'cat /data/sub/deeper/deep.txt; cat /data/fruit.txt'
check_output_status "a directory block not matching its checksum: EIO" \
	"cat: can't open '/data/sub/deeper/deep.txt': Input/output error
pear
apple
fig" 0
cp "$HTUX_TMP/good.img" "$IMG"
etb=$(debugfs -R 'stat /sparse.bin' "$IMG" 2>/dev/null | sed -n 's/.*(ETB1):\([0-9]*\).*/\1/p')
corrupt "$etb" 40
HTUX_MERGE=1 htux_run --disk "$IMG" "$BB" sh -c 'cat /data/sparse.bin > /dev/null; md5sum /data/big.bin'
check_output_status "an extent block not matching its checksum: EIO" \
	"cat: read error: Input/output error
$(cd "$SRC" && md5sum big.bin | sed 's|  |  /data/|')" 0
corrupt 1 0x30 # the superblock's s_wtime
htux_run --disk "$IMG" "$BB" true
check_output_status "a superblock not matching its checksum is refused" \
	"htux: disk vda: the superblock does not match its checksum (run e2fsck)" 125

# ---- 4 KiB blocks
mkfs.ext4 -q -F -b 4096 -d "$SRC" "$IMG" 32M > /dev/null 2>&1 || bail_out "mkfs.ext4 failed"
htux_run --disk "$IMG" "$BB" md5sum /data/fruit.txt /data/big.bin /data/sparse.bin
check_output_status "4 KiB blocks: md5sum of files in extents" \
	"$(cd "$SRC" && md5sum fruit.txt big.bin sparse.bin | sed 's|  |  /data/|')" 0
htux_run --disk "$IMG" "$BB" sh -c 'ls /data/many | wc -l; cp /data/big.bin /data/many/c;
	rm /data/sparse.bin; mkdir /data/many/d; md5sum < /data/many/c'
check_output_status "4 KiB blocks: a large directory, changed" "300
$(md5sum < "$SRC/big.bin")" 0
fsck "4 KiB blocks: e2fsck -fn clean after it"

# ---- a file fallocate'd on the host (an unwritten extent), written in places
mkfs.ext4 -q -F -b 1024 "$IMG" 16M > /dev/null 2>&1 || bail_out "mkfs.ext4 failed"
printf 'write /dev/null fa\nfallocate /fa 0 99\nsif /fa size 102400\n' |
	debugfs -w -f - "$IMG" > /dev/null 2>&1
htux_run --disk "$IMG" "$BB" sh -c 'for at in 50:A 0:B 99:C 51:D; do
	printf ${at#*:} | dd of=/data/fa bs=1024 seek=${at%:*} conv=notrunc 2>/dev/null; done
	md5sum < /data/fa'
check_output_status "writes into an unwritten extent (split out of it)" "$(python3 -c "
import hashlib
o = bytearray(102400)
o[50 * 1024] = 65; o[0] = 66; o[99 * 1024] = 67; o[51 * 1024] = 68
print(hashlib.md5(o).hexdigest() + '  -')")" 0
fsck "e2fsck -fn clean after them"

# ---- killed with files open after their names are gone: the orphan list
mkfs.ext4 -q -F -b 1024 "$IMG" 16M > /dev/null 2>&1 || bail_out "mkfs.ext4 failed"
setsid "$HTUX_BUILDDIR/htux" run ${HTUX_ACCEL:---tcg} --disk "$IMG" "$BB" sh -c 'exec 3>/data/t;
	echo data >&3; rm /data/t; mkdir /data/d; cd /data/d; rmdir /data/d; echo kept > /data/k;
	sync; echo synced; sleep 1000' > "$HTUX_TMP/orphan.out" 2>&1 &
pid=$!
disown $pid
for _i in $(seq 1 600); do grep -q synced "$HTUX_TMP/orphan.out" && break; sleep 0.1; done
kill -9 -- -$pid # the launcher and QEMU
sleep 0.5
check "killed after sync: the open file and directory with no name are orphans" \
	[ "$(dumpe2fs -h "$IMG" 2>/dev/null | grep -c '^First orphan inode:')" = 1 ]
cp "$IMG" "$HTUX_TMP/ref.img"
e2fsck -p -E journal_only "$HTUX_TMP/ref.img" > /dev/null 2>&1
e2fsck -fn "$HTUX_TMP/ref.img" > "$HTUX_TMP/fsck.log" 2>&1
check "e2fsck's replay (it frees the orphans), then e2fsck -fn clean" [ $? = 0 ]
htux_run --disk "$IMG" "$BB" cat /data/k
check_output_status "htux's replay frees the orphans at mount" "kept" 0
fsck "e2fsck -fn clean after it"

# ---- without a journal: read-only (metadata goes through the journal)
mkfs.ext4 -q -F -O ^has_journal -d "$SRC" "$IMG" 8M > /dev/null 2>&1
HTUX_MERGE=1 htux_run --disk "$IMG" "$BB" sh -c 'cat /data/fruit.txt; touch /data/x'
check_output_status "ext4 without a journal: mounted read-only, named" \
	"htux: disk vda: ext4 features 'extent,64bit,flex_bg,huge_file,dir_nlink,extra_isize,metadata_csum' are read-only in htux without a journal: mounted read-only
pear
apple
fig
touch: /data/x: Read-only file system" 1

# ---- feature bits
mkfs.ext4 -q -F -O inline_data "$IMG" 8M > /dev/null 2>&1
htux_run --disk "$IMG" "$BB" true
check_output_status "an unknown incompatible feature (inline_data) is refused, named" \
	"htux: disk vda: unsupported filesystem feature 'inline_data' (incompat 0x8000)" 125
mkfs.ext4 -q -F -O quota "$IMG" 8M > /dev/null 2>&1
htux_run --disk "$IMG" "$BB" true
check_output_status "an unknown read-only feature (quota): named, mounted read-only" \
	"htux: disk vda: unsupported read-only feature 'quota' (ro_compat 0x100): mounted read-only" 0
