#!/bin/bash
# pvh.sh: the Xen PVH entry (what Firecracker and Cloud Hypervisor use for
# direct kernel boot): htux.elf carries the XEN_ELFNOTE_PHYS32_ENTRY note in
# a PT_NOTE header, pointing at pvh_start. QEMU's -kernel tries multiboot
# before PVH, so htux.elf as built boots by multiboot there; a copy with the
# multiboot v1 magic cleared ("PVH only") boots through QEMU's PVH loader,
# which is the same path those monitors take: command line, initrd module,
# memory map and RSDP from the hvm_start_info.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
command -v python3 > /dev/null || skip_all "python3 is missing"
plan 11

K=$HTUX_BUILDDIR/htux.elf
P=$HTUX_TMP/htux-pvh.elf
build_static hello progs/hello.c musl || bail_out "cannot build hello"
build_static exitcode progs/exitcode.c musl || bail_out "cannot build exitcode"
"$HTUX_BUILDDIR/htux-mkimage" -o "$HTUX_TMP/hello.cpio" "$HTUX_TMP/hello" a b ||
	bail_out "htux-mkimage failed"
"$HTUX_BUILDDIR/htux-mkimage" -o "$HTUX_TMP/exit.cpio" "$HTUX_TMP/exitcode" 42 ||
	bail_out "htux-mkimage failed"

# 1: the note is there, in a PT_NOTE segment, and names pvh_start's
# physical address (link address - 0xffffffff80000000).
entry=$(LC_ALL=C readelf -nW "$K" | awk '/^ *Xen / { getline; print }' |
	sed -n 's/.*description data: \(..\) \(..\) \(..\) \(..\).*/\4\3\2\1/p')
sym=$(nm "$K" | awk '$3 == "pvh_start" { print $1 }')
want=$(printf '%08x' $((0x$sym - 0xffffffff80000000)))
if [ -n "$entry" ] && [ "$entry" = "$want" ] &&
	LC_ALL=C readelf -lW "$K" | grep -q '^ *NOTE '; then
	ok "htux.elf has a PT_NOTE with XEN_ELFNOTE_PHYS32_ENTRY = pvh_start (0x$want)"
else
	not_ok "htux.elf has the PVH entry note" "note: '$entry', pvh_start phys: '$want'" \
		"$(LC_ALL=C readelf -lnW "$K")"
fi

# The PVH-only copy: the multiboot v1 magic (in the first 8 KiB, where
# loaders look for it) zeroed, everything else byte for byte the same.
python3 - "$K" "$P" << 'EOF' || bail_out "cannot make the PVH-only copy"
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.find(bytes.fromhex('02b0ad1b'), 0, 8192)
if i < 0:
    sys.exit("no multiboot v1 magic in the first 8 KiB")
b[i:i + 4] = bytes(4)
open(sys.argv[2], 'wb').write(b)
EOF

qemu() {   # KERNEL MACHINE INITRD APPEND [QEMU ARGS]: sets OUT and ST
	_k=$1 _m=$2 _i=$3 _a=$4
	shift 4
	OUT=$(timeout -k 5 60 "$HTUX_QEMU" $HTUX_QEMU_ACCEL -M "$_m" -m 64M -kernel "$_k" -initrd "$_i" \
		-append "$_a" -display none -monitor none -serial stdio -no-reboot "$@" \
		< /dev/null 2> "$HTUX_TMP/qemu.err")
	ST=$?
}
DBG="-device isa-debug-exit,iobase=0xf4,iosize=4"

qemu "$K" pc "$HTUX_TMP/hello.cpio" verbose $DBG
case $OUT in
*"htux: booted by multiboot,"*"hello, world"*) ok "with both headers QEMU takes multiboot" ;;
*) not_ok "with both headers QEMU takes multiboot" "status $ST, got: $OUT" ;;
esac

for m in pc q35 microvm; do
	qemu "$P" $m "$HTUX_TMP/exit.cpio" "" $DBG
	[ "$ST" = 85 ] && [ -z "$OUT" ] && ok "PVH on -M $m: exit 42 through isa-debug-exit" ||
		not_ok "PVH on -M $m: exit 42" "status $ST (want 85), output: $OUT" \
			"$(cat "$HTUX_TMP/qemu.err")"
done

for m in pc microvm; do
	qemu "$P" $m "$HTUX_TMP/hello.cpio" "verbose WHO=pvh -- $HTUX_TMP/hello 'x y'" $DBG
	case $OUT in
	*"htux: booted by PVH,"*"hello, pvh
argv[1]=x y") [ "$ST" = 1 ] && ok "PVH on -M $m: command line, environment and initrd" ||
		not_ok "PVH on -M $m: status" "status $ST" ;;
	*) not_ok "PVH on -M $m: command line, environment and initrd" "status $ST, got: $OUT" ;;
	esac
done

# Without isa-debug-exit the kernel switches off through ACPI, found from
# the start info's RSDP on microvm (no BIOS area to scan there).
qemu "$P" microvm "$HTUX_TMP/hello.cpio" ""
[ "$ST" = 0 ] && [ "$OUT" = "hello, world
argv[1]=a
argv[2]=b" ] && ok "PVH on -M microvm: ACPI power-off without isa-debug-exit" ||
	not_ok "PVH on -M microvm: ACPI power-off" "status $ST, got: $OUT"

# The memory map: free memory as multiboot reports it, within 1 MiB, for a
# small guest and for one whose RAM goes past the 4 GiB PCI hole (which
# panicked under multiboot too: "no low memory for the map of free pages",
# the initrd splitting the low RAM in two and the upper part sorted after
# the RAM above 4 GiB).
free_kib() { sed -n 's/^htux: booted by [^,]*, \([0-9]*\) KiB free.*/\1/p' <<< "$OUT"; }
for mem in 64M 4G; do
	qemu "$K" pc "$HTUX_TMP/exit.cpio" verbose $DBG -m $mem
	mb=$(free_kib)
	qemu "$P" pc "$HTUX_TMP/exit.cpio" verbose $DBG -m $mem
	pv=$(free_kib)
	if [ -n "$mb" ] && [ -n "$pv" ] && [ $((pv - mb)) -lt 1024 ] && [ $((mb - pv)) -lt 1024 ]; then
		ok "PVH and multiboot -m $mem: the same free memory ($pv vs $mb KiB)"
	else
		not_ok "PVH -m $mem: the memory map" "PVH: '$pv' KiB, multiboot: '$mb' KiB" "$OUT"
	fi
done

# A small guest: a static hello in 4 MiB, as with multiboot.
qemu "$P" pc "$HTUX_TMP/hello.cpio" "" $DBG -m 4M
[ "$ST" = 1 ] && [ "$OUT" = "hello, world
argv[1]=a
argv[2]=b" ] && ok "PVH -m 4M: a static hello runs" ||
	not_ok "PVH -m 4M: a static hello runs" "status $ST, got: $OUT" "$(cat "$HTUX_TMP/qemu.err")"
