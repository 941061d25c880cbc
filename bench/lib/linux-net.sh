# Sourced by bench/net after lib/linux-guest.sh and lib/linux-modules.sh:
# the Linux guest on a virtio-net device. Debian's kernel builds the virtio
# PCI transport and virtio_net as modules; lib/linux-modules.sh fetches them
# and what they depend on from the kernel's package.
# shellcheck shell=bash

# The modules /init loads, before their dependencies are added.
LINUX_NET_MODULES=(virtio_pci virtio_net)

# Where in the package they and their dependencies (virtio, virtio_ring,
# the virtio_pci_*_dev helpers; net_failover and failover) are.
LINUX_NET_MEMBERS=(
	'./lib/modules/*/kernel/drivers/virtio/*.ko*'
	'./lib/modules/*/kernel/drivers/net/virtio_net.ko*'
	'./lib/modules/*/kernel/drivers/net/net_failover.ko*'
	'./lib/modules/*/kernel/net/core/failover.ko*'
)

# The guest's address on QEMU's user network, the same for both guests
# (htux takes it as ip= on its command line).
LINUX_NET_ADDR=10.0.2.15/24
LINUX_NET_GATEWAY=10.0.2.2

# linux_net_fetch CACHE KERNEL: prints the directory of the modules above.
linux_net_fetch() {
	linux_modules_fetch "$1" "$2" net "${LINUX_NET_MEMBERS[@]}"
}

# linux_net_order DIR: the modules to load, in order.
linux_net_order() {
	linux_modules_order "$1" "${LINUX_NET_MODULES[@]}"
}

# linux_net_initrd BUSYBOX MODDIR ROOT OUT CMD [ARG...]: writes to OUT a
# gzipped newc initramfs of the directory ROOT (the server and what it
# needs, at their paths) plus busybox and the modules, whose /init loads
# the modules, brings up lo and eth0 with the static address above, prints
# "linux-net ADDRESS", runs CMD with the ARGs (the server, in the
# foreground) and powers off when it ends. A step that fails prints
# "net FAILED: why" and powers off.
linux_net_initrd() {
	local busybox=$1 moddir=$2 src=$3 out=$4 root cmd order m
	shift 4
	order=$(linux_net_order "$moddir") || return 1
	cmd=$(printf ' %q' "$@")
	root=$(mktemp -d)
	cp -a "$src/." "$root/"
	mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" \
		"$root/modules"
	cp "$busybox" "$root/bin/busybox"
	for m in $order; do cp "$moddir/$m" "$root/modules/"; done
	{
		cat <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
off() { echo "net FAILED: $*"; $bb poweroff -f; }
INIT
		linux_modules_init "$order"
		cat <<INIT
i=0
while [ ! -e /sys/class/net/eth0 ] && [ \$i -lt 100 ]; do \$bb usleep 100000; i=\$((i + 1)); done
[ -e /sys/class/net/eth0 ] || off "no eth0"
\$bb ip link set lo up || off "ip link set lo up"
\$bb ip link set eth0 up || off "ip link set eth0 up"
\$bb ip addr add $LINUX_NET_ADDR dev eth0 || off "ip addr add $LINUX_NET_ADDR dev eth0"
\$bb ip route add default via $LINUX_NET_GATEWAY || off "ip route add default via $LINUX_NET_GATEWAY"
echo "linux-net \$(\$bb ip -o -4 addr show dev eth0 | \$bb awk '{ print \$4 }')"
cd /
${cmd# }
echo "linux-net server exited with status \$?"
\$bb poweroff -f
INIT
	} >"$root/init"
	chmod 755 "$root/init" "$root/bin/busybox"
	( cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet ) |
		gzip -9 > "$out"
	local rc=$?
	rm -rf "$root"
	return $rc
}

# linux_net_copy_dynamic PROG ROOT: copies the dynamic program PROG, the
# libraries ldd names and the loader into ROOT at their own paths.
linux_net_copy_dynamic() {
	local prog=$1 root=$2 f
	mkdir -p "$root$(dirname "$prog")"
	cp -L "$prog" "$root$prog"
	for f in $(ldd "$prog" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f" || return 1
	done
}
