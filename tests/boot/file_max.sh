#!/bin/bash
# file_max.sh: the system-wide limit on open files (fs/fd.c): file-max
# and file-nr in /proc/sys/fs, ENFILE for an unprivileged user who reaches
# it (open, pipe, socket), root still opening, and the count given back
# (tests/progs/file_max.c, in a 128 MiB VM: file-max is a tenth of
# memory at 1 KiB a file, at least 8192, as on Linux).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
plan 1

build_static file_max progs/file_max.c musl || bail_out "cannot build file_max"
htux_run -m 128M "$HTUX_TMP/file_max"
check_output_status "ENFILE at fs.file-max for a user, not for root; file-nr counts" \
	"file-max at least 8192, file-nr's max the same: yes
an open counts: yes
user: open until ENFILE, file-nr at the max: yes
user: pipe ENFILE
user: socket ENFILE
root at the max: open ok
user: after a close, open ok
user child: 0
all given back: yes" 0
