#!/bin/bash
# ext4_crash.sh: tests/boot/ext3_crash.sh on ext4 images as Debian's
# mkfs.ext4 makes them (extents, flex_bg, 64bit, metadata_csum, a jbd2
# journal): QEMU killed with SIGKILL during the crashfs workload, then
# after e2fsck's replay and after htux's, e2fsck -fn clean (exit 0), and
# every fsync'd file intact. EXT4_CRASH_TRIALS (default 5) sets the
# number of trials: the soak run is
#   EXT4_CRASH_TRIALS=20 make check TESTS=tests/boot/ext4_crash.sh
export CRASH_FSTYPE=ext4 EXT3_CRASH_TRIALS=${EXT4_CRASH_TRIALS:-5}
export EXT3_CRASH_SEED=${EXT4_CRASH_SEED:-${EXT3_CRASH_SEED:-7}}
exec bash "${HTUX_SRCDIR:-.}/tests/boot/ext3_crash.sh"
