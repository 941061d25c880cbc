#!/bin/sh
# gen_syscall_args.sh: writes the C tables the syscall tracer decodes with
# (kernel/strace.c): for each handler declared in kernel/syscall.h ($1), one
# letter per argument, from its C type:
#   s  a NUL-terminated string read before the call (const char *)
#   b  bytes going in, as many as the next argument says (const void *buf)
#   B  bytes coming out, as many as the result says (void *buf)
#   p  any other pointer (hex, or NULL)
#   d  a signed integer, u  an unsigned one, o  a mode (octal),
#   x  flags, protections, addresses (hex)
# and the names and messages of the errno values in the UAPI headers $2
# (asm-generic/errno-base.h) and $3 (asm-generic/errno.h).
set -e
echo '/* Generated from '"$1"', '"$2"' and '"$3"' by kernel/gen_syscall_args.sh: do not edit. */'
echo '#include "kernel/strace.h"'
echo '#include <asm/unistd_64.h>'
echo 'const char *const syscall_args[SYSCALL_MAX] = {'
tr '\n' ' ' < "$1" | tr ';' '\n' | sed -n 's/.*long sys_\([a-z0-9_]*\)(\(.*\)).*/\1|\2/p' | awk -F'|' '
{
	name = $1; n = split($2, a, ","); s = ""
	for (i = 1; i <= n; i++) {
		t = a[i]; gsub(/[ \t]+/, " ", t); gsub(/^ | $/, "", t)
		if (t == "void") continue
		if (t ~ /^const char \*/) c = "s"
		else if (t ~ /^const void \*buf$/) c = "b"
		else if (t ~ /^void \*buf$/) c = "B"
		else if (t ~ /\*/) c = "p"
		else if (t ~ / (flags|prot)$/) c = "x"
		else if (t ~ / mode$/) c = "o"
		else if (t ~ /^(unsigned long|uint64_t) /) c = "x"
		else if (t ~ /^(unsigned|size_t|uint32_t|unsigned int) /) c = "u"
		else c = "d"
		s = s c
	}
	printf "\t[__NR_%s] = \"%s\",\n", name, s
}'
echo '};'
echo 'const char *const errno_names[ERRNO_MAX] = {'
cat "$2" "$3" | sed -n 's/^#define[ \t]\+\(E[A-Z0-9]*\)[ \t]\+\([0-9]\+\)[ \t]*\/\*[ \t]*\(.*[^ \t]\)[ \t]*\*\/.*/\t[\2] = "\1 (\3)",/p'
echo '};'
