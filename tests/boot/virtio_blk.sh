#!/bin/bash
# virtio_blk.sh: a disk image given to QEMU as a virtio block device is
# /dev/vda inside htux. Debian's busybox reads it: md5sum equal to the
# host's on pc, q35 and microvm, with INTx instead of MSI-X, with two
# disks, in the order given on pc and on microvm (also two INTx disks on
# one shared line); od at an offset. A program writes a pattern at an odd offset and
# fsyncs (the host sees those bytes in the file after QEMU exits, and only
# those); the capacity ioctl; a read-only drive refuses writes with EPERM
# as Linux does; a missing --disk file is a launcher error.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
BB=/bin/busybox
[ -x "$BB" ] && file -L "$BB" 2>/dev/null | grep -q 'statically linked' ||
	skip_all "Debian's busybox-static is not installed"
plan 15

build_static blkdev progs/blkdev.c musl || bail_out "cannot build blkdev"
IMG=$HTUX_TMP/disk.img
head -c 3145728 /dev/urandom > "$IMG"     # 3 MiB of noise
WANT=$(md5sum < "$IMG" | cut -d' ' -f1)

for m in pc q35 microvm; do
	htux_run --machine $m --disk "$IMG" "$BB" md5sum /dev/vda
	check_output_status "-M $m: busybox md5sum /dev/vda equals the host's md5sum of the image" \
		"$WANT  /dev/vda" 0
done

for m in pc q35; do
	htux_run --machine $m --qemu-arg -drive --qemu-arg "file=$IMG,if=none,format=raw,id=x0" \
		--qemu-arg -device --qemu-arg virtio-blk-pci,drive=x0,vectors=0 "$BB" md5sum /dev/vda
	check_output_status "-M $m: the same without MSI-X (INTx through the I/O APIC)" "$WANT  /dev/vda" 0
done

head -c 1048576 /dev/urandom > "$HTUX_TMP/disk2.img"
WANT2=$(md5sum < "$HTUX_TMP/disk2.img" | cut -d' ' -f1)
htux_run --disk "$IMG" --disk "$HTUX_TMP/disk2.img" "$BB" md5sum /dev/vda /dev/vdb
check_output_status "two disks: vda and vdb in the order given" "$WANT  /dev/vda
$WANT2  /dev/vdb" 0
# microvm hands out its virtio-mmio slots from the top down
htux_run --machine microvm --disk "$IMG" --disk "$HTUX_TMP/disk2.img" "$BB" md5sum /dev/vda /dev/vdb
check_output_status "two disks on microvm: vda and vdb in the order given too" "$WANT  /dev/vda
$WANT2  /dev/vdb" 0

# Slots 3 and 7 share one PCI interrupt line on pc: both handlers run on it.
htux_run --qemu-arg -drive --qemu-arg "file=$IMG,if=none,format=raw,id=x0" \
	--qemu-arg -device --qemu-arg virtio-blk-pci,drive=x0,vectors=0,addr=3 \
	--qemu-arg -drive --qemu-arg "file=$HTUX_TMP/disk2.img,if=none,format=raw,id=x1" \
	--qemu-arg -device --qemu-arg virtio-blk-pci,drive=x1,vectors=0,addr=7 \
	"$BB" md5sum /dev/vda /dev/vdb
check_output_status "two INTx disks sharing one interrupt line" "$WANT  /dev/vda
$WANT2  /dev/vdb" 0

htux_run --disk "$IMG" "$HTUX_TMP/blkdev" /dev/vda size
check_output_status "BLKGETSIZE64 and lseek(SEEK_END) give the capacity" \
	"size 3145728 end 3145728" 0

cp "$IMG" "$HTUX_TMP/orig.img"
htux_run --disk "$IMG" "$HTUX_TMP/blkdev" /dev/vda write 1000 300001
check_output_status "pwrite at an unaligned offset, fsync, pread back" \
	"wrote 300001 at 1000, read back same" 0
python3 - "$IMG" "$HTUX_TMP/orig.img" > "$HTUX_TMP/cmp" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
o = open(sys.argv[2], 'rb').read()
want = bytes((i * 7 + 1000) & 255 for i in range(300001))
print(len(d) == len(o), d[1000:301001] == want, d[:1000] == o[:1000], d[301001:] == o[301001:])
PY
check "the host file holds the pattern at 1000 and nothing else changed" \
	test "$(cat "$HTUX_TMP/cmp")" = "True True True True"

WANT_OD=$("$BB" od -A d -t x1 -j 5000 -N 3000 "$IMG")
htux_run --machine q35 --disk "$IMG" "$BB" od -A d -t x1 -j 5000 -N 3000 /dev/vda
check_output_status "busybox od reads 3000 bytes at offset 5000" "$WANT_OD" 0

# A read-only drive with plain QEMU (the README's command line).
"$HTUX_BUILDDIR/htux-mkimage" -o "$HTUX_TMP/ro.cpio" "$HTUX_TMP/blkdev" /dev/vda tryw ||
	bail_out "htux-mkimage failed"
OUT=$(timeout -k 5 60 "$HTUX_QEMU" $HTUX_QEMU_ACCEL -M pc -m 64M -kernel "$HTUX_BUILDDIR/htux.elf" \
	-initrd "$HTUX_TMP/ro.cpio" -display none -monitor none -serial stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-drive file="$IMG",if=none,format=raw,id=d0,readonly=on -device virtio-blk-pci,drive=d0 \
	< /dev/null 2> "$HTUX_TMP/qemu.err")
check "a read-only drive refuses writes with EPERM" test "$OUT" = "write: Operation not permitted"

HTUX_MERGE=1 htux_run "$HTUX_TMP/blkdev" /dev/vda size
check_output_status "without a disk there is no /dev/vda" "/dev/vda: No such file or directory" 1

htux_run --disk "$HTUX_TMP/missing.img" /bin/true
if [ "$HTUX_STATUS" = 125 ] && [ "$HTUX_STDERR" = "htux: --disk $HTUX_TMP/missing.img: No such file or directory" ]; then
	ok "--disk with a missing file: one launcher error line, status 125"
else
	not_ok "--disk with a missing file: one launcher error line, status 125" \
		"status $HTUX_STATUS" "$HTUX_STDERR"
fi
