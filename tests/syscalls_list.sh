#!/bin/sh
# tests/syscalls_list.sh: kernel/syscalls.list, the one list of system calls
# (kernel/gen_syscalls.sh makes the prototypes, the table, the tracer's
# argument kinds and docs/syscalls.md from it), agrees with the sources:
# each handler sys_NAME is defined ("long sys_NAME(" at the start of a
# line) in the file its group names, that file includes kernel/syscall.h
# (so the compiler checks the definition against the generated prototype),
# every handler defined in kernel/, fs/ and net/ is listed, docs/syscalls.md
# is what `make syscalls-doc` writes, and a malformed list is refused.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
plan 6
T=$HTUX_TMP
S=$HTUX_SRCDIR
LIST=$S/kernel/syscalls.list
GEN=$S/kernel/gen_syscalls.sh

if sh "$GEN" files "$LIST" > "$T/listed" 2> "$T/err" && [ -s "$T/listed" ]; then
	ok "the list reads ($(wc -l < "$T/listed") calls)"
else
	not_ok "the list reads" "$(cat "$T/err")"
fi
sort "$T/listed" > "$T/listed.sorted"

# NAME FILE for every handler definition in the tree (not lwIP's sources).
(cd "$S" && find kernel fs net -name '*.c' ! -path 'net/lwip-*' | sort |
	xargs grep -H '^long sys_[a-z0-9_]*(' |
	sed 's/^\([^:]*\):long sys_\([a-z0-9_]*\)(.*/\2 \1/') | sort > "$T/defined"

# Each listed call has its definition in the file the list names.
missing=$(comm -23 "$T/listed.sorted" "$T/defined")
if [ -z "$missing" ]; then
	ok "every handler is defined in the file the list names"
else
	not_ok "every handler is defined in the file the list names" \
		"listed (NAME FILE) but no \"long sys_NAME(\" line in FILE:" "$missing" \
		"definitions found for those names:" \
		"$(for n in $(echo "$missing" | cut -d' ' -f1); do grep "^$n " "$T/defined"; done)"
fi

# ... which includes kernel/syscall.h, so the prototypes are checked.
bad=
for f in $(cut -d' ' -f2 "$T/listed" | sort -u); do
	grep -q '^#include "kernel/syscall.h"' "$S/$f" 2> /dev/null || bad="$bad $f"
done
check "every file that defines a handler includes kernel/syscall.h${bad:+ (not:$bad)}" \
	[ -z "$bad" ]

# No handler is defined but left out of the list (and so of the table).
extra=$(cut -d' ' -f1 "$T/listed" | sort > "$T/names"
	cut -d' ' -f1 "$T/defined" | sort -u | comm -13 "$T/names" -)
if [ -z "$extra" ]; then
	ok "every handler defined is listed"
else
	not_ok "every handler defined is listed" "defined but not in kernel/syscalls.list:" "$extra"
fi

# docs/syscalls.md is up to date (the build makes kernel/syscalls.md).
if [ ! -f "$HTUX_BUILDDIR/kernel/syscalls.md" ]; then
	not_ok "docs/syscalls.md is up to date" "$HTUX_BUILDDIR/kernel/syscalls.md not built"
elif cmp -s "$HTUX_BUILDDIR/kernel/syscalls.md" "$S/docs/syscalls.md"; then
	ok "docs/syscalls.md is up to date"
else
	not_ok "docs/syscalls.md is up to date (make syscalls-doc refreshes it)" \
		"$(diff "$S/docs/syscalls.md" "$HTUX_BUILDDIR/kernel/syscalls.md" | head -20)"
fi

# A malformed list: the generator names the line and makes nothing.
cat > "$T/bad.list" <<'EOF'
kernel/sys/file.c: descriptors
	read(int fd, void *buf, size_t n)
	write(int, const void *buf, size_t n)
EOF
if sh "$GEN" header "$T/bad.list" > "$T/bad.h" 2> "$T/bad.err"; then
	not_ok "a parameter without a name is refused" "generated:" "$(cat "$T/bad.h")"
else
	check "a parameter without a name is refused ($(cat "$T/bad.err"))" \
		grep -q 'bad.list:3: write: parameter "int" needs a type and a name' "$T/bad.err"
fi
