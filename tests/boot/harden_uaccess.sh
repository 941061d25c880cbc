#!/bin/bash
# harden_uaccess.sh: system calls copying from or to a file mapping race
# other threads (tests/progs/uaccess_race.c), the file on an ext2 disk (a
# first touch of a page sleeps on the disk read, and the others run
# meanwhile) and in memory (minifs). A write() from a window that another
# thread unmaps, or a read() into it, returns all, a short count or
# EFAULT, never a kernel fault, and leaves no page mapped once munmap has
# returned (a fault that slept must not install one); a pipe written from
# a mapping while another thread reads it, and a pipe, a socket pair and a
# TCP connection read into mappings by two threads, pass every byte once.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
PATH=$PATH:/sbin:/usr/sbin
command -v mke2fs >/dev/null 2>&1 || skip_all "mke2fs (e2fsprogs) is not installed"
plan 5

build_static uaccess_race progs/uaccess_race.c musl || bail_out "cannot build uaccess_race"
PROG=$HTUX_TMP/uaccess_race
IMG=$HTUX_TMP/disk.img
mkdir -p "$HTUX_TMP/src"
head -c 8388608 /dev/urandom > "$HTUX_TMP/src/big.bin"
mke2fs -q -t ext2 -d "$HTUX_TMP/src" "$IMG" 32M > /dev/null 2>&1 || bail_out "mke2fs failed"

# check_race DESCRIPTION: the last run counted its outcomes and ended.
check_race() {
	if [ "$HTUX_STATUS" = 0 ] &&
		printf '%s\n' "$HTUX_STDOUT" | grep -Eq '^full [0-9]+ short [0-9]+ efault [0-9]+$' &&
		printf '%s\n' "$HTUX_STDOUT" | grep -q '^pages left after munmap: 0$' &&
		[ "$(printf '%s\n' "$HTUX_STDOUT" | tail -n 1)" = done ]; then
		ok "$1"
		diag "$(printf '%s\n' "$HTUX_STDOUT" | head -n 1)"
	else
		not_ok "$1" "status $HTUX_STATUS"
		_show_run
	fi
}

htux_run --disk "$IMG" "$PROG" unmap /data/big.bin 12
check_race "write/read of a window of an ext2 file that another thread unmaps (12 times)"
htux_run --disk "$IMG" "$PROG" pipe /data/big.bin
check_output_status "a pipe written from, a pipe and a socket read into mappings of an ext2 file, racing" \
	"from a mapping: same
into a mapping from a pipe: same
into a mapping from a socket: same
done" 0
htux_run --disk "$IMG" "$PROG" tcp /data/big.bin
check_output_status "a TCP connection read into a mapping of an ext2 file by two threads" \
	"into a mapping from a TCP socket: same
done" 0
htux_run "$PROG" unmap /tmp/big.bin 12 make
check_race "write/read of a window of an in-memory file that another thread unmaps (12 times)"
htux_run "$PROG" pipe /tmp/big.bin 8 make
check_output_status "a pipe written from, a pipe and a socket read into mappings of an in-memory file" \
	"from a mapping: same
into a mapping from a pipe: same
into a mapping from a socket: same
done" 0
