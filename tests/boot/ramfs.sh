#!/bin/bash
# ramfs.sh: the RAM filesystem's size limit (half of memory, as tmpfs's
# default): filling it ends in ENOSPC (not ENOMEM, nor the OOM kill),
# statfs says it is full, and the room comes back when the file goes.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
plan 1
build_static fillfs progs/fillfs.c || bail_out "cannot build fillfs"
htux_run -m 128M "$HTUX_TMP/fillfs"
check_output_status "filling /tmp: ENOSPC, full, room back after unlink" \
"first fill: ENOSPC after more than 8 MiB
statfs: full
after unlink: ENOSPC, same room: yes" 0
