#!/bin/bash
# mmap_sync.sh: a MAP_SHARED mapping of a file on an ext2 disk and the
# file are one, as on Linux: tests/progs/mmap_sync.c stores through the
# mapping and read() sees the bytes, pwrite()s and the mapping sees them;
# after fsync, fdatasync, msync(MS_SYNC), sync or syncfs the mapping's
# stores are on the disk: QEMU is killed with SIGKILL once the program says
# "synced", and debugfs reads the file from the image, which must hold
# what the file holds on the host after the same steps. Before, the
# mapping kept copies of its own: read() saw the old bytes and none of
# those calls wrote the stores to the disk (only munmap and exit did).
# The debug kernel (htux-debug.elf) with panic_test=share-full runs msync
# and fsync again with the write-back's rare path: a page whose sharers'
# count is full is written from a copy (before, its store was dropped).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
for t in mke2fs debugfs; do
	command -v $t >/dev/null 2>&1 || [ -x /sbin/$t ] || skip_all "$t (e2fsprogs) is not installed"
done
PATH=$PATH:/sbin:/usr/sbin
MODES="fsync fdatasync msync sync syncfs"
plan 14

build_static mmap_sync progs/mmap_sync.c musl || bail_out "cannot build mmap_sync.c"
if ! ${MAKE:-make} -C "$HTUX_BUILDDIR" htux-debug.elf > "$HTUX_TMP/make.log" 2>&1; then
	bail_out "cannot build htux-debug.elf: $(tail -5 "$HTUX_TMP/make.log")"
fi
IMG=$HTUX_TMP/disk.img
OUT=$HTUX_TMP/serial.out

# wait_synced FILE PID: until FILE has the "synced" line (or PID is gone)
wait_synced() {
	for _i in $(seq 1 600); do
		grep -q '^synced' "$1" && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# check MODE KERNEL APPEND LABEL: two points
check() {
	mode=$1
	# the host: the lines, and the file's bytes once the program is killed
	mkdir -p "$HTUX_TMP/host"
	rm -f "$HTUX_TMP/host/f"
	"$HTUX_TMP/mmap_sync" "$mode" "$HTUX_TMP/host/f" > "$HTUX_TMP/host.out" &
	pid=$!
	wait_synced "$HTUX_TMP/host.out" $pid
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	want=$(cat "$HTUX_TMP/host.out")
	want_sum=$(cksum < "$HTUX_TMP/host/f")

	mke2fs -q -t ext2 -b 1024 "$IMG" 8M > /dev/null 2>&1 || bail_out "mke2fs failed"
	"$HTUX_BUILDDIR/htux-mkimage" -o "$HTUX_TMP/ms.cpio" "$HTUX_TMP/mmap_sync" "$mode" /data/f \
		>/dev/null || bail_out "htux-mkimage failed"
	: > "$OUT"
	"$HTUX_QEMU" $HTUX_QEMU_ACCEL -M pc -m 128M -kernel "$2" -append "$3" \
		-initrd "$HTUX_TMP/ms.cpio" -display none -serial "file:$OUT" -monitor none \
		-no-reboot -drive "file=$IMG,if=none,format=raw,id=d0" \
		-device virtio-blk-pci,drive=d0 &
	qemu=$!
	wait_synced "$OUT" $qemu
	kill -9 $qemu 2>/dev/null
	wait $qemu 2>/dev/null
	got=$(tr -d '\r' < "$OUT" | grep -v '^htux')
	if [ "$got" = "$want" ]; then
		ok "$4$mode: read() sees the mapping's stores, the mapping pwrite's (as on the host)"
	else
		not_ok "$4$mode: read() sees the mapping's stores, the mapping pwrite's (as on the host)" \
			"diff host htux:" "$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got"))"
	fi
	debugfs -R "dump /f $HTUX_TMP/disk_f" "$IMG" > /dev/null 2>&1
	got_sum=$(cksum < "$HTUX_TMP/disk_f" 2>/dev/null)
	if [ "$got_sum" = "$want_sum" ]; then
		ok "$4$mode, then SIGKILL: the disk holds the mapping's stores and pwrite's"
	else
		not_ok "$4$mode, then SIGKILL: the disk holds the mapping's stores and pwrite's" \
			"host $want_sum, disk ${got_sum:-none}" \
			"$(tr '\0' . < "$HTUX_TMP/disk_f" 2>/dev/null | tr -s . | head -c 300)"
	fi
	rm -f "$HTUX_TMP/disk_f"
}

for mode in $MODES; do
	check $mode "$HTUX_BUILDDIR/htux.elf" "" ""
done
for mode in msync fsync; do
	check $mode "$HTUX_BUILDDIR/htux-debug.elf" panic_test=share-full "share-full: "
done
