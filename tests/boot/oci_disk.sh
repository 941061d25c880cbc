#!/bin/bash
# oci_disk.sh: a container image's root filesystem on an ext2 disk booted
# as "/" (kernel option root=/dev/vda) instead of in the initrd: htux run
# --oci --rootfs disk and the automatic switch (HTUX_ROOT_DISK_OVER lowered
# so that the image stays small), htux-mkimage --rootfs disk under plain
# QEMU. An OCI image built here with umoci (as tests/boot/oci.sh does): a
# dynamic glibc program compared with the same program on the host; owners
# from the image, modes, hard links and symbolic links; writing on the
# root (read back from the kept disk with debugfs, e2fsck clean); /dev,
# /proc, /sys and /tmp from the RAM root; another --disk mounted on a
# directory of the root disk; one line and a non-zero status for a missing
# root disk and one that holds no ext2.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
command -v umoci > /dev/null || skip_all "umoci is not installed (tools/install-deps)"
command -v skopeo > /dev/null || skip_all "skopeo is not installed (tools/install-deps)"
command -v mke2fs > /dev/null || skip_all "e2fsprogs is not installed (tools/install-deps)"
[ -x /bin/busybox ] || skip_all "busybox-static is not installed"
plan 18
export TMPDIR=$HTUX_TMP

L=$HTUX_TMP/layout
B=$HTUX_TMP/bundle
MK=$HTUX_BUILDDIR/htux-mkimage
PATH=$PATH:/usr/sbin:/sbin

# a dynamic glibc program (its libraries in the image) printing its
# arguments, a file of its working directory and an environment variable
cat > "$HTUX_TMP/dyn.c" << 'EOF'
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	char line[64] = "";
	FILE *f = fopen("data.txt", "r");
	if (f && fgets(line, sizeof line, f))
		fclose(f);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	printf("GREETING=%s data=%s", getenv("GREETING"), line);
	return 5;
}
EOF
${CC:-cc} -O2 -o "$HTUX_TMP/dyn" "$HTUX_TMP/dyn.c" || bail_out "cannot build dyn"

# the image: busybox, the program and its libraries; a hard link, a
# symbolic link, a setgid directory and a mode-0600 file; then a layer
# (a tar made here) with /home/app owned by app (1000:1000)
{
	umoci init --layout "$L" && umoci new --image "$L:img" &&
		umoci unpack --rootless --image "$L:img" "$B" &&
		R=$B/rootfs && mkdir -p "$R/bin" "$R/etc" "$R/data" "$R/app" "$R/srv" &&
		cp /bin/busybox "$R/bin/busybox" && ln -s busybox "$R/bin/sh" &&
		printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n' \
			> "$R/etc/passwd" &&
		echo kept > "$R/data/keep" && ln "$R/data/keep" "$R/data/link" &&
		ln -s ../data/keep "$R/data/sym" && echo secret > "$R/data/secret" &&
		chmod 600 "$R/data/secret" && chmod 2775 "$R/srv" &&
		cp "$HTUX_TMP/dyn" "$R/app/hello" && echo payload > "$R/app/data.txt" &&
		for lib in $(ldd "$HTUX_TMP/dyn" | grep -o '/[^ ]*'); do
			mkdir -p "$R$(dirname "$lib")" && cp -L "$lib" "$R$lib" || exit 1
		done &&
		umoci repack --image "$L:img" "$B" &&
		mkdir -p "$HTUX_TMP/own/home/app" && echo mine > "$HTUX_TMP/own/home/app/f" &&
		tar -C "$HTUX_TMP/own" --owner=1000 --group=1000 --numeric-owner \
			-cf "$HTUX_TMP/own.tar" home &&
		umoci raw add-layer --image "$L:img" "$HTUX_TMP/own.tar" &&
		umoci config --image "$L:img" --config.cmd hello --config.cmd one \
			--config.cmd 'two words' --config.env PATH=/usr/bin:/bin:/app \
			--config.env GREETING=hi --config.workingdir /app
} > "$HTUX_TMP/umoci.log" 2>&1 || bail_out "cannot build the image: $(cat "$HTUX_TMP/umoci.log")"
rm -rf "$B"

