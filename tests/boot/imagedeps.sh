#!/bin/bash
# imagedeps.sh: htux-mkimage packs what every ELF object in the image
# needs, not only the program: Python extension modules brought by --add
# with their libraries (libsqlite3, libcrypto, libssl, libffi), a plugin
# found on disk with its DT_RUNPATH $ORIGIN library, glibc's libgcc_s.so.1
# for pthread_exit, the NSS modules of the image's nsswitch.conf; it says
# how many libraries it added. Nothing under /proc is packed (--trace-files
# of a program reading /etc/mtab), and the kernel boots an image that
# holds files there anyway, with a warning, its own /proc shadowing them.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
CC=${CC:-cc}
printf 'int main(void) { return 0; }\n' > "$HTUX_TMP/probe.c"
$CC -o "$HTUX_TMP/probe" "$HTUX_TMP/probe.c" >/dev/null 2>&1 &&
	[ -n "$(LC_ALL=C readelf -l "$HTUX_TMP/probe" 2>/dev/null | grep 'program interpreter')" ] ||
	skip_all "cannot build dynamically linked programs with $CC"
plan 8

P=$(cd "$HTUX_SRCDIR/tests/progs/imagedeps" && pwd -P)
M=$HTUX_BUILDDIR/htux-mkimage
T=$HTUX_TMP
PY=/usr/bin/python3
LIBDIR=/usr/lib/python3.11

# same_as_host DESCRIPTION PROG ARGS...: stdout and status as on the host
# (run from / with the image's default environment); $OPTS: more options.
same_as_host() {
	_d=$1
	shift
	_want=$(cd / && env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/ "$@" 2>/dev/null)
	_want_st=$?
	htux_run ${OPTS:-} "$@"
	check_output_status "$_d" "$_want" "$_want_st"
}

# Python's extension modules, with only --add of the standard library.
if [ -x $PY ] && [ -d $LIBDIR/lib-dynload ]; then
	OPTS="--add $LIBDIR --add $P/modules.py" same_as_host \
		"python3: sqlite3, hashlib, ssl, ctypes with only --add $LIBDIR" \
		$PY "$P/modules.py"
	"$M" -o "$T/py.cpio" --add $LIBDIR $PY -c pass 2> "$T/py.err"
	st=$?
	re='^htux-mkimage: .*: added \([0-9]*\) libraries for the ELF objects in the image'
	n=$(sed -n "s/$re.*/\\1/p" "$T/py.err")
	if [ "$st" = 0 ] && [ "$(wc -l < "$T/py.err")" = 1 ] && [ "${n:-0}" -ge 4 ]; then
		ok "htux-mkimage: one summary line, $n libraries added for $LIBDIR"
	else
		not_ok "htux-mkimage: summary line with the number of libraries added" \
			"status $st" "$(cat "$T/py.err")"
	fi
else
	skip "python3 extension modules" "no $PY or $LIBDIR"
	skip "htux-mkimage summary line" "no $PY or $LIBDIR"
fi

# A plugin on disk, dlopened, whose library is found through its RUNPATH.
mkdir -p "$T/plug/lib"
if $CC -shared -fPIC -o "$T/plug/lib/libhtuxvalue.so" \
	"$HTUX_SRCDIR/tests/progs/dyn/libvalue.c" > "$T/cc.log" 2>&1 &&
   $CC -shared -fPIC -o "$T/plug/plugin.so" "$P/plugin.c" -L"$T/plug/lib" \
	-lhtuxvalue -Wl,--enable-new-dtags,-rpath,'$ORIGIN/lib' >> "$T/cc.log" 2>&1 &&
   $CC -o "$T/loadplugin" "$P/loadplugin.c" -ldl >> "$T/cc.log" 2>&1; then
	OPTS="--add $T/plug/plugin.so" same_as_host \
		"a dlopened plugin added alone brings its RUNPATH \$ORIGIN library" \
		"$T/loadplugin" "$T/plug/plugin.so"
else
	not_ok "dlopened plugin: build" "$(cat "$T/cc.log")"
fi

# glibc's pthread_exit needs libgcc_s.so.1, which nothing links.
if $CC -O2 -pthread -o "$T/pexit" "$P/pthread_exit.c" > "$T/cc.log" 2>&1; then
	same_as_host "glibc pthread_exit without listing libgcc_s.so.1" "$T/pexit"
else
	not_ok "pthread_exit: build" "$(cat "$T/cc.log")"
fi

