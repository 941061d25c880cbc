# Sourced by bench/disk after lib/linux-guest.sh and lib/linux-modules.sh:
# the Linux guest with a disk. Debian's kernel builds virtio (PCI and blk)
# and ext4 (which mounts ext2) as modules, so the modules and those they
# depend on are fetched from the same kernel package (lib/linux-modules.sh)
# and loaded by the initramfs's /init.
# shellcheck shell=bash

# The modules /init loads, before their dependencies are added: the virtio
# PCI transport, the virtio disk, ext4, and crc32c (ext4's soft dependency).
LINUX_DISK_MODULES=(virtio_pci virtio_blk ext4 crc32c_generic)

# Where in the package they and their dependencies are.
LINUX_DISK_MEMBERS=(
	'./lib/modules/*/kernel/drivers/virtio/*.ko*'
	'./lib/modules/*/kernel/drivers/block/virtio_blk.ko*'
	'./lib/modules/*/kernel/fs/ext4/ext4.ko*'
	'./lib/modules/*/kernel/fs/jbd2/jbd2.ko*'
	'./lib/modules/*/kernel/fs/mbcache.ko*'
	'./lib/modules/*/kernel/lib/crc16.ko*'
	'./lib/modules/*/kernel/lib/libcrc32c.ko*'
	'./lib/modules/*/kernel/crypto/crc32c_generic.ko*'
)

# linux_disk_fetch CACHE KERNEL: makes sure the cache holds the modules
# above for the kernel KERNEL (lib/linux-modules.sh); prints their directory.
linux_disk_fetch() {
	linux_modules_fetch "$1" "$2" disk "${LINUX_DISK_MEMBERS[@]}"
}

# linux_disk_order DIR: prints the modules of DIR to load, one file name a
# line, each after what it depends on.
linux_disk_order() {
	linux_modules_order "$1" "${LINUX_DISK_MODULES[@]}"
}

# linux_disk_initrd BUSYBOX PROG MODDIR OUT [ARG...]: writes to OUT a
# gzipped newc initramfs whose /init loads the modules (linux_disk_order),
# mounts /dev/vda on /data as ext2 (by the ext4 driver), runs
# /$(basename PROG) with the ARGs, unmounts and powers off. A step that
# fails prints "disk FAILED: why" and powers off.
linux_disk_initrd() {
	local busybox=$1 prog=$2 moddir=$3 out=$4 root name cmd order m
	shift 4
	order=$(linux_disk_order "$moddir") || return 1
	name=$(basename "$prog")
	cmd=$(printf ' %q' "/$name" "$@")
	root=$(mktemp -d)
	mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/data" \
		"$root/modules"
	cp "$busybox" "$root/bin/busybox"
	cp "$prog" "$root/$name"
	for m in $order; do cp "$moddir/$m" "$root/modules/"; done
	{
		cat <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
bb=/bin/busybox
$bb mount -t proc proc /proc
off() { echo "disk FAILED: $*"; $bb poweroff -f; }
INIT
		linux_modules_init "$order"
		cat <<INIT
i=0
while [ ! -b /dev/vda ] && [ \$i -lt 100 ]; do \$bb usleep 100000; i=\$((i + 1)); done
[ -b /dev/vda ] || off "no /dev/vda"
\$bb mount -t ext2 /dev/vda /data || off "mount -t ext2 /dev/vda /data"
echo "linux-mount \$(\$bb grep ' /data ' /proc/mounts)"
${cmd# }
\$bb umount /data || off "umount /data"
\$bb poweroff -f
INIT
	} >"$root/init"
	chmod 755 "$root/init" "$root/bin/busybox" "$root/$name"
	( cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet ) |
		gzip -9 > "$out"
	local rc=$?
	rm -rf "$root"
	return $rc
}