# 1: the entrypoint on the root disk prints and ends as on the host
want=$(cd "$HTUX_TMP" && mkdir -p app && cp dyn app/hello && echo payload > app/data.txt &&
	cd app && env -i GREETING=hi PATH=/usr/bin:. hello one 'two words')
want_st=$?
htux_run --rootfs disk --oci "$L:img"
check_output_status "--rootfs disk: the entrypoint runs from the root disk as on the host" \
	"$want" "$want_st"

# 2: files, owners, modes, hard and symbolic links as in the initrd (and
# as the image says)
files='stat -c "%u:%g %a %F %n" / /home/app /srv
stat -c "%u:%g %a %h %F %n" /home/app/f /data/keep /data/link /data/secret /bin/busybox
readlink /data/sym; cat /data/sym; [ /data/keep -ef /data/link ] && echo same inode'
want_files="0:0 755 directory /
1000:1000 755 directory /home/app
0:0 2775 directory /srv
1000:1000 644 1 regular file /home/app/f
0:0 644 2 regular file /data/keep
0:0 644 2 regular file /data/link
0:0 600 1 regular file /data/secret
0:0 755 1 regular file /bin/busybox
../data/keep
kept
same inode"
htux_run --rootfs disk --oci "$L:img" /bin/sh -c "$files"
disk_out=$HTUX_STDOUT
check_output_status "--rootfs disk: owners, modes, hard and symbolic links from the image" \
	"$want_files" 0
htux_run --rootfs initrd --oci "$L:img" /bin/sh -c "$files"
check "... the same as from the initrd" [ "$HTUX_STDOUT" = "$disk_out" ]

# 4: the root is the disk; /dev, /proc, /sys and /tmp the kernel's own;
# ".." from them leads back to the disk's root
htux_run --rootfs disk --oci "$L:img" /bin/sh -c 'head -1 /proc/mounts; stat -c "%a %n" /tmp
	echo x > /dev/null && stat -f -c "%T %n" / /proc /sys /tmp /dev
	cd /proc/.. && pwd && ls / | grep -c "^app$"; cd /tmp && echo t > t && cat t && pwd'
check_output_status "--rootfs disk: / on /dev/vda under /dev, /proc, /sys, /tmp" \
	"/dev/vda / ext2 rw,relatime 0 0
1777 /tmp
ext2/ext3 /
proc /proc
proc /sys
tmpfs /tmp
tmpfs /dev
/
1
t
/tmp" 0

# 5: a user writes where the image lets it, and nowhere else
htux_run --user app --rootfs disk --oci "$L:img" /bin/sh -c 'id -u
	echo w > /home/app/w && cat /home/app/w; echo x 2> /dev/null > /data/x || echo denied'
check_output_status "--rootfs disk: the image's owners hold for its user" "1000
w
denied" 0

# 5-6: writing on the root: the kept disk holds the new file and the change
# made through a hard link, and e2fsck finds it clean
D=$HTUX_TMP/kept.ext2
htux_run --keep "$D" --rootfs disk --oci "$L:img" /bin/sh -c \
	'echo new > /data/new && echo more >> /data/link && mkdir /made && cat /data/keep && exit 3'
