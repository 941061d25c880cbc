#!/bin/sh
# tests/layers.sh: the syscall layer sits on top (docs/design.md, "Layers").
# Only the syscall layer (kernel/sys/ and net/socket.c) defines sys_
# functions and includes kernel/sys/ headers, and nothing below it calls up
# into kernel/sys/: the functions kernel/sys/*.c defines are called from
# outside it only as listed in ALLOWED below, leftovers that are to go (an
# entry no longer needed fails too, so the lists only shrink). The calls are
# read from the symbols of the built objects (nm), the rest from the sources.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
plan 3
T=$HTUX_TMP
S=$HTUX_SRCDIR
B=$HTUX_BUILDDIR

# Files outside kernel/sys/ that still define handlers (none now; a name
# here must be a file that does, and is to lose them).
ALLOWED_HANDLERS='
'

# Upward calls still there (FUNCTION CALLER): per-process state (resource
# limits, nice and policy, capabilities, the command name) kept in
# kernel/sys/ until it moves into struct proc (kernel/proc.[ch]).
ALLOWED_CALLS='
'

in_layer() {
	case $1 in
	kernel/sys/*|net/socket.c) return 0 ;;
	esac
	return 1
}

# The kernel's sources below the syscall layer (lwIP's aside).
(cd "$S" && find arch drivers fs kernel net -name '*.[ch]' ! -path 'net/lwip-*' | sort) |
	while read -r f; do in_layer "$f" || echo "$f"; done > "$T/below"

# 1. No kernel/sys/ header included from below.
bad=$(cd "$S" && xargs grep -l '#include *"kernel/sys/' < "$T/below")
check "no file outside the syscall layer includes a kernel/sys/ header${bad:+ (}$bad${bad:+)}" \
	[ -z "$bad" ]

# 2. No sys_ function defined below, but for the handler files listed.
# (lwIP's port interface has names of its own: sys_now, sys_arch_*.)
(cd "$S" && xargs grep -H '^[a-z][a-z0-9_ ]*[ *]sys_[a-z0-9_]*(.*[^;]$' < "$T/below") |
	grep -Ev ':[a-z0-9_ ]*[ *](sys_now|sys_arch_[a-z0-9_]*)\(' | cut -d: -f1 | sort -u > "$T/defs"
echo "$ALLOWED_HANDLERS" | sed '/^$/d' | sort > "$T/allowed_defs"
new=$(comm -23 "$T/defs" "$T/allowed_defs")
gone=$(comm -13 "$T/defs" "$T/allowed_defs")
if [ -z "$new$gone" ]; then
	ok "sys_ functions are defined only in the syscall layer ($(wc -l < "$T/defs") files allowed)"
else
	not_ok "sys_ functions are defined only in the syscall layer" \
		"${new:+defining sys_ functions outside kernel/sys/: $new}" \
		"${gone:+no longer defining any (drop from ALLOWED_HANDLERS): $gone}"
fi

# 3. Upward calls: symbols the objects of kernel/sys/ define that the objects
# below use, against ALLOWED_CALLS.
defs=$(cd "$B" && find kernel/sys -name 'htux_elf-*.o')
if [ -z "$defs" ]; then
	not_ok "no upward calls into kernel/sys/" "no objects in $B/kernel/sys (build first)"
	exit
fi
(cd "$B" && nm -g --defined-only $defs) | awk '$2 ~ /^[TDBRC]$/ { print $3 }' | sort -u > "$T/up"
(cd "$B" && find arch drivers fs kernel net -name 'htux_elf-*.o' | sort) | while read -r o; do
	src=$(echo "$o" | sed 's|htux_elf-||; s|\.o$|.c|')
	# the table the dispatcher calls handlers from is the layer's own
	in_layer "$src" || [ "$src" = kernel/syscall_table.c ] && continue
	nm -u "$B/$o" | awk '{ print $2 }' | sort -u | comm -12 - "$T/up" | sed "s|\$| $src|"
done | sort > "$T/calls"
echo "$ALLOWED_CALLS" | sed '/^$/d' | sort > "$T/allowed_calls"
new=$(comm -23 "$T/calls" "$T/allowed_calls")
gone=$(comm -13 "$T/calls" "$T/allowed_calls")
if [ -z "$new$gone" ]; then
	ok "no upward calls into kernel/sys/ but the $(wc -l < "$T/calls") allowed"
else
	not_ok "no upward calls into kernel/sys/ but those allowed" \
		"${new:+new (FUNCTION CALLER): move FUNCTION to the owner of its object: $new}" \
		"${gone:+gone (drop from ALLOWED_CALLS): $gone}"
fi
