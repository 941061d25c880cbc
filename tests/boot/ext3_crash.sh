#!/bin/bash
# ext3_crash.sh: crash consistency through the journal. Like ext2_crash.sh
# (the same workload, tests/progs/crashfs.c, under plain QEMU killed with
# SIGKILL at points that differ from trial to trial), on ext3 images (a
# jbd2 journal, which htux writes every metadata change through; see
# fs/ext2/jwrite.c), and stricter: after each kill
#   - e2fsck's own journal replay (e2fsck -p -E journal_only on a copy),
#     then e2fsck -fn: clean, exit 0 (nothing at all to repair);
#   - htux's replay (a boot with the disk), then e2fsck -fn: clean, exit 0;
#   - every file reported fsync'd (and not removed since) holds its bytes.
# EXT3_CRASH_TRIALS (default 5) sets the number of trials: the soak run is
#   EXT3_CRASH_TRIALS=20 make check TESTS=tests/boot/ext3_crash.sh
# EXT3_CRASH_SEED varies the kill points (default: fixed ones).
# CRASH_FSTYPE (default ext3) is what mke2fs -t makes: tests/boot/ext4_crash.sh
# runs this with ext4 (extents, flex_bg, 64bit, metadata_csum).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
. "$HTUX_SRCDIR/tests/crashfs_lib.sh"
require_qemu
require_cc musl
for t in mke2fs e2fsck debugfs; do
	command -v $t >/dev/null 2>&1 || [ -x /sbin/$t ] || skip_all "$t (e2fsprogs) is not installed"
done
PATH=$PATH:/sbin:/usr/sbin
TRIALS=${EXT3_CRASH_TRIALS:-5}
FSTYPE=${CRASH_FSTYPE:-ext3}
RANDOM=${EXT3_CRASH_SEED:-7}
plan $((3 * TRIALS + 1))

build_static crashfs progs/crashfs.c musl || bail_out "cannot build crashfs"
IMG=$HTUX_TMP/disk.img
OUT=$HTUX_TMP/serial.out
"$HTUX_BUILDDIR/htux-mkimage" -o "$HTUX_TMP/crashfs.cpio" "$HTUX_TMP/crashfs" /data 100000 \
	>/dev/null || bail_out "htux-mkimage failed"

for trial in $(seq 1 "$TRIALS"); do
	mke2fs -q -t "$FSTYPE" -b 1024 "$IMG" 16M > /dev/null 2>&1 || bail_out "mke2fs failed"
	: > "$OUT"
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
	cp "$IMG" "$HTUX_TMP/ref.img"
	e2fsck -p -E journal_only "$HTUX_TMP/ref.img" > "$HTUX_TMP/replay.log" 2>&1
	if e2fsck -fn "$HTUX_TMP/ref.img" > "$HTUX_TMP/fsck.log" 2>&1; then
		ok "$FSTYPE trial $trial: e2fsck's replay, then e2fsck -fn clean, $where"
	else
		not_ok "$FSTYPE trial $trial: e2fsck's replay, then e2fsck -fn clean, $where" \
			"$(cat "$HTUX_TMP/replay.log" "$HTUX_TMP/fsck.log")"
	fi
	htux_run --disk "$IMG:/data" /bin/true
	if [ "$HTUX_STATUS" = 0 ] && e2fsck -fn "$IMG" > "$HTUX_TMP/fsck.log" 2>&1; then
		ok "$FSTYPE trial $trial: htux's replay, then e2fsck -fn clean"
	else
		not_ok "$FSTYPE trial $trial: htux's replay, then e2fsck -fn clean" "status $HTUX_STATUS" \
			"$HTUX_STDOUT" "$(cat "$HTUX_TMP/fsck.log")"
	fi
	rm -rf "$HTUX_TMP/dump"
	mkdir "$HTUX_TMP/dump"
	debugfs -R "rdump / $HTUX_TMP/dump" "$IMG" > /dev/null 2>&1
	if grep -q '^error:' "$OUT"; then
		not_ok "$FSTYPE trial $trial: the workload failed" "$(grep '^error:' "$OUT")"
	elif res=$(intact); then
		ok "$FSTYPE trial $trial: the $res files reported fsync'd are intact"
	else
		not_ok "$FSTYPE trial $trial: a file reported fsync'd is not intact" "$res"
	fi
done
# the workload itself, run to its end: a clean unmount leaves a clean disk
mke2fs -q -t "$FSTYPE" -b 1024 "$IMG" 16M > /dev/null 2>&1
htux_run --disk "$IMG" "$HTUX_TMP/crashfs" /data 300
if [ "$HTUX_STATUS" = 0 ] && e2fsck -fn "$IMG" > "$HTUX_TMP/fsck.log" 2>&1 &&
	! dumpe2fs -h "$IMG" 2>/dev/null | grep -q needs_recovery; then
	ok "the workload run to its end leaves e2fsck -fn clean, no recovery needed"
else
	not_ok "the workload run to its end leaves e2fsck -fn clean, no recovery needed" \
		"status $HTUX_STATUS" "$(tail -3 "$HTUX_TMP/stdout")" "$(cat "$HTUX_TMP/fsck.log")"
fi
