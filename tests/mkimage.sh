#!/bin/sh
# tests/mkimage.sh: htux-mkimage refuses bad programs with one clear line
# and a non-zero status, and writes the right archive for a good one.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"

M=$HTUX_BUILDDIR/htux-mkimage
[ -x "$M" ] || bail_out "$M not built"
T=$HTUX_TMP
cd "$T" || bail_out "cd $T"

# A static x86-64 program, if one can be built here.
good=
printf 'int main(void) { return 0; }\n' > good.c
for kind in musl glibc; do
	if build_static good good.c $kind 2>/dev/null; then
		good=$T/good
		break
	fi
done
has_cpio=
command -v cpio >/dev/null 2>&1 && has_cpio=1

# expect_error DESCRIPTION [2:]MESSAGE ARG...: htux-mkimage ARG... fails
# with status 1 (2 when MESSAGE starts with "2:", a usage error), prints
# exactly the one line "htux-mkimage: MESSAGE" and leaves no image.
expect_error() {
	_d=$1 _m=$2 _want=1
	shift 2
	case $_m in
	2:*) _want=2 _m=${_m#2:} ;;
	esac
	rm -f out.cpio
	"$M" "$@" > stdout 2> stderr
	_st=$?
	_err=$(cat stderr)
	if [ "$_st" = "$_want" ] && [ "$_err" = "htux-mkimage: $_m" ] &&
	   [ ! -s stdout ] && [ "$(wc -l < stderr)" = 1 ] &&
	   [ -z "$(ls out.cpio* nodir 2>/dev/null)" ]; then
		ok "$_d"
	else
		not_ok "$_d" "expected status $_want and: htux-mkimage: $_m" \
			"got status $_st and: $_err" "files: $(ls | tr '\n' ' ')"
	fi
}

# mkelf FILE CLASS MACHINE TYPE: an executable file holding only an ELF
# header of CLASS (1 or 2), little endian; MACHINE and TYPE are octal
# byte escapes.
mkelf() {
	if [ "$2" = 2 ]; then
		# e_ident[16], e_type, e_machine, e_version, e_entry, e_phoff,
		# e_shoff, e_flags, e_ehsize 64, e_phentsize 56, e_phnum 0,
		# e_shentsize 64, e_shnum 0, e_shstrndx 0
		printf "\177ELF\002\001\001\000\000\000\000\000\000\000\000\000$4\000$3\000\001\000\000\000\000\020\100\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\100\000\070\000\000\000\100\000\000\000\000\000" > "$1"
	else
		# the same for ELF32: 4-byte addresses, e_ehsize 52,
		# e_phentsize 32, e_shentsize 40
		printf "\177ELF\001\001\001\000\000\000\000\000\000\000\000\000$4\000$3\000\001\000\000\000\000\020\100\000\000\000\000\000\000\000\000\000\000\000\000\000\064\000\040\000\000\000\050\000\000\000\000\000" > "$1"
	fi
	chmod +x "$1"
}

printf 'hello\n' > text
chmod +x text
mkelf arm64 2 '\267' '\002'
mkelf i386 1 '\003' '\002'
mkelf x32 1 '\076' '\002'
mkelf core 2 '\076' '\004'
mkdir adir

expect_error "missing program" "./nosuch: No such file or directory" -o out.cpio ./nosuch
expect_error "program not in PATH" "nosuch-htux-prog: not found in PATH" -o out.cpio nosuch-htux-prog
expect_error "text file" "./text: not an ELF file (htux runs x86-64 Linux ELF programs)" -o out.cpio ./text
expect_error "aarch64 ELF" "./arm64: wrong architecture: aarch64 (htux runs x86-64 programs)" -o out.cpio ./arm64
expect_error "i386 ELF" "./i386: wrong architecture: i386 (htux runs x86-64 programs)" -o out.cpio ./i386
expect_error "32-bit x86-64 (x32) ELF" "./x32: not a 64-bit program (ELFCLASS32, x32 ABI is not supported)" -o out.cpio ./x32
expect_error "core file" "./core: a core dump, not a program" -o out.cpio ./core
expect_error "directory" "./adir: is a directory, not a program" -o out.cpio ./adir
expect_error "device" "/dev/null: not a regular file" -o out.cpio /dev/null
expect_error "usage: no -o" "2:missing -o IMAGE (see --help)" ./text
expect_error "usage: no PROG" "2:missing PROG (see --help)" -o out.cpio
expect_error "usage: bad -e" "2:-e FOO: expected NAME=VALUE" -o out.cpio -e FOO ./text
expect_error "usage: unknown option" "2:unknown option --bogus (see --help)" --bogus -o out.cpio ./text

if [ -z "$good" ]; then
	for d in "not executable" "dynamic program" "object file" \
		"missing --add" "--add into /dev" "output directory missing" "good program"; do
		skip "$d" "no static C compiler"
	done
