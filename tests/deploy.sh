#!/bin/sh
# tests/deploy.sh: cloud images and libvirt domains from htux-mkimage: the
# GCE tarball (exactly disk.raw, whole GiB, boots in QEMU as packed), the
# AWS raw disk, domain XML checked by virt-xml-validate, and a domain run
# by a private libvirtd (qemu:///session) when one can start here.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"

require_qemu
require_cc musl
command -v virt-xml-validate >/dev/null 2>&1 ||
	bail_out "virt-xml-validate missing: install tools/debian-packages"
plan 17
T=$HTUX_TMP
MK=$HTUX_BUILDDIR/htux-mkimage
GIB=1073741824

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
OUT='booted by GRUB
argv[0]=./args
argv[1]=cloud'

# ---- Google Compute Engine: disk.raw in a gzip'd tar
"$MK" --format gce -o app.tar.gz ./args cloud 2> mk.err
check "--format gce makes a tarball" test $? = 0 -a -s app.tar.gz
check "the tarball holds exactly disk.raw" test "$(tar tzf app.tar.gz)" = disk.raw
size=$(tar tvzf app.tar.gz | awk '{ print $3 }')
check "disk.raw is a whole number of GiB ($size bytes)" \
	test -n "$size" -a "$((size % GIB))" = 0 -a "$size" -gt 0
mkdir gce && tar xzf app.tar.gz -C gce
timeout -k 5 "$HTUX_TIMEOUT" "$HTUX_QEMU" $HTUX_QEMU_ACCEL -M pc -m 128M -nodefaults \
	-no-reboot -display none -monitor none -serial file:gce.out \
	-drive file=gce/disk.raw,format=raw \
	-device isa-debug-exit,iobase=0xf4,iosize=4 > gce.qemu 2>&1
st=$?
if [ "$(cat gce.out)" = "$OUT" ] && [ $st = 15 ]; then
	ok "the disk.raw from the tarball boots: output and status 7"
else
	not_ok "the disk.raw from the tarball boots: output and status 7" \
		"QEMU status $st, output:" "$(cat -v gce.out)" "$(cat gce.qemu)"
fi
rm -rf gce
SOURCE_DATE_EPOCH=1700000000 "$MK" --format gce -o again.tar.gz ./args cloud &&
	sleep 1 && SOURCE_DATE_EPOCH=1700000000 "$MK" --format gce -o app.tar.gz ./args cloud
check "with SOURCE_DATE_EPOCH the tarball is reproducible" cmp -s again.tar.gz app.tar.gz
rm -f again.tar.gz app.tar.gz

# ---- AWS: a raw disk of whole GiB
"$MK" --format aws -o aws.raw ./args cloud 2> mk.err
size=$(stat -c %s aws.raw 2>/dev/null)
check "--format aws: a raw disk of whole GiB" \
	test -n "$size" -a "$((size % GIB))" = 0 -a "$size" -gt 0
check "aws: MBR boot signature" \
	test "$(od -An -tx1 -j510 -N2 aws.raw | tr -d ' ')" = 55aa
rm -f aws.raw

# ---- libvirt domains
K=$(readlink -f "${HTUX_KERNEL:-$HTUX_BUILDDIR/htux.elf}")
truncate -s 16M extra.raw
"$MK" --libvirt direct --tcg --memory 256M --append verbose --net \
	--blk extra.raw -o app.cpio ./args cloud 2> mk.err
check "--libvirt NAME writes NAME.xml next to the image" \
	test $? = 0 -a -s direct.xml -a ! -s mk.err
check "direct boot XML passes virt-xml-validate" \
	sh -c 'virt-xml-validate direct.xml domain > /dev/null 2>&1'
check "direct boot: kernel, initrd, command line, memory, TCG" sh -c "
	grep -q \"<kernel>$K</kernel>\" direct.xml &&
	grep -q \"<initrd>$T/app.cpio</initrd>\" direct.xml &&
	grep -q '<cmdline>verbose</cmdline>' direct.xml &&
	grep -q \"<memory unit='MiB'>256</memory>\" direct.xml &&
	grep -q \"<domain type='qemu'>\" direct.xml"
