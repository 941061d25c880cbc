#!/bin/bash
# ext2.sh: an ext2 disk made on the host with mke2fs -d, given to QEMU as a
# virtio-blk device (htux run --disk, and plain QEMU), mounted read-write
# at /data: Debian's busybox-static and a small C program read and change
# it, e2fsck -fn finds it clean after each run, debugfs reads back what the
# guest wrote, fsync'd data survives QEMU killed with SIGKILL, a full disk
# gives ENOSPC, and bad disks are refused with one clear line.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
BB=/bin/busybox
[ -x "$BB" ] && file -L "$BB" 2>/dev/null | grep -q 'statically linked' ||
	skip_all "Debian's busybox-static is not installed"
for t in mke2fs e2fsck debugfs; do
	command -v $t >/dev/null 2>&1 || [ -x /sbin/$t ] || skip_all "$t (e2fsprogs) is not installed"
done
PATH=$PATH:/sbin:/usr/sbin
plan 61

build_static diskops progs/diskops.c musl || bail_out "cannot build diskops"
OPS=$HTUX_TMP/diskops
IMG=$HTUX_TMP/disk.img
SRC=$HTUX_TMP/src
mkdir -p "$SRC/sub/deeper"
printf 'pear\napple\nfig\n' > "$SRC/fruit.txt"
echo deep > "$SRC/sub/deeper/deep.txt"
head -c 3000000 /dev/urandom > "$SRC/big.bin"     # > 1024 blocks of 1 KiB: double indirect
head -c 20000 /dev/urandom > "$SRC/sub/mid.bin"   # > 12 blocks: single indirect
ln -s fruit.txt "$SRC/link"
ln -s "/a/target/longer/than/sixty/characters/is/stored/in/a/block/of/its/own/x" "$SRC/slowlink"

# fsck DESCRIPTION: e2fsck -fn finds the image clean.
fsck() {
	if e2fsck -fn "$IMG" > "$HTUX_TMP/fsck.log" 2>&1; then
		ok "$1"
	else
		not_ok "$1" "$(cat "$HTUX_TMP/fsck.log")"
	fi
}

# dcat PATH: the file at PATH on the image, as debugfs reads it.
dcat() { debugfs -R "cat $1" "$IMG" 2>/dev/null; }

mke2fs -q -t ext2 -b 1024 -d "$SRC" "$IMG" 16M > /dev/null 2>&1 || bail_out "mke2fs failed"

# ---- reading what the host put there
htux_run --disk "$IMG" "$BB" md5sum /data/fruit.txt /data/big.bin /data/sub/mid.bin /data/link
check_output_status "busybox md5sum of files the host put in" \
	"$(cd "$SRC" && md5sum fruit.txt big.bin sub/mid.bin link | sed 's|  |  /data/|')" 0
htux_run --disk "$IMG:/data" "$BB" ls -1 /data /data/sub
check_output_status "busybox ls -1 of the disk's directories" \
	"$(printf '/data:\n'; ls -1 "$SRC" | sed '$a lost+found' | sort; printf '\n/data/sub:\n'; ls -1 "$SRC/sub")" 0
htux_run --disk "$IMG" "$BB" ls -ln /data/fruit.txt /data/link /data/sub/mid.bin
check_output_status "busybox ls -ln: modes, links, owners, sizes, times" \
	"$(cd "$SRC" && "$BB" ls -ln "$SRC/fruit.txt" "$SRC/link" "$SRC/sub/mid.bin" | sed "s|$SRC|/data|g")" 0
htux_run --disk "$IMG" "$OPS" readlink:/data/slowlink cwd:/data/sub/deeper cat:/proc/mounts
check_output_status "symlinks (slow), getcwd and .. across the mount, /proc/mounts" \
	"readlink /data/slowlink: $(readlink "$SRC/slowlink")
cwd /data/sub/deeper: /data/sub/deeper, up /data/sub
cat /proc/mounts: [rootfs / rootfs rw 0 0
proc /proc proc rw,nosuid,nodev,noexec 0 0
mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec 0 0
/dev/vda /data ext2 rw,relatime 0 0
]" 0
fsck "e2fsck -fn clean after reading"

