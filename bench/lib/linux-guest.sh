# Sourced by bench/boot and bench/syscall: fetches Debian's Linux kernel and
# static busybox into the bench cache (without installing them) and builds
# an initramfs that runs one static program and powers off.
# shellcheck shell=bash

# linux_guest_fetch DEB_NAME CACHE_DIR MEMBER: downloads the Debian package
# DEB_NAME with apt-get, extracts the files matching MEMBER (a tar wildcard,
# e.g. './boot/vmlinuz-*') under CACHE_DIR, then drops the .deb.
linux_guest_fetch() {
	local pkg=$1 dir=$2 member=$3 deb
	mkdir -p "$dir"
	( cd "$dir" && apt-get download -q "$pkg" >&2 ) || return 1
	for deb in "$dir/${pkg}_"*.deb; do
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" --wildcards "$member" \
			|| return 1
		rm -f "$deb"
	done
}

# linux_guest_package: prints the name of the kernel package that Debian's
# linux-image-amd64 depends on (e.g. linux-image-6.1.0-56-amd64).
linux_guest_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# linux_guest_kernel CACHE: prints the path of the Linux kernel to boot,
# downloading it into CACHE/linux the first time.
linux_guest_kernel() {
	local cache=$1 pkg ver kernel
	pkg=$(linux_guest_package)
	if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
		echo "bench: apt-get update (to find linux-image-amd64)" >&2
		apt-get update -q >&2 || true
		pkg=$(linux_guest_package)
	fi
	if [ -z "$pkg" ]; then
		# No package index: fall back on a kernel fetched earlier.
		kernel=$(ls -1 "$cache"/linux/boot/vmlinuz-* 2>/dev/null | tail -n 1)
		if [ -n "$kernel" ]; then
			echo "$kernel"
			return 0
		fi
		echo "bench: cannot find Debian's linux-image-amd64 (run apt-get update)" >&2
		return 1
	fi
	ver=${pkg#linux-image-}
	kernel=$cache/linux/boot/vmlinuz-$ver
	if [ ! -f "$kernel" ]; then
		echo "bench: downloading $pkg into $cache/linux" >&2
		linux_guest_fetch "$pkg" "$cache/linux" './boot/vmlinuz-*' || {
			echo "bench: could not download $pkg" >&2
			return 1
		}
	fi
	[ -f "$kernel" ] || { echo "bench: $pkg has no vmlinuz-$ver" >&2; return 1; }
	echo "$kernel"
}

# linux_guest_busybox CACHE: prints the path of a statically linked busybox:
# the host's if busybox-static is installed, else one extracted from the
# busybox-static package into CACHE/busybox (the host's packages are left
# alone: busybox-static conflicts with the dynamic busybox package).
linux_guest_busybox() {
	local cache=$1 bb
	for bb in /bin/busybox /usr/bin/busybox; do
		if [ -x "$bb" ] && ! readelf -l "$bb" 2>/dev/null | grep -q INTERP; then
			echo "$bb"
			return 0
		fi
	done
	bb=$(ls -1 "$cache"/busybox/*bin/busybox 2>/dev/null | head -n 1)
	if [ -z "$bb" ]; then
		echo "bench: downloading busybox-static into $cache/busybox" >&2
		linux_guest_fetch busybox-static "$cache/busybox" '*bin/busybox' || {
			echo "bench: could not download busybox-static" >&2
			return 1
		}
		bb=$(ls -1 "$cache"/busybox/*bin/busybox 2>/dev/null | head -n 1)
	fi
	[ -n "$bb" ] || { echo "bench: busybox-static has no busybox" >&2; return 1; }
	echo "$bb"
}

# linux_guest_setup CACHE: fetches what is missing and sets LINUX_KERNEL,
# LINUX_BUSYBOX, LINUX_NAME ("Linux 6.1.0-56-amd64") and BUSYBOX_VERSION.
# shellcheck disable=SC2034
linux_guest_setup() {
	LINUX_KERNEL=$(linux_guest_kernel "$1") || return 1
	LINUX_BUSYBOX=$(linux_guest_busybox "$1") || return 1
	LINUX_NAME="Linux $(basename "$LINUX_KERNEL" | sed 's/^vmlinuz-//')"
	# (busybox may die of SIGPIPE once head has its line: not a failure)
	BUSYBOX_VERSION=$("$LINUX_BUSYBOX" 2>/dev/null | head -n 1 | awk '{print $2}') || true
}

# linux_guest_initrd BUSYBOX PROG OUT [ARG...]: writes to OUT a gzipped newc
# initramfs whose /init runs /$(basename PROG) with the ARGs and powers the
# machine off. The lines of $LINUX_GUEST_PRE (busybox sh) run before the
# program, e.g. to print facts about the guest.
linux_guest_initrd() {
	local busybox=$1 prog=$2 out=$3 root name cmd
	shift 3
	name=$(basename "$prog")
	cmd=$(printf ' %q' "/$name" "$@")
	root=$(mktemp -d)
	mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys"
	cp "$busybox" "$root/bin/busybox"
	cp "$prog" "$root/$name"
	# The kernel's built-in initramfs provides /dev/console; mounting
	# devtmpfs makes sure of it without needing mknod (and root) here.
	cat > "$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
${LINUX_GUEST_PRE-}
${cmd# }
/bin/busybox poweroff -f
INIT
	chmod 755 "$root/init" "$root/bin/busybox" "$root/$name"
	( cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet ) |
		gzip -9 > "$out"
	local rc=$?
	rm -rf "$root"
	return $rc
}