else
	cp "$good" noexec
	chmod -x noexec
	expect_error "not executable" "./noexec: not executable (no x permission)" -o out.cpio ./noexec
	interp=
	if ${CC:-cc} -o dyn good.c 2>/dev/null; then
		interp=$(LC_ALL=C readelf -l dyn 2>/dev/null |
			sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
	fi
	if [ -n "$interp" ]; then
		# packed with its loader (the closure is tested in boot/dynamic.sh)
		if "$M" -o dyn.cpio ./dyn 2> stderr && [ ! -s stderr ] &&
		   { [ -z "$has_cpio" ] || cpio -it < dyn.cpio 2>/dev/null | grep -qx "$interp"; }; then
			ok "dynamic program"
		else
			not_ok "dynamic program" "$(cat stderr)"
		fi
		rm -f dyn.cpio
	else
		skip "dynamic program" "cannot build a dynamic program"
	fi
	# The same program with its DT_STRTAB entry renamed (DT_DEBUG): its
	# DT_NEEDED names have no string table. Once a crash freeing the
	# names never read.
	if [ -n "$interp" ] && command -v python3 >/dev/null 2>&1 &&
	   python3 - dyn nostrtab <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
phoff, = struct.unpack_from('<Q', b, 32)
phentsize, phnum = struct.unpack_from('<HH', b, 54)
for i in range(phnum):
    o = phoff + i * phentsize
    if struct.unpack_from('<I', b, o)[0] != 2:      # PT_DYNAMIC
        continue
    off, size = struct.unpack_from('<Q', b, o + 8)[0], struct.unpack_from('<Q', b, o + 32)[0]
    for k in range(off, off + size, 16):
        if struct.unpack_from('<q', b, k)[0] == 5:  # DT_STRTAB -> DT_DEBUG
            struct.pack_into('<q', b, k, 21)
open(sys.argv[2], 'wb').write(b)
EOF
	then
		chmod +x nostrtab
		expect_error "DT_NEEDED without DT_STRTAB" \
			"./nostrtab: damaged dynamic section (DT_STRTAB)" -o out.cpio ./nostrtab
	else
		skip "DT_NEEDED without DT_STRTAB" "no dynamic program or python3"
	fi
	if ${CC:-cc} -c -o obj.o good.c 2>/dev/null && chmod +x obj.o; then
		expect_error "object file" "./obj.o: a relocatable object (.o), not a program" -o out.cpio ./obj.o
	else
		skip "object file" "cannot compile"
	fi
	expect_error "missing --add" "$T/nosuch: No such file or directory" -o out.cpio --add nosuch ./good
	expect_error "--add into /dev" \
		"$T/good.c: cannot be added as /dev/x: the guest's kernel makes its own /dev" \
		-o out.cpio --add good.c:/dev/x ./good
	expect_error "output directory missing" "nodir/out.cpio: cannot create: No such file or directory" -o nodir/out.cpio ./good

	# A good image: the program, a tree with a symlink, manifests.
	mkdir -p tree/sub
	echo data > tree/sub/file
	ln -s sub/file tree/link
	if "$M" -o out.cpio -e HOME=/root -e TZ=UTC --add tree:/srv/t \
		./good one '' 'three 3' 2> stderr && [ ! -s stderr ]; then
		ok "good program"
	else
		not_ok "good program" "$(cat stderr)"
	fi
fi

if [ -z "$good" ] || [ -z "$has_cpio" ]; then
	for d in "listing" "parents first, once" "argv manifest" \
		"env manifest" "symlink kept" "no temporary file left"; do
		skip "$d" "no static C compiler or no cpio"
	done
	exit 0
fi

cpio -it < out.cpio > list 2>/dev/null
missing=
for name in "$T" "$T/good" /srv /srv/t /srv/t/link /srv/t/sub \
	/srv/t/sub/file /.htux /.htux/argv /.htux/env; do
	grep -qx "$name" list || missing="$missing $name"
done
if [ -z "$missing" ] && [ "$(tail -n 1 list)" = "/.htux/env" ]; then
	ok "listing"
else
	not_ok "listing" "missing:$missing" "got:" "$(cat list)"
fi
# Every name once, each after its parent directory.
bad=$(awk '
	{ if (seen[$0]++) print "twice: " $0
	  p = $0; sub("/[^/]*$", "", p)
	  if (p != "" && !seen[p]) print "before its parent: " $0 }' list)
if [ -z "$bad" ]; then
	ok "parents first, once"
else
	not_ok "parents first, once" "$bad"
fi
printf '%s\0' "$T/good" ./good one '' 'three 3' > argv.want
cpio -i --quiet --absolute-filenames --to-stdout /.htux/argv < out.cpio > argv.got
if cmp -s argv.want argv.got; then
	ok "argv manifest"
else
	not_ok "argv manifest" "got: $(od -c argv.got)"
fi
printf '%s\0' PATH=/usr/local/bin:/usr/bin:/bin HOME=/root TZ=UTC > env.want
cpio -i --quiet --absolute-filenames --to-stdout /.htux/env < out.cpio > env.got
if cmp -s env.want env.got; then
	ok "env manifest"
else
	not_ok "env manifest" "got: $(od -c env.got)"
fi
case $(cpio -itv < out.cpio 2>/dev/null | grep ' /srv/t/link') in
lrwxrwxrwx*" /srv/t/link -> sub/file") ok "symlink kept" ;;
*) not_ok "symlink kept" "$(cpio -itv < out.cpio 2>&1)" ;;
esac
if [ -z "$(ls out.cpio.* 2>/dev/null)" ]; then
	ok "no temporary file left"
else
	not_ok "no temporary file left" "$(ls)"
fi