# ---- busybox changing it, one run each, checked from the host
htux_run --disk "$IMG" "$BB" sh -c 'echo written by sh > /data/new.txt'
check_status "sh -c 'echo > /data/new.txt'" 0
check "debugfs reads what sh wrote" [ "$(dcat /new.txt)" = "written by sh" ]
htux_run --disk "$IMG" "$BB" cp /data/big.bin /data/copy.bin
check_status "busybox cp of 3 MB" 0
check "debugfs reads the copy back" [ "$(dcat /copy.bin | md5sum)" = "$(md5sum < "$SRC/big.bin")" ]
htux_run --disk "$IMG" "$BB" mv /data/copy.bin /data/sub/moved.bin
check_status "busybox mv" 0
htux_run --disk "$IMG" "$BB" mkdir -p /data/d1/d2
check_status "busybox mkdir -p" 0
htux_run --disk "$IMG" "$BB" mv /data/d1 /data/sub/d1
check_status "busybox mv of a directory to another one" 0
htux_run --disk "$IMG" "$BB" ln -s ../../new.txt /data/sub/d1/ln
check_status "busybox ln -s" 0
htux_run --disk "$IMG" "$BB" dd if=/data/sub/moved.bin of=/data/dd.bin bs=4k
check_status "busybox dd of 3 MB" 0
htux_run --disk "$IMG" "$BB" rm /data/fruit.txt
check_status "busybox rm" 0
htux_run --disk "$IMG" "$BB" rmdir /data/sub/deeper/nonexistent
check_status "busybox rmdir of a missing directory fails" 1
fsck "e2fsck -fn clean after busybox's changes"
check "the tree the host sees" [ "$(debugfs -R 'ls -p /sub/d1' "$IMG" 2>/dev/null | cut -d/ -f6 | grep -v '^$' | sort | tr '\n' ' ')" = ". .. d2 ln " ]
check "moved and dd'd files intact" [ "$(dcat /sub/moved.bin | md5sum)" = "$(md5sum < "$SRC/big.bin")" -a "$(dcat /dd.bin | md5sum)" = "$(md5sum < "$SRC/big.bin")" ]
HTUX_MERGE=1 htux_run --disk "$IMG" "$BB" cat /data/sub/d1/ln /data/link
check_output_status "a second boot reads through the new symlink; the removed file is gone" \
	"written by sh
cat: can't open '/data/link': No such file or directory" 1

# ---- many operations in one run, then a second boot reads them back
htux_run --disk "$IMG" "$OPS" pattern:/data/p1:5000000:3 pwrite:/data/hole:3000000:end \
	truncate:/data/sub/mid.bin:1000 mkdir:/data/many files:/data/many:400 count:/data/many \
	link:/data/new.txt:/data/hard stat:/data/new.txt rename:/data/hard:/data/sub/d1/d2/hard \
	mkfifo:/data/fifo stat:/data/fifo rmdir:/data/sub/d1 unlink:/data/sub/moved.bin mmap:/data/big.bin
check_output_status "writes at any offset, truncate, 400 entries, links, rename, fifo, rmdir" \
	"pattern /data/p1 5000000 ok
pwrite /data/hole: size 3000003
truncate /data/sub/mid.bin 1000 ok
mkdir /data/many ok
files /data/many: 400 made
count /data/many: 402 entries
link /data/new.txt /data/hard ok
stat /data/new.txt: mode 100644 nlink 2 size 14
rename /data/hard /data/sub/d1/d2/hard ok
mkfifo /data/fifo ok
stat /data/fifo: mode 10644 nlink 1 size 0
rmdir /data/sub/d1: Directory not empty
unlink /data/sub/moved.bin ok
$("$OPS" mmap:"$SRC/big.bin" | sed "s|$SRC|/data|")" 1
fsck "e2fsck -fn clean after them"
htux_run --disk "$IMG" "$OPS" check:/data/p1:5000000:3 cat:/data/sub/d1/d2/hard stat:/data/hole count:/data/many
check_output_status "a second boot reads them back" \
	"check /data/p1 5000000 ok
