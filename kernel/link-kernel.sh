#!/bin/sh
# link-kernel.sh: links htux.elf with its symbol table (installed as
# htux-link-kernel, which htux-mkimage --minimal runs too).
#
#   link-kernel.sh -T LDSCRIPT -o OUT [-r KERNEL.o] [-t TABLE.o] INPUT...
#
# With -r, the INPUTs (the kernel's objects and libgcc.a) are first joined
# into the relocatable KERNEL.o, which is then linked; without, the INPUTs
# are linked as they are. TABLE.o, when given, brings a syscall_table that
# replaces the kernel's own (a weak definition); with --gc-sections the
# handlers it leaves out are not linked in.
#
# The kernel's symbol table (kernel/ksyms.c reads it for backtraces) is
# made in two passes: a link with an empty table, nm's list of its text
# symbols turned into the table (section .rodata.ksyms, the last of
# .rodata, after all the code), and the final link; the script checks that
# no code moved between the two. LD, NM and AS may name other tools.
set -e
LD=${LD:-ld}
NM=${NM:-nm}
AS=${AS:-as}
lds= out= reloc= table=
while [ $# -gt 0 ]; do
	case $1 in
	-T) lds=$2; shift 2 ;;
	-o) out=$2; shift 2 ;;
	-r) reloc=$2; shift 2 ;;
	-t) table=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "link-kernel.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ -z "$lds" ] || [ -z "$out" ] || [ $# -eq 0 ]; then
	echo "usage: link-kernel.sh -T LDSCRIPT -o OUT [-r KERNEL.o] [-t TABLE.o] INPUT..." >&2
	exit 2
fi
if [ -n "$reloc" ]; then
	$LD -r -o "$reloc" "$@"
	set -- "$reloc"
fi
tmp=$out.ksyms
trap 'rm -f "$tmp".*' EXIT

# ksyms_table COUNT: the assembly of the table, symbols "ADDR NAME" on stdin.
ksyms_table() {
	echo '	.section .rodata.ksyms,"a"'
	echo '	.balign 8'
	echo '	.globl ksyms_count, ksyms_addr, ksyms_name'
	echo "ksyms_count: .quad $1"
	awk '{ a[NR] = $1; n[NR] = $2 }
	END {
		print "ksyms_addr:"
		for (i = 1; i <= NR; i++) print "\t.quad 0x" a[i]
		print "ksyms_name:"
		for (i = 1; i <= NR; i++) print "\t.quad .Ln" i
		for (i = 1; i <= NR; i++) print ".Ln" i ": .asciz \"" n[i] "\""
	}'
}

# text_symbols FILE: "ADDR NAME" of its code symbols, by address.
text_symbols() {
	$NM -n "$1" | awk '$2 ~ /^[tTwW]$/ && $3 !~ /^(\.L|_etext$)/ { print $1, $3 }'
}

ksyms_table 0 < /dev/null > "$tmp.0.s"
$AS -o "$tmp.0.o" "$tmp.0.s"
$LD -T "$lds" -z max-page-size=0x1000 --build-id=none -z noexecstack --no-warn-rwx-segments \
	--gc-sections -o "$tmp.1.elf" "$@" ${table:+"$table"} "$tmp.0.o"
text_symbols "$tmp.1.elf" > "$tmp.1.syms"
ksyms_table "$(wc -l < "$tmp.1.syms")" < "$tmp.1.syms" > "$tmp.s"
$AS -o "$tmp.o" "$tmp.s"
$LD -T "$lds" -z max-page-size=0x1000 --build-id=none -z noexecstack --no-warn-rwx-segments \
	--gc-sections -o "$tmp.2.elf" "$@" ${table:+"$table"} "$tmp.o"
text_symbols "$tmp.2.elf" > "$tmp.2.syms"
if ! cmp -s "$tmp.1.syms" "$tmp.2.syms"; then
	echo "link-kernel.sh: the code moved when the symbol table was added (is .rodata.ksyms after .text?)" >&2
	exit 1
fi
mv "$tmp.2.elf" "$out"
