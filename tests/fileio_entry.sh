#!/bin/sh
# tests/fileio_entry.sh: the file layer's file_read/file_write (fs/rw.c)
# are the one way into a file's data: no other kernel source calls a
# struct file_ops read or write (or takes one to call later), so the rules
# there (access mode, stream or position, offset overflow, O_APPEND, the
# position's move) cannot be skipped or repeated. The allow-list below
# names each file that may, and why.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
plan 3
T=$HTUX_TMP
S=$HTUX_SRCDIR

# FILE  reason
cat > "$T/allow" <<'LIST'
fs/rw.c          the entry itself: file_read and file_write call the ops
fs/blockdev.c    struct blkdev_ops (a disk's sectors), not a file's ops
fs/ext2/super.c  struct blkdev_ops: the superblock's sectors on the disk
fs/ext2/journal.c  struct blkdev_ops: the jbd2 journal's blocks (replay)
fs/ext2/jwrite.c   struct blkdev_ops: the jbd2 journal's blocks (logging)
LIST

# FILE:LINE:text of each call "->read(" / "->write(" and each op taken
# into a variable ("= f->ops->read;"), comments aside, in DIR.
calls() {
	(cd "$1" && find kernel fs net drivers arch -name '*.[ch]' ! -path 'net/lwip-*' 2>/dev/null |
		sort | xargs grep -n -e '->\(read\|write\)[[:space:]]*(' \
			-e '=[[:space:]]*[A-Za-z0-9_>.-]*->\(read\|write\)[[:space:]]*;' |
		grep -v '^[^:]*:[0-9]*:[[:space:]]*\(/\*\|\*\)')
}

calls "$S" > "$T/found"
cut -d' ' -f1 "$T/allow" > "$T/allowed"
bad=$(cut -d: -f1 "$T/found" | sort -u | grep -vxF -f "$T/allowed" |
	while read -r f; do grep "^$f:" "$T/found"; done)
if [ -z "$bad" ]; then
	ok "no file outside the file layer calls a file's ops->read/ops->write"
else
	not_ok "no file outside the file layer calls a file's ops->read/ops->write" \
		"call file_read/file_write (fs/vfs.h) instead, or allow-list with a reason:" "$bad"
fi

# The entry is where the calls are (the search finds what it looks for).
if grep -q '^fs/rw.c:.*ops->read(' "$T/found" && grep -q '^fs/rw.c:.*ops->write(' "$T/found"; then
	ok "fs/rw.c calls the ops"
else
	not_ok "fs/rw.c calls the ops" "$(cat "$T/found")"
fi

# A planted direct call, and a planted taken op, are found.
mkdir -p "$T/tree/kernel/sys" "$T/tree/fs"
printf 'static void f(struct file *f)\n{\n\tf->ops->write(f, "x", 1, 0, false);\n}\n' \
	> "$T/tree/kernel/sys/planted.c"
printf 'static void *g(struct file *f)\n{\n\tvoid *p = f->ops->read;\n\treturn p;\n}\n' \
	> "$T/tree/fs/taken.c"
calls "$T/tree" > "$T/planted"
if grep -q '^kernel/sys/planted.c:3:' "$T/planted" && grep -q '^fs/taken.c:3:' "$T/planted"; then
	ok "the search finds a planted call and a taken op"
else
	not_ok "the search finds a planted call and a taken op" "$(cat "$T/planted")"
fi