# NSS modules named by the image's nsswitch.conf: those the host has
# (systemd here when installed), not the ones inside libc (files, dns),
# not the missing ones.
printf 'passwd: files systemd\nhosts: files [NOTFOUND=return] nosuchnss dns\n' > "$T/nss.conf"
nss=$(LC_ALL=C ldconfig -p 2>/dev/null |
	sed -n 's/^\tlibnss_systemd.so.2 (libc6,x86-64) => //p' | head -1)
if [ -n "$nss" ] && command -v cpio > /dev/null 2>&1; then
	"$M" -o "$T/nss.cpio" --add "$T/nss.conf:/etc/nsswitch.conf" "$T/probe" 2> "$T/nss.err"
	cpio -it < "$T/nss.cpio" > "$T/nss.list" 2> /dev/null
	if grep -qx "$nss" "$T/nss.list" && ! grep -q 'libnss_files\|nosuchnss' "$T/nss.list" &&
	   grep -q 'added [1-9][0-9]* libraries' "$T/nss.err"; then
		ok "NSS: libnss_systemd.so.2 from the image's nsswitch.conf packed"
	else
		not_ok "NSS: libnss_systemd.so.2 packed" "$(cat "$T/nss.err")" "$(grep nss "$T/nss.list")"
	fi
else
	skip "NSS modules packed" "no libnss_systemd.so.2 in ld.so.cache or no cpio"
fi

# --trace-files: /etc/mtab stays a link into the guest's own /proc.
if command -v strace > /dev/null 2>&1 &&
   $CC -O2 -o "$T/mtab" "$P/mtab.c" > "$T/cc.log" 2>&1; then
	OPTS=--trace-files same_as_host "--trace-files of a program reading /etc/mtab boots" \
		"$T/mtab"
	"$M" -o "$T/mtab.cpio" --trace-files "$T/mtab" 2> "$T/mtab.err"
	st=$?
	if [ -n "$(command -v cpio)" ]; then
		cpio -itv < "$T/mtab.cpio" > "$T/mtab.list" 2> /dev/null
		cpio -it < "$T/mtab.cpio" > "$T/mtab.names" 2> /dev/null
	else
		: > "$T/mtab.list"
	fi
	if [ "$st" = 0 ] && grep -q ' /etc/mtab -> ' "$T/mtab.list" &&
	   ! grep -q '^/proc\|^/sys\|^/dev' "$T/mtab.names"; then
		ok "--trace-files: /etc/mtab kept as a link, nothing under /proc packed"
	else
		not_ok "--trace-files: nothing under /proc packed" "status $st" \
			"$(cat "$T/mtab.err" "$T/mtab.list")"
	fi
else
	skip "--trace-files of /etc/mtab" "no strace or no compiler"
	skip "nothing under /proc packed" "no strace or no compiler"
fi

# An image made another way, with files in /proc, /sys and /dev: the
# kernel's own hide them, one warning each.
K=$HTUX_BUILDDIR/htux.elf
if command -v cpio > /dev/null 2>&1 && build_static stray "$P/stray.c" musl; then
	want=$("$T/stray")
	rm -rf "$T/st"
	mkdir -p "$T/st"
	"$M" -o "$T/s0.cpio" "$T/stray" &&
	(cd "$T/st" && cpio -idm --no-absolute-filenames < "$T/s0.cpio" 2> /dev/null &&
	 mkdir -p proc/self sys dev && echo x > proc/stray && echo x > proc/self/status &&
	 echo x > sys/stray && echo x > dev/stray && echo x > dev/null &&
	 find . | cpio -o -H newc > "$T/s1.cpio" 2> /dev/null)
	out=$(timeout -k 5 60 "$HTUX_QEMU" $HTUX_QEMU_ACCEL -M pc -m 64M -kernel "$K" -initrd "$T/s1.cpio" \
		-display none -monitor none -serial stdio -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 < /dev/null 2> "$T/qemu.err")
	st=$?
	warn="htux: /dev in the image is not an empty directory: the kernel's own hides it
htux: /proc in the image is not an empty directory: the kernel's own hides it
htux: /sys in the image is not an empty directory: the kernel's own hides it"
	if [ "$st" = 1 ] && [ "$out" = "$warn
$want" ]; then
		ok "stray files in /proc, /sys, /dev: a warning each, the kernel's own shadow them"
	else
		not_ok "stray files in /proc, /sys, /dev shadowed" "QEMU status $st (1 is 0)" \
			"got:" "$out" "expected:" "$warn" "$want"
	fi
else
	skip "stray files in /proc" "no cpio or no musl"
fi
