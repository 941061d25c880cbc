#!/bin/bash
# big_initrd.sh: an initrd over 1 GiB boots. QEMU's multiboot loader puts
# the initrd right after the kernel, so one over 1 GiB fills the first GiB,
# the only memory the first page tables (boot/multiboot.S) mapped, and the
# kernel found no room for its page maps; they now map the low 4 GiB.
# QEMU itself refuses an initrd of 2 GiB or more ("Failed to open file"):
# htux run says so in one line instead.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
[ -x /bin/busybox ] || skip_all "busybox-static is not installed"
command -v cpio > /dev/null || skip_all "cpio is not installed"
avail=$(df -Pk "$HTUX_TMP" | awk 'NR == 2 { print $4 }')
[ "${avail:-0}" -gt 2500000 ] || skip_all "less than 2.5 GB free in $HTUX_TMP"
plan 2

R=$HTUX_TMP/root
mkdir -p "$R/bin" "$R/.htux" && cp /bin/busybox "$R/bin/busybox" || bail_out "cannot copy busybox"
printf '/bin/busybox\0sh\0-c\0stat -c "%%s %%n" /big; tail -c 3 /big\0' > "$R/.htux/argv"
printf 'end' | dd of="$R/big" bs=1M seek=1040 conv=notrunc status=none ||
	bail_out "cannot make the big file"
(cd "$R" && find . | cpio -o -H newc --quiet > "$HTUX_TMP/big.cpio") || bail_out "cpio failed"
rm -rf "$R"
size=$(stat -c %s "$HTUX_TMP/big.cpio")

# (pc; microvm, the same kernel code, was measured by hand: README, Size)
for machine in pc; do
	out=$(timeout -k 5 120 "$HTUX_QEMU" -M $machine -m 1216M -kernel "$HTUX_BUILDDIR/htux.elf" \
		-initrd "$HTUX_TMP/big.cpio" -display none -monitor none -serial stdio -no-reboot \
		-nodefaults -device isa-debug-exit,iobase=0xf4,iosize=4 < /dev/null 2>&1)
	st=$?
	if [ "$out" = "$(printf '1090519043 /big\nend')" ] && [ $st = 1 ]; then
		ok "-M $machine: a $((size >> 20)) MiB initrd boots; its last bytes read back"
	else
		not_ok "-M $machine: a $((size >> 20)) MiB initrd boots" "status $st" "$out"
	fi
done
rm -f "$HTUX_TMP/big.cpio"

# 2: an image of 2 GiB or more: one line from htux run, not QEMU's
truncate -s 2049M "$HTUX_TMP/huge"
htux_run --add "$HTUX_TMP/huge:/huge" /bin/busybox true
rm -f "$HTUX_TMP/huge"
check_stderr_contains "an initrd of 2 GiB or more: htux run says why" \
	"htux: the image is 2050 MiB: QEMU loads an initrd under 2 GiB only; put large data on a --disk FILE:/MOUNTPOINT"
