# Sourced by bench/disk after lib/linux-guest.sh: the Linux guest with a
# disk. Debian's kernel builds virtio (PCI and blk) and ext4 (which mounts
# ext2) as modules, so the modules and those they depend on are fetched
# from the same kernel package and loaded by the initramfs's /init.
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

# linux_disk_fetch CACHE KERNEL: makes sure CACHE/linux-modules/VERSION
# holds the modules above, uncompressed, for the kernel KERNEL
# (.../vmlinuz-VERSION), downloading its package linux-image-VERSION the
# first time. Prints that directory.
linux_disk_fetch() {
	local cache=$1 ver dir tmp deb f
	ver=$(basename "$2" | sed 's/^vmlinuz-//')
	dir=$cache/linux-modules/$ver
	if [ ! -f "$dir/.complete" ]; then
		echo "bench: downloading linux-image-$ver for its modules into $dir" >&2
		rm -rf "$dir"
		tmp=$dir.tmp
		rm -rf "$tmp"
		mkdir -p "$tmp"
		( cd "$tmp" && apt-get download -q "linux-image-$ver" >&2 ) || {
			echo "bench: could not download linux-image-$ver" >&2
			return 1
		}
		for deb in "$tmp"/linux-image-"$ver"_*.deb; do
			dpkg-deb --fsys-tarfile "$deb" |
				tar -x -C "$tmp" --wildcards "${LINUX_DISK_MEMBERS[@]}" || {
				echo "bench: $deb lacks some of: ${LINUX_DISK_MEMBERS[*]}" >&2
				return 1
			}
			rm -f "$deb"
		done
		mkdir -p "$dir"
		# Flatten, and decompress (newer packages ship .ko.xz or .ko.zst,
		# which busybox's insmod may not take).
		while IFS= read -r f; do
			case $f in
			*.ko) cp "$f" "$dir/" ;;
			*.ko.xz) xz -dc "$f" >"$dir/$(basename "$f" .xz)" ;;
			*.ko.zst) zstd -qdc "$f" >"$dir/$(basename "$f" .zst)" ;;
			*.ko.gz) gzip -dc "$f" >"$dir/$(basename "$f" .gz)" ;;
			esac || { echo "bench: cannot decompress $f" >&2; return 1; }
		done < <(find "$tmp" -name '*.ko*' -type f)
		rm -rf "$tmp"
		touch "$dir/.complete"
	fi
	echo "$dir"
}

# linux_disk_order DIR: prints the modules of DIR to load, one file name a
# line, each after what it depends on (the "depends=" of its .modinfo).
linux_disk_order() {
	local dir=$1 m
	declare -A seen=()
	_linux_disk_visit() {
		local name=$1 file dep deps
		[ -z "${seen[$name]-}" ] || return 0
		seen[$name]=1
		file=$dir/$name.ko
		[ -f "$file" ] || file=$dir/${name//_/-}.ko
		[ -f "$file" ] || { echo "bench: module $name is not in $dir" >&2; return 1; }
		deps=$(objcopy -O binary --only-section=.modinfo "$file" /dev/stdout |
			tr '\0' '\n' | sed -n 's/^depends=//p')
		for dep in ${deps//,/ }; do
			_linux_disk_visit "$dep" || return 1
		done
		basename "$file"
	}
	for m in "${LINUX_DISK_MODULES[@]}"; do
		_linux_disk_visit "$m" || return 1
	done
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
		for m in $order; do
			echo "\$bb insmod /modules/$m || off \"insmod $m\""
		done
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
