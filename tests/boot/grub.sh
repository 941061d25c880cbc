#!/bin/sh
# tests/boot/grub.sh: disk images made by htux-mkimage --format boot with
# Debian's GRUB and no -kernel: the raw disk under SeaBIOS and under OVMF
# (UEFI, powered off through the ACPI tables GRUB passes), qcow2 with
# kernel options in grub.cfg, the ISO as a CD; output and exit status; a
# disk GRUB cannot boot; the launcher booting such disks (htux run --boot,
# --image).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"

require_qemu
require_cc musl
OVMF_CODE=/usr/share/OVMF/OVMF_CODE.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS.fd
for f in /usr/lib/grub/i386-pc/boot.img /usr/lib/grub/x86_64-efi/kernel.img \
	"$OVMF_CODE" "$OVMF_VARS"; do
	[ -f "$f" ] || bail_out "$f missing: install tools/debian-packages"
done
plan 19
T=$HTUX_TMP
MK=$HTUX_BUILDDIR/htux-mkimage
KERNEL=${HTUX_KERNEL:-$HTUX_BUILDDIR/htux.elf}

build_static args - musl <<'EOF'
#include <stdio.h>
int main(int argc, char **argv)
{
	printf("booted by GRUB\n");
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	return 7;
}
EOF
cd "$T" || bail_out "cd $T"

# boot NAME QEMU-ARGS...: runs QEMU (TCG, 128M, serial to $T/NAME.out, a
# COM2 file $T/NAME.com2), leaves its status in $QST.
boot() {
	_n=$1
	shift
	timeout -k 5 "$HTUX_TIMEOUT" "$HTUX_QEMU" $HTUX_QEMU_ACCEL -M pc -m 128M \
		-nodefaults -no-reboot -display none -monitor none \
		-serial "file:$T/$_n.out" \
		-chardev "file,id=st,path=$T/$_n.com2" \
		-device isa-serial,chardev=st,iobase=0x2f8,irq=3 \
		"$@" > "$T/$_n.qemu" 2>&1
	QST=$?
}

# check_boot DESCRIPTION NAME EXPECTED-OUTPUT QEMU-STATUS: the serial
# output from the program's first line on (firmware and GRUB may print
# before it under UEFI, ending with a carriage return) and QEMU's status.
check_boot() {
	_got=$(tr -d '\r' < "$T/$2.out" | sed -n '/^booted by GRUB/,$p')
	if [ "$_got" = "$3" ] && [ "$QST" = "$4" ]; then
		ok "$1"
	else
		not_ok "$1" "QEMU status $QST (expected $4), serial output:" \
			"$(cat -v "$T/$2.out")" "QEMU said:" "$(cat "$T/$2.qemu")"
	fi
}

EXIT=isa-debug-exit,iobase=0xf4,iosize=4
OUT='booted by GRUB
argv[0]=./args
argv[1]=one
argv[2]=two words'

"$MK" --format raw -o disk.img ./args one 'two words' 2> mk.err
check "--format raw makes a disk image" test $? = 0 -a -s disk.img -a ! -s mk.err
# The MBR: boot signature, one active partition of type 0xEF at 1 MiB.
check "raw: MBR with an active EFI system partition at 1 MiB" test \
	"$(od -An -tx1 -j446 -N16 disk.img | tr -d ' \n' | cut -c1-2,9-10,17-24)$(od -An -tx1 -j510 -N2 disk.img | tr -d ' \n')" = 80ef0008000055aa

boot bios -drive file=disk.img,format=raw -device $EXIT
check_boot "raw disk under SeaBIOS: the program's output alone, status 7" bios "$OUT" 15
# Byte for byte: nothing from GRUB before the program on the console.
check "SeaBIOS: the console carries the program's output only" \
	test "$(cat bios.out)" = "$OUT"

