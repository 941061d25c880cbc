#!/bin/sh
# gen_syscalls.sh: makes the system-call sources from kernel/syscalls.list
# (its top says the format), on stdout:
#
#   gen_syscalls.sh header LIST            kernel/syscall_handlers.h: the
#       handlers' prototypes, grouped by the file that defines them;
#   gen_syscalls.sh table LIST             kernel/syscall_table.c: for each
#       call a stub call_sys_NAME(tf) that passes the argument registers of
#       the trap frame (rdi, rsi, rdx, r10, r8, r9) to sys_NAME converted to
#       its parameter types, and syscall_table, the stubs by number (a weak
#       definition: htux-mkimage --minimal links its own, see
#       tools/mkimage/minimal.c);
#   gen_syscalls.sh args LIST ERRNO_BASE_H ERRNO_H
#                                          kernel/syscall_args.c: the tracer's
#       argument kinds (kernel/strace.c), one letter per parameter, from its
#       type and name:
#         s  a NUL-terminated string read before the call (const char *)
#         b  bytes going in, as many as the next argument says (const void *buf)
#         B  bytes coming out, as many as the result says (void *buf)
#         p  any other pointer (hex, or NULL)
#         d  a signed integer, u  an unsigned one, o  a mode (octal),
#         x  flags, protections, addresses (hex)
#       and the names and messages of the errno values of the UAPI headers
#       (asm-generic/errno-base.h, asm-generic/errno.h);
#   gen_syscalls.sh doc LIST UNISTD_H      docs/syscalls.md (Markdown): every
#       call of <asm/unistd_64.h>, implemented, partial (with its note) or
#       -ENOSYS (not in the list);
#   gen_syscalls.sh files LIST             "NAME FILE" for each call
#       (tests/syscalls_list.sh);
#   gen_syscalls.sh params LIST            tests/efault_calls.h: for each call
#       with a pointer parameter, its name, number and parameters as
#       written (C initialisers for tests/progs/efault_all.c, which gives
#       every pointer parameter hostile addresses).
#
# A malformed list is reported (LIST:LINE: what) and nothing is made.
set -e
LC_ALL=C
export LC_ALL
mode=$1
list=$2
if [ $# -lt 2 ]; then
	echo "usage: gen_syscalls.sh header|table|args|doc|files|params LIST [HEADER...]" >&2
	exit 2
fi
tmp=${TMPDIR:-/tmp}/gen_syscalls.$$
trap 'rm -f "$tmp".*' EXIT

# The list as records FILE<TAB>NAME<TAB>PARAMS<TAB>NOTE<TAB>WHAT, in its
# order; PARAMS is the parameter list without its parentheses, the
# parameters joined by ", ".
awk '
function fail(at, msg) {
	printf "%s:%d: %s\n", FILENAME, at, msg > "/dev/stderr"
	bad = 1
	exit 1
}
function trim(s) {
	gsub(/[ \t]+/, " ", s)
	sub(/^ /, "", s)
	sub(/ $/, "", s)
	return s
}
function flush(   inner, n, a, i, p, out) {
	if (call == "")
		return
	if (call !~ /^[a-z0-9_]+\([^()]*\)$/)
		fail(at, "expected NAME(PARAMS), got \"" call "\"")
	name = call
	sub(/\(.*/, "", name)
	if (name in seen)
		fail(at, name " is listed twice (also at line " seen[name] ")")
	seen[name] = at
	inner = call
	sub(/^[^(]*\(/, "", inner)
	sub(/\)$/, "", inner)
	n = split(inner, a, ",")
	if (n > 6)
		fail(at, name ": more than six parameters")
	out = ""
	for (i = 1; i <= n; i++) {
		p = trim(a[i])
		if (p == "void" && n == 1) {
			out = "void"
			break
		}
		if (p !~ /^[A-Za-z_][A-Za-z0-9_ *]*[ *][A-Za-z_][A-Za-z0-9_]*$/ ||
		    p ~ /^(const|struct) [A-Za-z0-9_]+$/ ||
		    p ~ /[ *](int|long|short|char|void|unsigned|signed|const)$/)
			fail(at, name ": parameter \"" p "\" needs a type and a name")
		out = out (i > 1 ? ", " : "") p
	}
	printf "%s\t%s\t%s\t%s\t%s\n", file, name, out, note, what
	call = note = cur = ""
}
/^#/ || /^[ \t]*$/ { next }
/^[A-Za-z0-9_.\/-]+\.c:/ {
	flush()
	file = what = $0
	sub(/:.*/, "", file)
	sub(/^[^:]*:/, "", what)
	what = trim(what)
	cur = ""
	next
}
{
	t = trim($0)
}
t ~ /^partial:/ {
	if (call == "" || cur == "")
		fail(FNR, "a partial: note must follow its call")
	if (note != "")
		fail(FNR, "a second partial: note for the same call")
	note = t
	sub(/^partial: */, "", note)
	if (note == "")
		fail(FNR, "an empty partial: note")
	cur = "note"
	next
}
t ~ /^[a-z0-9_]+\(/ {
	flush()
	if (file == "")
		fail(FNR, "a call before the first FILE: line")
	call = t
	at = FNR
	cur = "call"
	next
}
{
	if (cur == "call")
		call = call " " t
	else if (cur == "note")
		note = note " " t
	else
		fail(FNR, "neither FILE:, NAME(PARAMS), partial: nor a continuation: \"" t "\"")
}
END {
	if (!bad)
		flush()
	if (bad)
		exit 1
}' "$list" > "$tmp.rec"

gen="Generated from kernel/syscalls.list by kernel/gen_syscalls.sh: do not edit."

case $mode in
header)
	echo "/* syscall_handlers.h: the prototypes of the system-call handlers, one per"
	echo " * call, grouped by the file that defines them (included by kernel/syscall.h)."
	echo " * $gen */"
	echo '#ifndef HTUX_SYSCALL_HANDLERS_H'
	echo '#define HTUX_SYSCALL_HANDLERS_H'
	echo
	echo '#include "kernel/kernel.h"'
	echo
	awk -F'\t' '{
		s = " " $3
		while (match(s, /[ (]struct [A-Za-z_][A-Za-z0-9_]*/)) {
			print substr(s, RSTART + 1, RLENGTH - 1) ";"
			s = substr(s, RSTART + RLENGTH)
		}
	}' "$tmp.rec" | sort -u
	awk -F'\t' '
	$1 != last {
		printf "\n/* %s%s */\n", $1, ($5 != "" ? ": " $5 : "")
		last = $1
	}
	{ printf "long sys_%s(%s);\n", $2, $3 }' "$tmp.rec"
	echo
	echo '#endif'
	;;
table)
	echo "/* syscall_table.c: the system-call table, indexed by the Linux x86_64"
	echo " * number, and its stubs: call_sys_NAME passes the argument registers of the"
	echo " * trap frame to sys_NAME as its parameter types. The table is a weak"
	echo " * definition: htux-mkimage --minimal links its own (tools/mkimage/minimal.c)."
	echo " * $gen */"
	echo '#include "kernel/syscall.h"'
	echo '#include "arch/x86_64/trap.h"'
	echo '#include <asm/unistd_64.h>'
	awk -F'\t' '
	BEGIN { split("rdi rsi rdx r10 r8 r9", reg, " ") }
	$1 != last {
		printf "\n/* %s%s */\n", $1, ($5 != "" ? ": " $5 : "")
		last = $1
	}
	{
		printf "long call_sys_%s(const struct trapframe *tf)\n{\n", $2
		if ($3 == "void") {
			printf "\t(void)tf;\n\treturn sys_%s();\n}\n", $2
			next
		}
		n = split($3, a, ", ")
		s = ""
		for (i = 1; i <= n; i++) {
			t = a[i]
			sub(/[A-Za-z_][A-Za-z0-9_]*$/, "", t)
			sub(/ +$/, "", t)
			s = s (i > 1 ? ", " : "") "(" t ")tf->" reg[i]
		}
		printf "\treturn sys_%s(%s);\n}\n", $2, s
	}' "$tmp.rec"
	echo
	echo '__attribute__((weak)) const syscall_fn syscall_table[SYSCALL_MAX] = {'
	awk -F'\t' '{ printf "\t[__NR_%s] = call_sys_%s,\n", $2, $2 }' "$tmp.rec"
	echo '};'
	;;
args)
	echo "/* syscall_args.c: the argument kinds of each call for the tracer"
	echo " * (kernel/strace.c) and the errno names. $gen */"
	echo '#include "kernel/strace.h"'
	echo '#include <asm/unistd_64.h>'
	echo 'const char *const syscall_args[SYSCALL_MAX] = {'
	awk -F'\t' '
	{
		n = split($3, a, ", "); s = ""
		for (i = 1; i <= n; i++) {
			t = a[i]
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
		printf "\t[__NR_%s] = \"%s\",\n", $2, s
	}' "$tmp.rec"
	echo '};'
	echo 'const char *const errno_names[ERRNO_MAX] = {'
	cat "$3" "$4" | sed -n 's/^#define[ \t]\+\(E[A-Z0-9]*\)[ \t]\+\([0-9]\+\)[ \t]*\/\*[ \t]*\(.*[^ \t]\)[ \t]*\*\/.*/\t[\2] = "\1 (\3)",/p'
	echo '};'
	;;
doc)
	# name number, in number order
	sed -n 's/^#define __NR_\([a-z0-9_]*\)[ \t]\+\([0-9]\+\).*/\1 \2/p' "$3" | sort -k2,2n > "$tmp.all"
	awk -F'\t' -v rec="$tmp.rec" -v list="$list" '
	BEGIN {
		while ((getline l < rec) > 0) {
			split(l, f, "\t")
			have[f[2]] = 1
			note[f[2]] = f[4]
		}
	}
	{
		split($0, a, " ")
		name = a[1]; nr = a[2]
		known[name] = 1
		total++
		if (!(name in have)) { st = "-ENOSYS"; nosys++; why = "" }
		else if (note[name] != "") { st = "partial"; partial++; why = note[name] }
		else { st = "implemented"; full++; why = "" }
		gsub(/\|/, "\\|", why)   # a | would end the table cell
		rows[total] = sprintf("| %s | %s | %s | %s |", nr, name, st, why)
	}
	END {
		for (name in have)
			if (!(name in known)) {
				printf "%s: %s is no x86_64 system call\n", list, name > "/dev/stderr"
				exit 1
			}
		print "# System calls"
		print ""
		print "Generated by `kernel/gen_syscalls.sh` from `<asm/unistd_64.h>` and"
		print "`kernel/syscalls.list` (`make syscalls-doc` refreshes this copy)."
		print "A call is *implemented* when it has a handler, *partial* when its"
		print "entry in the list says what is missing, and answers *-ENOSYS* otherwise."
		print ""
		printf "%d system calls: %d implemented, %d partial, %d -ENOSYS.\n", total, full, partial, nosys
		print ""
		print "| number | name | status | missing |"
		print "| ---: | --- | --- | --- |"
		for (i = 1; i <= total; i++)
			print rows[i]
	}' "$tmp.all"
	;;
files)
	cut -f2,1 "$tmp.rec" | awk -F'\t' '{ print $2, $1 }'
	;;
params)
	echo "/* efault_calls.h: the calls with pointer parameters, for"
	echo " * tests/progs/efault_all.c: { NAME, NUMBER, { PARAM... } }. $gen */"
	awk -F'\t' '$3 ~ /\*/ {
		n = split($3, a, ", "); s = ""
		for (i = 1; i <= n; i++)
			s = s (i > 1 ? ", " : "") "\"" a[i] "\""
		printf "#ifdef __NR_%s\n{ \"%s\", __NR_%s, { %s } },\n#endif\n", $2, $2, $2, s
	}' "$tmp.rec"
	;;
*)
	echo "gen_syscalls.sh: unknown mode $mode" >&2
	exit 2
	;;
esac
