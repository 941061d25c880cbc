#!/bin/bash
# qemu.sh: htux.elf under plain QEMU, without the launcher: the three
# machine types, isa-debug-exit's encoding, ACPI power-off without it, the
# -append syntax (options, environment, "-- PROG ARGS"), and clear errors
# for bad images.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
plan 17

K=$HTUX_BUILDDIR/htux.elf
build_static hello progs/hello.c musl || bail_out "cannot build hello"
build_static exitcode progs/exitcode.c musl || bail_out "cannot build exitcode"
"$HTUX_BUILDDIR/htux-mkimage" -o "$HTUX_TMP/hello.cpio" "$HTUX_TMP/hello" a b ||
	bail_out "htux-mkimage failed"
"$HTUX_BUILDDIR/htux-mkimage" -o "$HTUX_TMP/exit.cpio" "$HTUX_TMP/exitcode" 42 ||
	bail_out "htux-mkimage failed"

# qemu MACHINE INITRD APPEND [EXTRA QEMU ARGS...]: boots K; sets OUT and ST.
qemu() {
	_m=$1 _i=$2 _a=$3
	shift 3
	OUT=$(timeout -k 5 60 "$HTUX_QEMU" $HTUX_QEMU_ACCEL -M "$_m" -m 64M -kernel "$K" ${_i:+-initrd "$_i"} \
		-append "$_a" -display none -monitor none -serial stdio -no-reboot "$@" \
		< /dev/null 2> "$HTUX_TMP/qemu.err")
	ST=$?
}
DBG="-device isa-debug-exit,iobase=0xf4,iosize=4"

expect() {   # DESCRIPTION STDOUT STATUS
	if [ "$OUT" = "$2" ] && [ "$ST" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected status $3, got $ST" "expected:" "$2" "got:" "$OUT" \
			"qemu stderr:" "$(cat "$HTUX_TMP/qemu.err")"
	fi
}

for m in pc q35 microvm; do
	qemu $m "$HTUX_TMP/exit.cpio" "" $DBG
	expect "-M $m: boots, exit 42 through isa-debug-exit (QEMU status 85)" "" 85
done
for m in pc q35 microvm; do
	qemu $m "$HTUX_TMP/hello.cpio" ""
	expect "-M $m: without isa-debug-exit the kernel powers off (ACPI)" "hello, world
argv[1]=a
argv[2]=b" 0
done

qemu pc "$HTUX_TMP/hello.cpio" "WHO=append -- $HTUX_TMP/hello 'x y' z" $DBG
expect "-append sets the environment and replaces the arguments" "hello, append
argv[1]=x y
argv[2]=z" 1
qemu pc "$HTUX_TMP/hello.cpio" "-- /nonexistent" $DBG
expect "-append naming a missing program: status 127" \
	"htux: /nonexistent: no such file in the image" 255   # (127<<1)|1
qemu pc "$HTUX_TMP/hello.cpio" "bogus-option" $DBG
expect "an unknown kernel option is a one-line error" \
	"htux: unknown kernel option 'bogus-option' (see the README for -append)" 251   # (125<<1)|1
qemu pc "$HTUX_TMP/hello.cpio" "console=bogus" $DBG
expect "a bad value of a known kernel option is a one-line error" \
	"htux: bad kernel option 'console=bogus' (console=hvc or console=ttyS0)" 251
qemu pc "$HTUX_TMP/hello.cpio" "virtio_mmio.device=512@xyz:5" $DBG
expect "a malformed virtio_mmio.device is a one-line error" \
	"htux: bad kernel option 'virtio_mmio.device=512@xyz:5' (virtio_mmio.device=SIZE@ADDR:IRQ)" 251
qemu pc "$HTUX_TMP/hello.cpio" "-- 'unbalanced" $DBG
expect "an unbalanced quote is a one-line error" \
	"htux: unbalanced quote in the kernel command line" 251
qemu pc "" "" $DBG
expect "no initrd: one line and status 125" \
	"htux: no program image: give one with -initrd (see htux-mkimage), or a root disk with root=/dev/vdX" 251
head -c 300 "$HTUX_TMP/hello.cpio" > "$HTUX_TMP/trunc.cpio"
qemu pc "$HTUX_TMP/trunc.cpio" "" $DBG
case $OUT in
htux:\ initrd:*) [ "$ST" = 251 ] && ok "a truncated cpio: one htux: initrd: line, status 125" ||
	not_ok "truncated cpio status" "got $ST" ;;
*) not_ok "a truncated cpio: one htux: initrd: line, status 125" "got: $OUT" ;;
esac
printf 'this is not a cpio archive at all, just text\n' > "$HTUX_TMP/text.cpio"
qemu pc "$HTUX_TMP/text.cpio" "" $DBG
case $OUT in
htux:\ initrd:*) ok "a text file as initrd: one htux: initrd: line" ;;
*) not_ok "a text file as initrd: one htux: initrd: line" "got: $OUT" ;;
esac
qemu pc "$HTUX_TMP/hello.cpio" "verbose" $DBG
case $OUT in
*"htux: booted by multiboot"*"hello, world"*) ok "verbose: kernel messages before the program's output" ;;
*) not_ok "verbose: kernel messages before the program's output" "got: $OUT" ;;
esac
qemu pc "$HTUX_TMP/hello.cpio" "" $DBG -m 2M
case $OUT in
"htux: too little memory"*) ok "too little guest memory: a one-line error" ;;
*) not_ok "too little guest memory: a one-line error" "status $ST, got: $OUT" ;;
esac
