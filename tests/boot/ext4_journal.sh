#!/bin/bash
# ext4_journal.sh: jbd2 journal replay at mount. The host makes a disk
# needing recovery with debugfs' journal writer: the blocks a change
# (debugfs write, mkdir, rm) made to a copy of the image, logged as one
# transaction into the original (needs_recovery set). htux replays it and
# mounts what it gives: the files as e2fsck's own replay gives them,
# e2fsck -fn clean, needs_recovery cleared, the log empty. Checksums v3
# and v2 (ext4, 1 and 4 KiB blocks), none (ext3, whose journal is in
# indirect blocks), read-write after, revoke records (a revoked
# block is not replayed from an earlier transaction) and a transaction
# without its commit block (not replayed).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
BB=/bin/busybox
[ -x "$BB" ] && file -L "$BB" 2>/dev/null | grep -q 'statically linked' ||
	skip_all "Debian's busybox-static is not installed"
for t in mke2fs e2fsck debugfs dumpe2fs python3; do
	command -v $t >/dev/null 2>&1 || [ -x /sbin/$t ] || skip_all "$t is not installed"
done
PATH=$PATH:/sbin:/usr/sbin
plan 17

IMG=$HTUX_TMP/disk.img
SRC=$HTUX_TMP/src
mkdir -p "$SRC"
printf 'old contents\n' > "$SRC/a.txt"
printf 'second file\n' > "$SRC/b.txt"
printf 'from the host\n' > "$HTUX_TMP/new.txt"

# diffblocks A B BSIZE OUT: the numbers of the blocks B has changed
# (comma-separated), their contents from B into OUT.
diffblocks() {
	python3 - "$@" <<'PY'
import sys
a, b, bs, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
A = open(a, 'rb').read()
B = open(b, 'rb').read()
n = []
with open(out, 'wb') as f:
    for i in range(len(A) // bs):
        if A[i * bs:(i + 1) * bs] != B[i * bs:(i + 1) * bs]:
            n.append(i)
            f.write(B[i * bs:(i + 1) * bs])
print(','.join(map(str, n)))
PY
}

# logged TYPE BSIZE JOPEN: a fresh image whose journal holds, committed,
# what debugfs write, mkdir and rm changed; $HTUX_TMP/ref.img: the same
# replayed by e2fsck.
logged() {
	mke2fs -q -F -t "$1" -b "$2" -d "$SRC" "$IMG" 16M > /dev/null 2>&1 || bail_out "mke2fs failed"
	cp "$IMG" "$HTUX_TMP/b.img"
	printf 'write %s newfile\nmkdir newdir\nrm a.txt\n' "$HTUX_TMP/new.txt" |
		debugfs -w -f - "$HTUX_TMP/b.img" > /dev/null 2>&1
	local list=$(diffblocks "$IMG" "$HTUX_TMP/b.img" "$2" "$HTUX_TMP/blocks")
	printf '%s\njw -b %s %s\njc\n' "$3" "$list" "$HTUX_TMP/blocks" |
		debugfs -w -f - "$IMG" > /dev/null 2>&1
	cp "$IMG" "$HTUX_TMP/ref.img"
	e2fsck -fy "$HTUX_TMP/ref.img" > /dev/null 2>&1
}

# replayed DESCRIPTION EXPECTED-FIRST-LINES: htux lists and reads the
# disk, then e2fsck -fn, the superblock and the journal are checked.
replayed() {
	htux_run --disk "$IMG" "$BB" sh -c 'ls -1 /data; cat /data/newfile /data/b.txt'
	check_output_status "$1: replayed at mount" "$2${2:+
}b.txt
lost+found
newdir
newfile
from the host
second file" 0
	e2fsck -fn "$IMG" > "$HTUX_TMP/fsck.log" 2>&1
	check "$1: e2fsck -fn clean" [ $? = 0 ]
	local h=$(dumpe2fs -h "$IMG" 2>/dev/null)
	check "$1: needs_recovery cleared, the log empty" \
		eval 'case $h in *needs_recovery*) false ;; *"Journal start:            0"*) true ;; *) false ;; esac'
	check "$1: as e2fsck's replay" [ "$(debugfs -R 'ls -p /' "$IMG" 2>&1 | tail -n +2)" = \
		"$(debugfs -R 'ls -p /' "$HTUX_TMP/ref.img" 2>&1 | tail -n +2)" ]
}

logged ext4 1024 'jo -c -v 3'
replayed "ext4, 1 KiB blocks, checksums v3" ""
logged ext4 4096 'jo -c -v 2'
replayed "ext4, 4 KiB blocks, checksums v2" ""
logged ext3 1024 'jo'
replayed "ext3, no checksums" ""
htux_run --disk "$IMG" "$BB" sh -c 'echo written > /data/w; cat /data/w'
check_output_status "ext3: read-write after the replay" "written" 0
e2fsck -fn "$IMG" > "$HTUX_TMP/fsck.log" 2>&1
check "ext3: e2fsck -fn clean after writing" [ $? = 0 ]

# ---- revoked blocks, a transaction without its commit block
mke2fs -q -F -t ext4 -b 1024 -d "$SRC" "$IMG" 16M > /dev/null 2>&1 || bail_out "mke2fs failed"
A=$(debugfs -R 'blocks /a.txt' "$IMG" 2>/dev/null)
B=$(debugfs -R 'blocks /b.txt' "$IMG" 2>/dev/null)
python3 -c "
open('$HTUX_TMP/x1', 'wb').write(b'XXXXXXXXXXXX\n'.ljust(1024, b'\0'))
open('$HTUX_TMP/x2', 'wb').write(b'YYYYYYYYYYY\n'.ljust(1024, b'\0'))"
printf 'jo -c\njw -b %s %s\njw -b %s %s\njw -r %s\njw -b %s -c %s\njc\n' \
	"$A" "$HTUX_TMP/x1" "$B" "$HTUX_TMP/x2" "$A" "$B" "$HTUX_TMP/x1" |
	debugfs -w -f - "$IMG" > /dev/null 2>&1
check "the journal holds 3 committed transactions and one not" \
	[ "$(debugfs -R logdump "$IMG" 2>/dev/null | grep -c 'commit block')" = 3 ]
htux_run --disk "$IMG" "$BB" cat /data/a.txt /data/b.txt
check_output_status "revoked: not replayed; committed: replayed; not committed: not replayed" \
	"old contents
YYYYYYYYYYY" 0
e2fsck -fn "$IMG" > "$HTUX_TMP/fsck.log" 2>&1
check "e2fsck -fn clean after it" [ $? = 0 ]