cat /data/sub/d1/d2/hard: [written by sh
]
stat /data/hole: mode 100644 nlink 1 size 3000003
count /data/many: 402 entries" 0
check "debugfs sees the truncated file and the hole" \
	[ "$(dcat /sub/mid.bin | md5sum)" = "$(head -c 1000 "$SRC/sub/mid.bin" | md5sum)" -a "$(dcat /hole | tr -d '\0')" = "end" ]

# ---- an htree (dir_index) directory: read as linear, its index dropped on change
mkdir -p "$HTUX_TMP/hsrc/h"
for i in $(seq 1 300); do echo $i > "$HTUX_TMP/hsrc/h/entry-number-$i"; done
mke2fs -q -t ext2 -d "$HTUX_TMP/hsrc" "$IMG" 8M
e2fsck -fyD "$IMG" > /dev/null 2>&1
check "e2fsck -D indexed the directory (the test's premise)" \
	[ "$(debugfs -R 'stat /h' "$IMG" 2>/dev/null | grep -c 'Flags: 0x1000')" = 1 ]
htux_run --disk "$IMG" "$OPS" count:/data/h cat:/data/h/entry-number-277 unlink:/data/h/entry-number-5 \
	write:/data/h/new:x orphan:/data/h/orphan mkdir:/data/a mkdir:/data/b write:/data/a/f:1 \
	rename:/data/b:/data/a rename:/data/a/f:/data/f rename:/data/b:/data/a stat:/data/a
check_output_status "htree directory, an open unlinked file, rename over an empty directory" \
	"count /data/h: 302 entries
cat /data/h/entry-number-277: [277
]
unlink /data/h/entry-number-5 ok
write /data/h/new ok
orphan /data/h/orphan: still here
mkdir /data/a ok
mkdir /data/b ok
write /data/a/f ok
rename /data/b: Directory not empty
rename /data/a/f /data/f ok
rename /data/b /data/a ok
stat /data/a: mode 40755 nlink 2 size 1024" 1
fsck "e2fsck -fn clean after them (index flag cleared, orphan freed)"
htux_run --disk "$IMG" "$BB" touch -d "2001-02-03 04:05:06" /data/f
htux_run --disk "$IMG" "$BB" chown 12:34 /data/f
htux_run --disk "$IMG" "$BB" chmod 606 /data/f
check "busybox touch -d, chown, chmod reach the disk" \
	[ "$(debugfs -R 'stat /f' "$IMG" 2>/dev/null | grep -E -o 'Mode: +0606|User: +12 +Group: +34|mtime: .*2001' | wc -l)" = 3 ]

# ---- Debian's sqlite3 (dynamically linked) keeps a database there
if [ -x /usr/bin/sqlite3 ]; then
	htux_run --disk "$IMG" /usr/bin/sqlite3 /data/db.sqlite \
		"create table t(a, b); insert into t values(42, 'disk'); insert into t select a + 1, b from t; select * from t;"
	check_output_status "sqlite3 makes a database on the disk" "42|disk
