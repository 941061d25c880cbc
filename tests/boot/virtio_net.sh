#!/bin/bash
# virtio_net.sh: the virtio network device at the driver level (the TCP/IP
# stack and its tests come with the sockets): QEMU's virtio-net with a
# given MAC is found and set up as eth0 on pc, q35 and microvm (the verbose
# log names it), the program runs as usual beside it, and a legacy-only
# device (disable-modern=on; on microvm QEMU's default legacy virtio-mmio)
# is left alone with one kinfo line.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
plan 10

build_static hello progs/hello.c musl || bail_out "cannot build hello"
MAC=52:54:00:12:34:56

for m in pc q35 microvm; do
	dev=virtio-net-pci
	[ $m = microvm ] && dev=virtio-net-device   # (the launcher asks for virtio 1.x MMIO)
	htux_run --machine $m --verbose --qemu-arg -netdev --qemu-arg user,id=n0 \
		--qemu-arg -device --qemu-arg $dev,netdev=n0,mac=$MAC "$HTUX_TMP/hello" x
	check_stdout_contains "-M $m: virtio-net found as eth0 with QEMU's MAC" "htux: virtio-net eth0 $MAC"
	check_stdout_contains "-M $m: the program runs beside it" "argv[1]=x"
done

htux_run --machine pc --verbose --qemu-arg -netdev --qemu-arg user,id=n0 \
	--qemu-arg -device --qemu-arg virtio-net-pci,netdev=n0,disable-modern=on "$HTUX_TMP/hello"
check_stdout_contains "a legacy-only device: one kinfo line" "legacy-only device (type 1)"
case $HTUX_STDOUT in
*"virtio-net eth0"*) not_ok "and no eth0" ;;
*) ok "and no eth0" ;;
esac
check_status "and the program's status" 0
htux_run --machine microvm --verbose --qemu-arg -global --qemu-arg virtio-mmio.force-legacy=true \
	--qemu-arg -netdev --qemu-arg user,id=n0 \
	--qemu-arg -device --qemu-arg virtio-net-device,netdev=n0 "$HTUX_TMP/hello"
check_stdout_contains "microvm, legacy virtio-mmio: one kinfo line naming the QEMU option" \
	"legacy virtio-mmio version 1 device (type 1); not used (give QEMU -global virtio-mmio.force-legacy=false)"