check "direct boot: virtio-net, virtio-blk, serial console, power-off" sh -c "
	grep -q \"<model type='virtio'/>\" direct.xml &&
	grep -q \"<source file='$T/extra.raw'/>\" direct.xml &&
	grep -q \"<console type='pty'>\" direct.xml &&
	grep -q '<on_poweroff>destroy</on_poweroff>' direct.xml"

"$MK" --format qcow2 --libvirt disk --uefi --kvm -o app.qcow2 ./args cloud 2> mk.err
check "disk boot XML (qcow2, UEFI) passes virt-xml-validate" \
	sh -c 'virt-xml-validate disk.xml domain > /dev/null 2>&1'
check "disk boot: the qcow2 as a virtio disk, OVMF, KVM" sh -c "
	grep -q \"<source file='$T/app.qcow2'/>\" disk.xml &&
	grep -q \"<driver name='qemu' type='qcow2'/>\" disk.xml &&
	grep -q 'OVMF_CODE' disk.xml && grep -q \"<domain type='kvm'>\" disk.xml &&
	! grep -q '<kernel>' disk.xml"

"$MK" --libvirt 'a b' -o x.cpio ./args 2> mk.err
check "--libvirt with a bad name: usage error, one line" \
	test $? = 2 -a "$(wc -l < mk.err)" = 1
"$MK" --uefi -o x.cpio ./args 2> mk.err
check "--uefi without --libvirt: usage error, one line" \
	test $? = 2 -a "$(wc -l < mk.err)" = 1

# ---- a domain run by libvirt: a private session daemon. As root it runs
# as nobody (root's qemu:///session is the system daemon).
lv_run() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		"$@"
	fi
}
L=$T/lv
mkdir -p "$L/run" && chmod 711 "$T" && chmod 777 "$L" "$L/run"
VIRSH="env HOME=$L XDG_RUNTIME_DIR=$L/run XDG_CONFIG_HOME=$L/config XDG_CACHE_HOME=$L/cache virsh -q -c qemu:///session"
cp "$T/args" "$L/args" && cp "$K" "$L/htux.elf"
(cd "$L" && "$MK" --format raw --libvirt run --tcg --kernel htux.elf \
	-o app.img ./args cloud) 2> mk.err
chmod a+rw "$L/app.img" && chmod a+r "$L/htux.elf" "$L/run.xml"
if ! command -v virsh >/dev/null 2>&1; then
	skip "libvirt runs the domain" "no virsh"
	skip "libvirt: console and exit status" "no virsh"
elif ! lv_run timeout 60 $VIRSH version > lv.err 2>&1; then
	skip "libvirt runs the domain" "no libvirtd here: $(tail -n 1 lv.err)"
	skip "libvirt: console and exit status" "no libvirtd here"
else
	lv_run timeout 60 $VIRSH define "$L/run.xml" > lv.err 2>&1 &&
		lv_run timeout 60 $VIRSH start run >> lv.err 2>&1
	st=$?
	state=
	for i in $(seq 60); do
		state=$(lv_run timeout 30 $VIRSH domstate run --reason 2>&1)
		case $state in "shut off"*) break ;; esac
		sleep 1
	done
	check "libvirt runs the disk image to power-off ($state)" \
		test $st = 0 -a "$state" = "shut off (shutdown)"
	if [ "$(cat "$L/run.console" 2>/dev/null)" = "$OUT" ] &&
		[ "$(cat "$L/run.exit" 2>/dev/null)" = "htux-exit 7" ]; then
		ok "libvirt: console log and exit status"
	else
		not_ok "libvirt: console log and exit status" \
			"console:" "$(cat -v "$L/run.console" 2>&1)" \
			"exit: $(cat "$L/run.exit" 2>&1)" "virsh:" "$(cat lv.err)"
	fi
	lv_run timeout 30 $VIRSH undefine run > /dev/null 2>&1
	for p in "$L/run/libvirt/libvirtd.pid" "$L/run/libvirt/virtlogd.pid"; do
		[ -s "$p" ] && kill "$(cat "$p")" 2>/dev/null
	done
fi
