#!/bin/bash
# ext2_abi.sh: the file programs of the differential ABI suite
# (tests/abi) run with their work directory on an ext2 disk mounted at
# /data, and print what they print on the host; the disk is clean after
# them all. fhandle sets ext2's file handles against the host tmpfs's.
# Left out: renameat2 (ext2 refuses RENAME_EXCHANGE with EINVAL, as
# Linux's ext2 does, where the host's tmpfs swaps), link and stat_fields
# (they print directory sizes, a tmpfs's on the host), xattr (not kept on
# ext2 disks).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
PATH=$PATH:/sbin:/usr/sbin
command -v mke2fs >/dev/null 2>&1 && command -v e2fsck >/dev/null 2>&1 ||
	skip_all "mke2fs/e2fsck (e2fsprogs) are not installed"

PROGS="mkdir rename symlink truncate unlink_rmdir mknod tmpfile pread_pwrite lseek
	open_flags utimes statx_fields readv_writev fallocate getdents sendfile
	mmap_file cwd chown umask_access flock mmap_sigbus efault dnotify inotify rwv2 openat2
	chroot aio fhandle"
set -- $PROGS
plan $(($# + 1))

ABI_DIR=$HTUX_SRCDIR/tests/abi
IMG=$HTUX_TMP/disk.img
mke2fs -q -t ext2 "$IMG" 32M > /dev/null 2>&1 || bail_out "mke2fs failed"
host_base=$HTUX_TMP
if [ -d /dev/shm ] && [ -w /dev/shm ] &&
	[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
	host_base=$(mktemp -d /dev/shm/htux-abi.XXXXXX) || host_base=$HTUX_TMP
	trap '_s=$?; rm -rf "$host_base"; (exit $_s); _tap_exit' EXIT
fi

for name in "$@"; do
	if ! build_static "abi-$name" "$ABI_DIR/$name.c" musl -I"$ABI_DIR"; then
		not_ok "$name: builds"
		continue
	fi
	prog=$HTUX_TMP/abi-$name
	work=$host_base/$name
	rm -rf "$work"
	want=$(cd / && timeout -k 5 60 "$prog" "$work" 2>/dev/null </dev/null)
	want_st=$?
	rm -rf "$work"
	htux_run --disk "$IMG" "$prog" "/data/$name"
	if [ "$HTUX_STDOUT" = "$want" ] && [ "$HTUX_STATUS" = "$want_st" ]; then
		ok "$name on an ext2 disk"
	else
		not_ok "$name on an ext2 disk" "host status $want_st, htux status $HTUX_STATUS" \
			"diff host htux:" "$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$HTUX_STDOUT"))" \
			"htux stderr:" "$HTUX_STDERR"
	fi
done
if e2fsck -fn "$IMG" > "$HTUX_TMP/fsck.log" 2>&1; then
	ok "e2fsck -fn clean after them all"
else
	not_ok "e2fsck -fn clean after them all" "$(cat "$HTUX_TMP/fsck.log")"
fi