check_output_status "--rootfs disk: writing on the root" "kept
more" 3
got=$(debugfs -R 'cat /data/new' "$D" 2> /dev/null; debugfs -R 'cat /data/keep' "$D" 2> /dev/null)
fsck=$(e2fsck -fn "$D" 2>&1)
if [ "$got" = "new
kept
more" ] && e2fsck -fn "$D" > /dev/null 2>&1; then
	ok "... on the disk afterwards, e2fsck clean"
else
	not_ok "... on the disk afterwards, e2fsck clean" "$got" "$fsck"
fi

# 7-8: automatic: over HTUX_ROOT_DISK_OVER the root goes on a disk, with
# one line saying so; under it, in the initrd
HTUX_ROOT_DISK_OVER=64K htux_run --oci "$L:img" /bin/sh -c 'head -1 /proc/mounts'
if [ "$HTUX_STDOUT" = "/dev/vda / ext2 rw,relatime 0 0" ] && [ "$HTUX_STATUS" = 0 ] &&
	[ "$(echo "$HTUX_STDERR" | grep -c 'is an ext2 root disk, not an initrd')" = 1 ]; then
	ok "a root filesystem over the threshold goes on a disk, said in one line"
else
	not_ok "a root filesystem over the threshold goes on a disk, said in one line"
	_show_run
fi
htux_run --oci "$L:img" /bin/sh -c 'head -1 /proc/mounts'
check_output_status "... under it (512 MiB), in the initrd" "rootfs / rootfs rw 0 0" 0

# 9: another disk mounted on a directory of the root disk (vdb)
mkdir -p "$HTUX_TMP/extra" && echo extra > "$HTUX_TMP/extra/e"
mke2fs -q -t ext2 -d "$HTUX_TMP/extra" "$HTUX_TMP/extra.ext2" 4M > /dev/null 2>&1 ||
	bail_out "mke2fs failed"
htux_run --disk "$HTUX_TMP/extra.ext2:/data/mnt" --rootfs disk --oci "$L:img" \
	/bin/sh -c 'cat /data/mnt/e; grep -c "^/dev/vdb /data/mnt ext2" /proc/mounts'
check_output_status "--disk FILE:/MOUNTPOINT on the root disk" "extra
1" 0
htux_run --disk "$HTUX_TMP/extra.ext2" --rootfs disk --oci "$L:img" \
	/bin/sh -c 'cat /data/e; grep -c "^/dev/vdb /data ext2" /proc/mounts'
check_output_status "... --disk FILE (vdb) on /data, as vda without a root disk" "extra
1" 0
htux_run --machine microvm --disk "$HTUX_TMP/extra.ext2:/mnt" --rootfs disk --oci "$L:img" \
	/bin/sh -c 'cat /mnt/e; head -1 /proc/mounts'
check_output_status "... on microvm too (the root disk is vda there as well)" "extra
/dev/vda / ext2 rw,relatime 0 0" 0

# 10: htux-mkimage --rootfs disk, booted by plain QEMU (status S: 2S+1)
"$MK" -o "$HTUX_TMP/root.ext2" --rootfs disk --oci "$L:img" /bin/sh -c 'cat /data/keep; exit 4' \
	> "$HTUX_TMP/mk.out" 2>&1
qemu_root() {
	timeout -k 5 60 "$HTUX_QEMU" -m 128M -kernel "$HTUX_BUILDDIR/htux.elf" -append "$1" \
		-drive "file=$2,if=none,format=raw,id=d0" -device virtio-blk-pci,drive=d0 \
		-display none -monitor none -serial stdio -no-reboot -nodefaults \
		-device isa-debug-exit,iobase=0xf4,iosize=4 < /dev/null 2> "$HTUX_TMP/qemu.err"
}
out=$(qemu_root root=/dev/vda "$HTUX_TMP/root.ext2")
st=$?
if [ "$out" = kept ] && [ $st = 9 ]; then
	ok "htux-mkimage --rootfs disk + plain QEMU with root=/dev/vda, no initrd"
else
	not_ok "htux-mkimage --rootfs disk + plain QEMU" "status $st: $out" \
		"$(cat "$HTUX_TMP/mk.out" "$HTUX_TMP/qemu.err")"
fi

# 11-12: bad input: no such disk, a disk without ext2: one line, status 125
out=$(qemu_root root=/dev/vdb "$HTUX_TMP/root.ext2")
st=$?
check "root=/dev/vdb without a second disk: one line, status 125" \
	[ "$out" = "htux: root=/dev/vdb: there is no disk vdb (give QEMU a virtio-blk device)" \
	-a $st = 251 ]
head -c 4M /dev/zero > "$HTUX_TMP/zero.img"
out=$(qemu_root root=vda "$HTUX_TMP/zero.img")
st=$?
check "root=vda on a disk without ext2: one line, status 125" \
	[ "$out" = "htux: root=/dev/vda: the disk holds no ext2, ext3 or ext4 filesystem" \
	-a $st = 251 ]

# 13-14: the options' bad uses
htux_run --rootfs disk /bin/true
check_stderr_contains "--rootfs without --oci: usage error" \
	"htux: --rootfs goes with --oci (a container image)"
htux_run --rootfs tmpfs --oci "$L:img"
check_status "--rootfs with an unknown place: status 2" 2

# 15: nothing left behind in TMPDIR
left=$(ls "$HTUX_TMP" | grep -E 'htux-oci|htux\.')
check "no temporary files left" [ -z "$left" ]
