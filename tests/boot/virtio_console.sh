#!/bin/bash
# virtio_console.sh: the program's console on a virtio console port
# (htux run --console hvc: kernel option console=hvc plus QEMU's
# virtio-serial and virtconsole): output byte for byte as on the UART on
# pc, q35 and microvm, large binary output complete before the exit,
# 1 MiB of stdin into Debian's busybox md5sum right and fast (the UART
# path takes minutes for that), and console=hvc without the device, or
# with a virtio-serial device holding no console port, is a one-line error.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
BB=/bin/busybox
[ -x "$BB" ] && file -L "$BB" 2>/dev/null | grep -q 'statically linked' ||
	skip_all "Debian's busybox-static is not installed"
plan 10

build_static hello progs/hello.c musl || bail_out "cannot build hello"
htux_run "$HTUX_TMP/hello" 'a b' c
cp "$HTUX_TMP/stdout" "$HTUX_TMP/uart.out"
for m in pc q35 microvm; do
	htux_run --machine $m --console hvc "$HTUX_TMP/hello" 'a b' c
	if [ "$HTUX_STATUS" = 0 ] && cmp -s "$HTUX_TMP/stdout" "$HTUX_TMP/uart.out"; then
		ok "-M $m: output through hvc equals the UART's byte for byte"
	else
		not_ok "-M $m: output through hvc equals the UART's byte for byte" "status $HTUX_STATUS"
		_show_run
	fi
done

head -c 300000 /dev/urandom > "$HTUX_TMP/blob"
htux_run --console hvc --add "$HTUX_TMP/blob:/blob" "$BB" cat /blob
if [ "$HTUX_STATUS" = 0 ] && cmp -s "$HTUX_TMP/stdout" "$HTUX_TMP/blob"; then
	ok "300 kB of binary output through hvc arrive whole before the exit"
else
	not_ok "300 kB of binary output through hvc arrive whole before the exit" \
		"status $HTUX_STATUS, $(wc -c < "$HTUX_TMP/stdout") bytes"
fi

# 1 MiB of text (no ^D, which the console reads as end of file)
head -c 800000 /dev/urandom | base64 -w 76 | head -c 1048576 > "$HTUX_TMP/in.txt"
WANT="$(md5sum < "$HTUX_TMP/in.txt" | cut -d' ' -f1)  -"
for m in pc microvm; do
	t0=$(date +%s)
	HTUX_STDIN=$HTUX_TMP/in.txt htux_run --machine $m --console hvc "$BB" md5sum
	t=$(( $(date +%s) - t0 ))
	check_output_status "-M $m: 1 MiB of stdin through hvc into busybox md5sum" "$WANT" 0
	# Not a timing test: the UART path takes many minutes for this, the
	# virtio path seconds; the bound only tells the two apart, even on a
	# machine busy enough to make the fast path ten times slower.
	if [ $t -le 120 ]; then
		ok "-M $m: ... in ${t}s (the virtio path: the UART's takes minutes)"
	else
		not_ok "-M $m: ... in ${t}s (the virtio path: the UART's takes minutes)"
	fi
done

"$HTUX_BUILDDIR/htux-mkimage" -o "$HTUX_TMP/hello.cpio" "$HTUX_TMP/hello" ||
	bail_out "htux-mkimage failed"
OUT=$(timeout -k 5 60 "$HTUX_QEMU" $HTUX_QEMU_ACCEL -M pc -m 64M -kernel "$HTUX_BUILDDIR/htux.elf" \
	-initrd "$HTUX_TMP/hello.cpio" -append console=hvc -display none -monitor none \
	-serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 < /dev/null 2>&1)
ST=$?
if [ "$ST" = 251 ] && [ "$OUT" = "htux: console=hvc: no virtio console found (QEMU: -device virtio-serial-pci -device virtconsole,chardev=ID)" ]; then
	ok "console=hvc without a virtio console: one line, status 125"
else
	not_ok "console=hvc without a virtio console: one line, status 125" "status $ST" "$OUT"
fi
OUT=$(timeout -k 5 60 "$HTUX_QEMU" $HTUX_QEMU_ACCEL -M q35 -m 64M -kernel "$HTUX_BUILDDIR/htux.elf" \
	-initrd "$HTUX_TMP/hello.cpio" -append console=hvc -display none -monitor none \
	-serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 \
	-chardev null,id=nul -device virtio-serial-pci -device virtserialport,chardev=nul \
	< /dev/null 2>&1)
ST=$?
if [ "$ST" = 251 ] && [ "$OUT" = "htux: console=hvc: no virtio console found (QEMU: -device virtio-serial-pci -device virtconsole,chardev=ID)" ]; then
	ok "console=hvc with a virtio-serial port that is no console: the same line"
else
	not_ok "console=hvc with a virtio-serial port that is no console: the same line" "status $ST" "$OUT"
fi