43|disk" 0
	debugfs -R "dump /db.sqlite $HTUX_TMP/db.sqlite" "$IMG" > /dev/null 2>&1
	check "the host's sqlite3 reads it" [ "$(sqlite3 "$HTUX_TMP/db.sqlite" 'select sum(a) from t; pragma integrity_check;' 2>&1)" = "85
ok" ]
else
	skip "sqlite3 makes a database on the disk" "no /usr/bin/sqlite3"
	skip "the host's sqlite3 reads it" "no /usr/bin/sqlite3"
fi

# ---- statfs has the superblock's numbers
htux_run --disk "$IMG" "$OPS" statfs:/data
sb() { dumpe2fs -h "$IMG" 2>/dev/null | sed -n "s/^$1: *//p"; }
check_stdout_contains "statfs: ext2's magic, block size and free counts" \
	"type ef53 bsize $(sb 'Block size') blocks $(($(sb 'Block count') - $(sb 'First block'))) free $(sb 'Free blocks') files $(sb 'Inode count') ffree $(sb 'Free inodes')"

# ---- a program stored on the disk runs from there
mkdir -p "$HTUX_TMP/exe"
cp "$OPS" "$HTUX_TMP/exe/ops"
mke2fs -q -t ext2 -b 4096 -d "$HTUX_TMP/exe" "$IMG" 16M
htux_run --disk "$IMG" --append "-- /data/ops pattern:/data/f4k:6000000:9 check:/data/f4k:6000000:9 alarms threads:/data:4 write:/data/sh:abcdefgh shared:/data/sh:XYZ write:/data/sh2:abcdefgh shared-nosync:/data/sh2:XYZ" "$BB"
check_output_status "4 KiB blocks: a program on the disk runs, writes 6 MB (double indirect), 4 threads at once under SIGALRM, MAP_SHARED" \
	"pattern /data/f4k 6000000 ok
check /data/f4k 6000000 ok
alarms on
threads /data: 0 of 4 wrong
write /data/sh ok
shared /data/sh ok
write /data/sh2 ok
shared-nosync /data/sh2 ok" 0
check "debugfs reads what MAP_SHARED wrote (with msync, and without: at exit)" \
	[ "$(dcat /sh)" = "XYZdefgh" -a "$(dcat /sh2)" = "XYZdefgh" ]
fsck "e2fsck -fn clean (4 KiB blocks)"

# ---- unknown read-only features: mounted read-only, the disk untouched
mke2fs -q -t ext2 -O quota -d "$HTUX_TMP/exe" "$IMG" 8M
sum=$(md5sum < "$IMG")
htux_run --disk "$IMG" "$OPS" write:/data/ops:x write:/data/new:x truncate:/data/ops:0 mkdir:/data/d cat:/proc/mounts
check_output_status "unknown read-only features (quota): mounted read-only" \
	"htux: disk vda: unsupported read-only feature 'quota' (ro_compat 0x100): mounted read-only
write /data/ops: Read-only file system
write /data/new: Read-only file system
truncate /data/ops: Read-only file system
mkdir /data/d: Read-only file system
cat /proc/mounts: [rootfs / rootfs rw 0 0
proc /proc proc rw,nosuid,nodev,noexec 0 0
mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec 0 0
/dev/vda /data ext2 ro,relatime 0 0
]" 1
HTUX_MERGE=1 htux_run --disk "$IMG" "$BB" touch /data/ops
check_output_status "busybox touch on it: EROFS" \
	"htux: disk vda: unsupported read-only feature 'quota' (ro_compat 0x100): mounted read-only
touch: /data/ops: Read-only file system" 1
check "the read-only disk is unchanged" [ "$(md5sum < "$IMG")" = "$sum" ]

# ---- ext3 (a clean journal) as ext2, on microvm (virtio-mmio), mounted elsewhere
mke2fs -q -t ext3 "$IMG" 8M
htux_run --machine microvm --disk "$IMG:/mnt/disk" "$OPS" write:/mnt/disk/x:hello cat:/mnt/disk/x cwd:/mnt/disk
check_output_status "ext3 mounted as ext2 at /mnt/disk on microvm" \
	"write /mnt/disk/x ok
cat /mnt/disk/x: [hello]
cwd /mnt/disk: /mnt/disk, up /mnt" 0
fsck "e2fsck -fn clean (ext3)"

# ---- a full disk: ENOSPC, and still consistent
mke2fs -q -t ext2 -b 1024 -N 32 "$IMG" 1M
htux_run --disk "$IMG" "$OPS" mkdir:/data/d write:/data/fill: files:/data/d:100 fill:/data/fill
check_output_status "a full disk gives ENOSPC for inodes and for blocks" \
	"mkdir /data/d ok
write /data/fill ok
files /data/d: 19 made, then No space left on device
fill /data/fill: No space left on device after some bytes" 0
fsck "e2fsck -fn clean after ENOSPC"

# ---- busybox tar unpacks a tree (hard link, symlink) onto the disk
mke2fs -q -t ext2 "$IMG" 8M
(cd "$SRC" && tar cf "$HTUX_TMP/tree.tar" sub fruit.txt link)
htux_run --disk "$IMG" --add "$HTUX_TMP/tree.tar:/tree.tar" "$BB" tar xf /tree.tar -C /data
check_status "busybox tar xf onto the disk" 0
fsck "e2fsck -fn clean after tar"
htux_run --disk "$IMG" "$BB" find /data/sub /data/link
check "busybox find lists what tar made" \
	[ "$(sort <<< "$HTUX_STDOUT")" = "$(cd "$SRC" && find sub link | sed 's|^|/data/|' | sort)" ]

# ---- two disks: vda on /data, vdb where --disk says; nothing crosses
IMG2=$HTUX_TMP/second.img
mke2fs -q -t ext2 -b 1024 -d "$SRC/sub/deeper" "$IMG" 4M
mke2fs -q -t ext2 -b 4096 "$IMG2" 8M > /dev/null 2>&1
htux_run --disk "$IMG" --disk "$IMG2:/second" "$OPS" rename:/data/deep.txt:/second/deep.txt \
	link:/data/deep.txt:/second/l write:/second/w:2 cat:/proc/mounts
check_output_status "two disks: both mounted, rename and link between them give EXDEV" \
	"rename /data/deep.txt: Cross-device link
link /data/deep.txt: Cross-device link
write /second/w ok
cat /proc/mounts: [rootfs / rootfs rw 0 0
proc /proc proc rw,nosuid,nodev,noexec 0 0
mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec 0 0
/dev/vda /data ext2 rw,relatime 0 0
/dev/vdb /second ext2 rw,relatime 0 0
]" 1
fsck "the first one is clean afterwards"
check "the second one too" sh -c 'e2fsck -fn "$0" > /dev/null 2>&1' "$IMG2"

# ---- fsync (or O_SYNC, or sync), then QEMU killed: the data is there
# crash DESCRIPTION FILE TEXT OP...: runs diskops OP... then "hang" under
# plain QEMU, kills QEMU with SIGKILL once the last OP printed its line,
# and checks that FILE holds TEXT on the disk.
crash() {
	_d=$1 _f=$2 _t=$3
	shift 3
	mke2fs -q -t ext2 "$IMG" 4M
	"$HTUX_BUILDDIR/htux-mkimage" -o "$HTUX_TMP/crash.cpio" "$OPS" "$@" hang >/dev/null
	: > "$HTUX_TMP/crash.out"
	"$HTUX_QEMU" $HTUX_QEMU_ACCEL -M pc -m 128M -kernel "$HTUX_BUILDDIR/htux.elf" -initrd "$HTUX_TMP/crash.cpio" \
		-display none -serial "file:$HTUX_TMP/crash.out" -monitor none -no-reboot \
		-drive "file=$IMG,if=none,format=raw,id=d0" -device virtio-blk-pci,drive=d0 &
	_q=$!
	for _i in $(seq 1 600); do
		[ "$(wc -l < "$HTUX_TMP/crash.out")" -ge $# ] && break
		sleep 0.1
	done
	kill -9 $_q
	wait $_q 2>/dev/null
	check "$_d" [ "$(dcat "$_f")" = "$_t" ]
}
crash "fsync'd data survives QEMU killed with SIGKILL (plain QEMU form)" /durable survives \
	write:/data/x:y fsync:/data/durable:survives
check "the disk says it was not cleanly unmounted" \
	[ "$(dumpe2fs -h "$IMG" 2>/dev/null | sed -n 's/^Filesystem state: *//p')" = "not clean" ]
crash "O_SYNC data survives QEMU killed" /osync synced write:/data/x:y osync:/data/osync:synced
crash "sync(2) data survives QEMU killed" /viasync synced write:/data/viasync:synced sync
htux_run --disk "$IMG" "$BB" true
check "a clean exit leaves it clean" \
	[ "$(dumpe2fs -h "$IMG" 2>/dev/null | sed -n 's/^Filesystem state: *//p')" = "clean" ]

# ---- processes on the disk: a shell whose pipelines and children write there
mke2fs -q -t ext2 -d "$SRC" "$IMG" 16M > /dev/null 2>&1
htux_run --disk "$IMG" "$BB" sh -c 'cd /data && mkdir -p w && seq 1 2000 | gzip > w/n.gz &&
	gunzip -c w/n.gz | wc -l && tar cf w/t.tar fruit.txt sub && tar tf w/t.tar | sort &&
	(sort fruit.txt > w/sorted; echo child $?) && cat w/sorted'
check_output_status "busybox sh: pipelines and subshells writing on the disk" \
	"2000
$(cd "$SRC" && tar cf - fruit.txt sub | tar tf - | sort)
child 0
$(sort "$SRC/fruit.txt")" 0
fsck "e2fsck -fn: clean after the shell's children wrote"
check "the host reads back what a pipeline wrote (gzip of seq 1 2000)" \
	[ "$(dcat /w/n.gz | gunzip -c | md5sum)" = "$(seq 1 2000 | md5sum)" ]

# ---- the block cache (4 KiB blocks: up to a quarter of the memory) gives
# memory back: after a 40 MB file read fills it, a program can still use
# 112 of the 128 MiB (it could with the old 8 MiB cache; without giving
# back it runs out)
build_static bigmem progs/bigmem.c musl || bail_out "cannot build bigmem"
mkdir -p "$HTUX_TMP/bigsrc"
head -c 40000000 /dev/urandom > "$HTUX_TMP/bigsrc/big.bin"
cp "$HTUX_TMP/bigmem" "$HTUX_TMP/bigsrc/bigmem"
rm -f "$IMG"
mke2fs -q -t ext2 -b 4096 -d "$HTUX_TMP/bigsrc" "$IMG" 64M > /dev/null 2>&1 || bail_out "mke2fs failed"
htux_run --disk "$IMG" "$BB" sh -c 'cat /data/big.bin > /dev/null; grep Buffers: /proc/meminfo; /data/bigmem 112'
buffers=$(echo "$HTUX_STDOUT" | sed -n 's/^Buffers: *\([0-9]*\) kB$/\1/p')
gave_back() {
	[ "$HTUX_STATUS" = 0 ] && [ "${buffers:-0}" -gt 16384 ] &&
		case $HTUX_STDOUT in *"112 MiB ok"*) true ;; *) false ;; esac || { _show_run; false; }
}
check "a read fills the cache past 16 MiB, and a 112 MiB program still runs in 128 MiB" gave_back

