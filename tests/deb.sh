#!/bin/bash
# deb.sh: the Debian package. Builds it from the checkout's files with
# dpkg-buildpackage (a copy of the tracked files, in $HTUX_TMP), checks it
# with lintian, extracts it with dpkg-deb -x and runs programs from the
# extracted tree (no HTUX_KERNEL: the launcher and htux-mkimage find the
# kernel's files relative to themselves, as in a moved installation), and
# checks the manual pages and the bash completion it installs.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
for t in dpkg-buildpackage dpkg-deb lintian dh git groff; do
	command -v $t > /dev/null || skip_all "$t is missing (tools/install-deps installs it)"
done
git -C "$HTUX_SRCDIR" rev-parse --git-dir > /dev/null 2>&1 ||
	skip_all "the sources are not a git checkout (the package is built from its files)"
[ -f /usr/share/bash-completion/bash_completion ] ||
	skip_all "bash-completion is missing (tools/install-deps installs it)"
plan 10

# The lwIP source the build used (the package build runs with a HOME of
# debhelper's own, so the cache is named explicitly).
lwip=$(cat "$HTUX_BUILDDIR/net/lwip-src" 2> /dev/null)
[ -n "$lwip" ] && export HTUX_LWIP_CACHE=$(dirname "$(dirname "$lwip")")

S=$HTUX_TMP/src/htux
mkdir -p "$S" && (cd "$HTUX_SRCDIR" && git ls-files -z | cpio -pdm0 --quiet "$S") ||
	bail_out "cannot copy the sources"
if (cd "$S" && DEB_BUILD_OPTIONS="nocheck noautodbgsym parallel=2" \
	dpkg-buildpackage -us -uc -b > "$HTUX_TMP/build.log" 2>&1); then
	ok "dpkg-buildpackage -us -uc -b builds $(cd "$HTUX_TMP/src" && ls htux_*_amd64.deb)"
else
	not_ok "dpkg-buildpackage builds the package" "$(tail -30 "$HTUX_TMP/build.log")"
	bail_out "no package"
fi
DEB=$(ls "$HTUX_TMP"/src/htux_*_amd64.deb)

if lintian --fail-on error "$DEB" > "$HTUX_TMP/lintian.log" 2>&1 &&
	! grep -q '^E:' "$HTUX_TMP/lintian.log"; then
	ok "lintian: no errors ($(grep -c '^W:' "$HTUX_TMP/lintian.log") warnings)"
else
	not_ok "lintian: no errors" "$(cat "$HTUX_TMP/lintian.log")"
fi

deps=$(dpkg-deb -f "$DEB" Depends)
case $deps in
*qemu-system-x86*libcapstone4*libelf1*) ok "Depends: $deps" ;;
*) not_ok "Depends names QEMU, Capstone and libelf" "Depends: $deps" ;;
esac

X=$HTUX_TMP/x
dpkg-deb -x "$DEB" "$X" || bail_out "dpkg-deb -x failed"
missing=
for f in usr/bin/htux usr/bin/htux-mkimage usr/lib/htux/htux.elf usr/lib/htux/htux-kernel.o \
	usr/lib/htux/kernel.ld usr/lib/htux/link-kernel.sh usr/share/man/man1/htux.1.gz \
	usr/share/man/man1/htux-mkimage.1.gz usr/share/bash-completion/completions/htux \
	usr/share/bash-completion/completions/htux-mkimage usr/share/doc/htux/copyright; do
	[ -f "$X/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "the package holds the kernel, the tools, man pages and completion" ||
	not_ok "the package's files" "missing:$missing"

build_static hello progs/hello.c musl || bail_out "cannot build hello"
OUT=$(unset HTUX_KERNEL; timeout 120 "$X/usr/bin/htux" run -e WHO=deb "$HTUX_TMP/hello" a \
	< /dev/null 2> "$HTUX_TMP/err")
ST=$?
[ "$ST" = 0 ] && [ "$OUT" = "hello, deb
argv[1]=a" ] && ok "the extracted htux runs a program with its own kernel" ||
	not_ok "the extracted htux runs a program" "status $ST, got: $OUT" "$(cat "$HTUX_TMP/err")"

# --minimal links a kernel from the installed objects: found relative to
# htux-mkimage, booted with plain QEMU.
if (unset HTUX_KERNEL; "$X/usr/bin/htux-mkimage" -o "$HTUX_TMP/h.cpio" \
	--minimal "$HTUX_TMP/min.elf" "$HTUX_TMP/hello" > "$HTUX_TMP/min.log" 2>&1); then
	OUT=$(timeout 60 "$HTUX_QEMU" -M pc -m 64M -kernel "$HTUX_TMP/min.elf" \
		-initrd "$HTUX_TMP/h.cpio" -display none -monitor none -serial stdio -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 < /dev/null 2>&1)
	ST=$?
	[ "$ST" = 1 ] && [ "$OUT" = "hello, world" ] &&
		ok "the extracted htux-mkimage --minimal links a kernel that runs" ||
		not_ok "the --minimal kernel runs" "status $ST, got: $OUT"
else
	not_ok "the extracted htux-mkimage --minimal" "$(cat "$HTUX_TMP/min.log")"
fi

# The manual pages: groff finds nothing to warn about, and every option of
# --help is described.
for cmd in htux htux-mkimage; do
	page=$X/usr/share/man/man1/$cmd.1.gz
	warn=$(zcat "$page" | groff -man -ww -z 2>&1)
	if [ $cmd = htux ]; then help=$("$X/usr/bin/htux" run --help); else help=$("$X/usr/bin/$cmd" --help); fi
	undoc=
	for o in $(sed -n 's/^ \{1,4\}\(-[a-z], \)\{0,1\}\(--[a-z][a-z-]*\).*/\2/p' <<< "$help" | sort -u); do
		zcat "$page" | grep -q -- "$(sed 's/-/\\\\-/g' <<< "$o")" || undoc="$undoc $o"
	done
	[ -z "$warn$undoc" ] && ok "$cmd(1): renders cleanly, describes every option of --help" ||
		not_ok "$cmd(1)" "groff: $warn" "options not in the page:$undoc"
done

# Bash completion: COMPREPLY for a few command lines.
complete_words() {   # FILE WORDS...: prints COMPREPLY for completing the last word
	local file=$1
	shift
	bash -c '. /usr/share/bash-completion/bash_completion; . "$0"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		f=$(complete -p "$1" | sed "s/.*-F \([^ ]*\) .*/\1/")
		$f "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' "$file" "$@"
}
C=$X/usr/share/bash-completion/completions
a=$(complete_words "$C/htux" htux r)
b=$(complete_words "$C/htux" htux run --mach)
c=$(complete_words "$C/htux" htux run --machine "")
[ "$a" = "run " ] && [ "$b" = "--machine " ] && [ "$c" = "microvm pc q35 " ] &&
	ok "bash completion of htux: the subcommand, options, --machine's values" ||
	not_ok "bash completion of htux" "'$a' '$b' '$c'"
a=$(complete_words "$C/htux-mkimage" htux-mkimage --for)
b=$(complete_words "$C/htux-mkimage" htux-mkimage --format q)
[ "$a" = "--format " ] && [ "$b" = "qcow2 " ] &&
	ok "bash completion of htux-mkimage: options, --format's values" ||
	not_ok "bash completion of htux-mkimage" "'$a' '$b'"
