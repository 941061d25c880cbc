# Sourced after lib/linux-guest.sh by the benches whose Linux guest needs
# drivers that Debian's kernel builds as modules (bench/disk: virtio-blk and
# ext4, bench/net: virtio-net). The modules and those they depend on are
# fetched from the kernel's own package (downloaded, never installed) into
# the cache, and the initramfs's /init loads them with busybox insmod.
# shellcheck shell=bash

# linux_modules_fetch CACHE KERNEL SET MEMBER...: makes sure
# CACHE/linux-modules/VERSION holds, uncompressed and flattened, the modules
# of the package linux-image-VERSION (for KERNEL, .../vmlinuz-VERSION)
# matching the MEMBERs (tar wildcards, e.g.
# './lib/modules/*/kernel/drivers/virtio/*.ko*'), downloading the package
# the first time for each SET (a name: "disk", "net"; its stamp is
# .complete-SET). The sets share the directory. Prints it.
linux_modules_fetch() {
	local cache=$1 set=$3 ver dir tmp deb f
	ver=$(basename "$2" | sed 's/^vmlinuz-//')
	shift 3
	dir=$cache/linux-modules/$ver
	if [ ! -f "$dir/.complete-$set" ]; then
		echo "bench: downloading linux-image-$ver for its $set modules into $dir" >&2
		tmp=$dir.tmp-$set
		rm -rf "$tmp"
		mkdir -p "$tmp"
		( cd "$tmp" && apt-get download -q "linux-image-$ver" >&2 ) || {
			echo "bench: could not download linux-image-$ver" >&2
			return 1
		}
		for deb in "$tmp"/linux-image-"$ver"_*.deb; do
			dpkg-deb --fsys-tarfile "$deb" |
				tar -x -C "$tmp" --wildcards "$@" || {
				echo "bench: $deb lacks some of: $*" >&2
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
		touch "$dir/.complete-$set"
	fi
	echo "$dir"
}

# linux_modules_order DIR MODULE...: prints the modules of DIR to load for
# the MODULEs, one file name a line, each after what it depends on (the
# "depends=" of its .modinfo).
linux_modules_order() {
	local dir=$1 m
	shift
	declare -A seen=()
	_linux_modules_visit() {
		local name=$1 file dep deps
		[ -z "${seen[$name]-}" ] || return 0
		seen[$name]=1
		file=$dir/$name.ko
		[ -f "$file" ] || file=$dir/${name//_/-}.ko
		[ -f "$file" ] || { echo "bench: module $name is not in $dir" >&2; return 1; }
		deps=$(objcopy -O binary --only-section=.modinfo "$file" /dev/stdout |
			tr '\0' '\n' | sed -n 's/^depends=//p')
		for dep in ${deps//,/ }; do
			_linux_modules_visit "$dep" || return 1
		done
		basename "$file"
	}
	for m in "$@"; do
		_linux_modules_visit "$m" || return 1
	done
}

# linux_modules_init ORDER: the lines of busybox sh for /init that load the
# modules of ORDER (linux_modules_order's output, copied to /modules) with
# $bb insmod, calling off (which /init defines) if one fails.
linux_modules_init() {
	local m
	for m in $1; do
		echo "\$bb insmod /modules/$m || off \"insmod $m\""
	done
}