# ---- a damaged disk: I/O errors where it is damaged, the rest works
mke2fs -q -t ext2 -d "$SRC" "$IMG" 16M > /dev/null 2>&1
debugfs -w -R 'sif /fruit.txt size 0x7fffffffffff' "$IMG" > /dev/null 2>&1
debugfs -w -R 'link /sub /sub/deeper/loop' "$IMG" > /dev/null 2>&1
htux_run --disk "$IMG" "$OPS" cat:/data/fruit.txt stat:/data/sub/deeper/loop cat:/data/sub/deeper/deep.txt
check_output_status "a damaged disk: EIO for a huge size and a directory loop, no hang" \
	"cat /data/fruit.txt: I/O error
stat /data/sub/deeper/loop: I/O error
cat /data/sub/deeper/deep.txt: [deep
]" 1

# ---- bad disks
htux_run --disk "$HTUX_TMP/missing.img" "$BB" true
check "a missing disk file is a launcher error" [ "$HTUX_STATUS" != 0 ] && case $HTUX_STDERR in *missing.img*) true ;; *) false ;; esac
head -c 4M /dev/zero > "$IMG"
htux_run --disk "$IMG:/data" "$BB" true
check_output_status "an unformatted disk to mount is refused" \
	"htux: disk vda: no ext2 filesystem on it (make one with mke2fs -t ext2)" 125
HTUX_MERGE=1 htux_run --disk "$IMG" "$BB" ls /dev/vda /data
check_output_status "an unformatted disk with no mount point is only /dev/vda" \
	"ls: /data: No such file or directory
/dev/vda" 1
mke2fs -q -t ext4 -O inline_data "$IMG" 8M
htux_run --disk "$IMG" "$BB" true
check_output_status "an unknown incompatible feature (inline_data) is refused, named" \
	"htux: disk vda: unsupported filesystem feature 'inline_data' (incompat 0x8000)" 125