cp "$OVMF_VARS" vars.fd
boot uefi -drive if=pflash,format=raw,readonly=on,file="$OVMF_CODE" \
	-drive if=pflash,format=raw,file=vars.fd -drive file=disk.img,format=raw
check_boot "raw disk under OVMF (UEFI): output, ACPI power-off" uefi "$OUT" 0
# OVMF writes its console to COM2 too: the kernel's line comes last.
check "OVMF: status 7 on COM2" \
	test "$(tr -d '\r' < uefi.com2 | tail -n 1)" = "htux-exit 7"

# Kernel options in grub.cfg: verbose, an environment variable and a new
# command line after --.
"$MK" --format qcow2 --append "verbose -- $T/args 'x y' z" -o disk.qcow2 ./args one 2> mk.err
check "--format qcow2 --append makes a qcow2 image" \
	sh -c 'qemu-img info disk.qcow2 | grep -q "file format: qcow2"'
boot qcow2 -drive file=disk.qcow2,format=qcow2 -device $EXIT
check_boot "qcow2 under SeaBIOS: the command line from grub.cfg" qcow2 "booted by GRUB
argv[0]=$T/args
argv[1]=x y
argv[2]=z" 15
check "verbose from grub.cfg: the kernel says it was booted by multiboot2" \
	grep -q "htux: booted by multiboot2" qcow2.out

"$MK" --format iso -o app.iso ./args one 'two words' 2> mk.err
check "--format iso makes an ISO 9660 image" \
	sh -c 'od -An -c -j32769 -N5 app.iso | tr -d " " | grep -q CD001'
boot iso -drive file=app.iso,format=raw,media=cdrom -device $EXIT
check_boot "ISO as a CD under SeaBIOS" iso "$OUT" 15

# A disk whose kernel is gone: GRUB says so on the serial port and
# powers off instead of waiting at its prompt.
"$MK" --format raw -o broken.img ./args 2> mk.err &&
	MTOOLS_SKIP_CHECK=1 mdel -i broken.img@@1M ::/boot/htux.elf
boot broken -drive file=broken.img,format=raw
check "no kernel on the disk: one htux: line from GRUB, power-off" test \
	"$QST" = 0 -a "$(grep -c 'htux: GRUB could not boot /boot/htux.elf' broken.out)" = 1

# The launcher boots such a disk: htux run --boot grub|uefi.
htux_run --boot grub --append TZ=UTC ./args one 'two words'
check_output_status "htux run --boot grub: output and status" "$OUT" 7
htux_run --boot uefi --dry-run ./args
check "htux run --boot uefi: OVMF firmware and the disk, no -kernel" sh -c '
	grep -q -- "--format raw" stdout &&
	grep -q "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd" stdout &&
	! grep -q -- " -kernel " stdout'
htux_run --image disk.qcow2
check "htux run --image disk.qcow2: the disk's program and options (verbose)" test \
	"$(grep -v '^htux: ' stdout)" = "booted by GRUB
argv[0]=$T/args
argv[1]=x y
argv[2]=z" -a "$HTUX_STATUS" = 7 -a "$(grep -c '^htux: booted by multiboot2' stdout)" = 1
htux_run --image disk.qcow2 ./args
check "htux run --image with a PROG: usage error" \
	test "$HTUX_STATUS" = 2 -a -n "$HTUX_STDERR"
htux_run --boot grub --machine microvm ./args
check "htux run --boot grub --machine microvm: usage error" \
	test "$HTUX_STATUS" = 2 -a -n "$HTUX_STDERR"

"$MK" --format floppy -o x.img ./args 2> mk.err
check "--format floppy: usage error, one line" \
	test $? = 2 -a "$(wc -l < mk.err)" = 1
"$MK" --format raw --kernel "$T/nokernel" -o x.img ./args 2> mk.err
check "a missing kernel: one line, status 1, no image" \
	test $? = 1 -a "$(wc -l < mk.err)" = 1 -a ! -e x.img
