#!/bin/bash
# ext2_crash.sh: crash consistency of ext2 disks. Each trial makes a fresh
# ext2 image (1 KiB blocks), boots htux under plain QEMU running
# tests/progs/crashfs.c on it (directories, some inside new ones, growing
# past their first block; files fsync'd, renamed, removed), kills QEMU with
# SIGKILL at a point that differs from trial to trial, then checks:
#   - e2fsck -fn finds nothing but what a kill between ordered writes may
#     leave and what repairs without loss: blocks and inodes marked in use
#     that nothing uses ("-" bitmap differences), free and directory
#     counts, link counts too high, files and directories not yet linked
#     into their directory (see "Crashes" in docs/design.md);
#   - every file reported fsync'd (and not removed since) holds its bytes
#     (cksum of what debugfs rdump reads back), the log rewritten in place
#     and fdatasync'd (fs/ext2/fsync.c) its last synced bytes or the
#     pending ones after them.
# EXT2_CRASH_TRIALS (default 5) sets the number of trials: the soak run is
#   EXT2_CRASH_TRIALS=20 make check TESTS=tests/boot/ext2_crash.sh
# EXT2_CRASH_SEED varies the kill points (default: fixed ones).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
. "$HTUX_SRCDIR/tests/crashfs_lib.sh"
require_qemu
require_cc musl
for t in mke2fs e2fsck debugfs; do
	command -v $t >/dev/null 2>&1 || [ -x /sbin/$t ] || skip_all "$t (e2fsprogs) is not installed"
done
PATH=$PATH:/sbin:/usr/sbin
TRIALS=${EXT2_CRASH_TRIALS:-5}
RANDOM=${EXT2_CRASH_SEED:-7}
plan $((2 * TRIALS + 1))

build_static crashfs progs/crashfs.c musl || bail_out "cannot build crashfs"
IMG=$HTUX_TMP/disk.img
OUT=$HTUX_TMP/serial.out
"$HTUX_BUILDDIR/htux-mkimage" -o "$HTUX_TMP/crashfs.cpio" "$HTUX_TMP/crashfs" /data 100000 \
	>/dev/null || bail_out "htux-mkimage failed"

# harmless FSCK_LOG: what e2fsck -fn printed is only what a crash between
# ordered writes leaves (every question answered no); otherwise prints the
# first other line.
harmless() {
	awk '
	/^e2fsck [0-9]|^Pass [1-5][A-Z]?:|^$|^Fix\? no$|^Clear\? no$|^Connect to \/lost\+found\? no$/ { next }
	/WARNING: Filesystem still has errors|: [0-9]+\/[0-9]+ files \(/ { next }
	/^(Block|Inode) bitmap differences: / {
		sub(/^(Block|Inode) bitmap differences: */, "")
		n = split($0, w, /[ \t]+/)
		for (i = 1; i <= n; i++)
			if (w[i] != "" && w[i] !~ /^-([0-9]+|\([0-9]+--[0-9]+\))$/) { print; exit 1 }
		next
	}
	/^ +-/ { if ($0 ~ /^[ \t-0-9()]+$/ && $0 !~ /\+/) next }
	/^Free (blocks|inodes) count wrong (for group #[0-9]+ )?\([0-9]+, counted=[0-9]+\)\.$/ { next }
	/^Directories count wrong for group #[0-9]+ \([0-9]+, counted=[0-9]+\)\.$/ { next }
	/^Inode [0-9]+ ref count is [0-9]+, should be [0-9]+\./ {
		if ($6 + 0 > $9 + 0) next
	}
	/^Unattached (zero-length )?inode [0-9]+/ { next }
	/^Unconnected directory inode [0-9]+ / { next }
	/^\047\.\.\047 in \.\.\. \([0-9]+\) is .* should be <The NULL inode> \(0\)\.$/ { next }
	{ print; exit 1 }
	' "$1"
}

unclean=0
for trial in $(seq 1 "$TRIALS"); do
	mke2fs -q -t ext2 -b 1024 "$IMG" 16M > /dev/null 2>&1 || bail_out "mke2fs failed"
	: > "$OUT"
	# killed after the Nth fsync'd file, and a bit more (up to 0.3 s); the
	# disk is slow (200 requests a second), so that a kill often lands
	# inside a write-back
	want=$((3 + RANDOM % 40))
	extra=$(printf '0.%03d' $((RANDOM % 300)))
	"$HTUX_QEMU" $HTUX_QEMU_ACCEL -M pc -m 128M -kernel "$HTUX_BUILDDIR/htux.elf" -initrd "$HTUX_TMP/crashfs.cpio" \
		-display none -serial "file:$OUT" -monitor none -no-reboot \
		-drive "file=$IMG,if=none,format=raw,id=d0,throttling.iops-total=200" \
		-device virtio-blk-pci,drive=d0 &
	qemu=$!
	for _i in $(seq 1 1200); do
		[ "$(grep -c '^synced ' "$OUT")" -ge "$want" ] && break
		grep -q '^error:\|^done' "$OUT" && break
		sleep 0.05
	done
	sleep "$extra"
	kill -9 $qemu
	wait $qemu 2>/dev/null
	where="killed after $(grep -c '^synced ' "$OUT") fsync'd files (asked for $want, then $extra s)"
	e2fsck -fn "$IMG" > "$HTUX_TMP/fsck.log" 2>&1
	st=$?
	if why=$(harmless "$HTUX_TMP/fsck.log"); then
		if [ $st != 0 ]; then
			unclean=$((unclean + 1))
			diag "$(grep -v '^Pass\|^e2fsck\|^$\|^Fix\|^Connect\|^Clear' "$HTUX_TMP/fsck.log" | head -6)"
		fi
		ok "trial $trial: e2fsck -fn (exit $st) finds nothing harmful, $where"
	else
		not_ok "trial $trial: e2fsck -fn finds damage, $where" "first: $why" "$(cat "$HTUX_TMP/fsck.log")"
	fi
	rm -rf "$HTUX_TMP/dump"
	mkdir "$HTUX_TMP/dump"
	debugfs -R "rdump / $HTUX_TMP/dump" "$IMG" > /dev/null 2>&1
	if grep -q '^error:' "$OUT"; then
		not_ok "trial $trial: the workload failed" "$(grep '^error:' "$OUT")"
	elif res=$(intact); then
		ok "trial $trial: the $res files reported fsync'd are intact"
	else
		not_ok "trial $trial: a file reported fsync'd is not intact" "$res"
	fi
done
diag "e2fsck exit 4 (harmless leftovers only) in $unclean of $TRIALS trials"
# the workload itself, run to its end: a clean unmount leaves a clean disk
mke2fs -q -t ext2 -b 1024 "$IMG" 16M > /dev/null 2>&1
htux_run --disk "$IMG" "$HTUX_TMP/crashfs" /data 300
if [ "$HTUX_STATUS" = 0 ] && e2fsck -fn "$IMG" > "$HTUX_TMP/fsck.log" 2>&1; then
	ok "the workload run to its end leaves e2fsck -fn clean"
else
	not_ok "the workload run to its end leaves e2fsck -fn clean" "status $HTUX_STATUS" \
		"$(tail -3 "$HTUX_TMP/stdout")" "$(cat "$HTUX_TMP/fsck.log")"
fi
