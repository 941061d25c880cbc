#!/bin/bash
# dynamic.sh: dynamically linked programs, packed by htux-mkimage with
# their loader and libraries (and --trace-files for runtime data), run in
# htux as on the host: C (glibc and musl), C++, Debian's python3, lua5.4
# and sqlite3, gfortran OpenMP. A missing library is a one-line error when
# packing; a damaged one fails cleanly in the guest.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
CC=${CC:-cc}
printf 'int main(void) { return 0; }\n' > "$HTUX_TMP/probe.c"
$CC -o "$HTUX_TMP/probe" "$HTUX_TMP/probe.c" >/dev/null 2>&1 &&
	[ -n "$(LC_ALL=C readelf -l "$HTUX_TMP/probe" 2>/dev/null | grep 'program interpreter')" ] ||
	skip_all "cannot build dynamically linked programs with $CC"
plan 17

# The physical path: under make distcheck the source dir is reached through
# "..", which the guest could not climb out of (the image has only the
# files themselves).
P=$(cd "$HTUX_SRCDIR/tests/progs/dyn" && pwd -P)
M=$HTUX_BUILDDIR/htux-mkimage
T=$HTUX_TMP
PY=/usr/bin/python3

# same_as_host DESCRIPTION PROG ARGS...: htux's stdout and status equal the
# program's own run natively from / with the guest's environment (the
# image's defaults plus $DYN_ENV, NAME=VALUE words given to htux with -e);
# $OPTS: more options for htux run.
same_as_host() {
	_d=$1
	shift
	_want=$(cd / && env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/ \
		${DYN_ENV:-} "$@" 2>/dev/null)
	_want_st=$?
	_e=
	for _v in ${DYN_ENV:-}; do
		_e="$_e -e $_v"
	done
	htux_run $_e ${OPTS:-} "$@"
	check_output_status "$_d" "$_want" "$_want_st"
}

# C with glibc: the loader, libc, libm, dlopen.
if $CC -O2 -o "$T/dynlink" "$P/dynlink.c" -lm -ldl > "$T/cc.log" 2>&1; then
	same_as_host "glibc C: libc and libm from the image, dladdr, dlopen" "$T/dynlink"
	DYN_ENV=WHO=htux same_as_host "glibc C: arguments, environment, exit status 5" \
		"$T/dynlink" "one arg" two
else
	not_ok "glibc C: build" "$(cat "$T/cc.log")"
	not_ok "glibc C: arguments" "not built"
fi

# C++: libstdc++ and libgcc_s, exceptions, threads; symlinks kept.
if ${CXX:-g++} -O2 -pthread -o "$T/cxx" "$P/cxx.cpp" > "$T/cxx.log" 2>&1; then
	same_as_host "C++: exceptions from libstdc++, std::thread, RTTI" "$T/cxx" arg
	lib=$(cd / && ldd "$T/cxx" 2>/dev/null | sed -n 's/^[[:space:]]*libstdc++\.so\.6 => \([^ ]*\) .*/\1/p')
	if [ -n "$lib" ] && [ -L "$lib" ] && "$M" -o "$T/cxx.cpio" "$T/cxx" 2> "$T/mk.err" &&
	   cpio -itv < "$T/cxx.cpio" > "$T/cxx.list" 2>/dev/null &&
	   grep -q "^l.* $lib -> $(readlink "$lib")\$" "$T/cxx.list" &&
	   grep -q "^-.* $(dirname "$lib")/$(readlink "$lib")\$" "$T/cxx.list"; then
		ok "C++: $lib kept as a symbolic link, its target added"
	else
		not_ok "C++: libstdc++ symlink kept" "lib: $lib" "$(cat "$T/mk.err" "$T/cxx.list" 2>/dev/null)"
	fi
else
	not_ok "C++: build" "$(cat "$T/cxx.log")"
	not_ok "C++: symlink" "not built"
fi

# musl's dynamic loader.
if [ -e /lib/ld-musl-x86_64.so.1 ] &&
   $MUSL_GCC -O2 -o "$T/musl-dyn" "$HTUX_SRCDIR/tests/progs/hello.c" > /dev/null 2>&1; then
	same_as_host "musl C: ld-musl-x86_64.so.1 as loader and libc" "$T/musl-dyn" a b
else
	skip "musl C: ld-musl-x86_64.so.1 as loader and libc" "no musl-gcc or no /lib/ld-musl-x86_64.so.1"
fi

# A library of our own, found through DT_RUNPATH $ORIGIN/lib; then missing;
# then damaged in the image.
mkdir -p "$T/lib"
if $CC -shared -fPIC -o "$T/lib/libhtuxvalue.so" "$P/libvalue.c" > "$T/lib.log" 2>&1 &&
   $CC -o "$T/usevalue" "$P/usevalue.c" -L"$T/lib" -lhtuxvalue \
	-Wl,--enable-new-dtags,-rpath,'$ORIGIN/lib' >> "$T/lib.log" 2>&1; then
	htux_run "$T/usevalue"
	check_output_status "own library found through RUNPATH \$ORIGIN/lib" "value 42" 0

	# A 32-bit ELF of the same name earlier in the RUNPATH is passed over,
	# as ld.so does (it is not packed; the x86-64 one is).
	mkdir -p "$T/lib32"
	printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000\003\000\003\000\001\000\000\000' \
		> "$T/lib32/libhtuxvalue.so"
	head -c 64 /dev/zero >> "$T/lib32/libhtuxvalue.so"
	if $CC -o "$T/usevalue2" "$P/usevalue.c" -L"$T/lib" -lhtuxvalue \
		-Wl,--enable-new-dtags,-rpath,"\$ORIGIN/lib32:\$ORIGIN/lib" >> "$T/lib.log" 2>&1 &&
	   "$M" -o "$T/class.cpio" "$T/usevalue2" 2> "$T/class.err" &&
	   cpio -it < "$T/class.cpio" 2>/dev/null > "$T/class.list" &&
	   grep -qx "$T/lib/libhtuxvalue.so" "$T/class.list" &&
	   ! grep -q "lib32/libhtuxvalue" "$T/class.list"; then
		htux_run "$T/usevalue2"
		check_output_status "a 32-bit library first in RUNPATH is passed over" "value 42" 0
	else
		not_ok "a 32-bit library first in RUNPATH is passed over" \
			"$(cat "$T/class.err" "$T/class.list" "$T/lib.log" 2>/dev/null)"
	fi

	cp "$T/lib/libhtuxvalue.so" "$T/good.so"
	head -c 64 "$T/good.so" > "$T/short.so"
	size=$(stat -c %s "$T/good.so")
	head -c $((size / 2)) "$T/good.so" > "$T/half.so"
	cp "$T/short.so" "$T/lib/libhtuxvalue.so"
	want=$("$T/usevalue" 2>&1)
	want_st=$?
	cp "$T/good.so" "$T/lib/libhtuxvalue.so"
	HTUX_MERGE=1 htux_run --add "$T/short.so:$T/lib/libhtuxvalue.so" "$T/usevalue"
	if [ "$HTUX_STATUS" = "$want_st" ] && [ "$HTUX_STDOUT" = "$want" ]; then
		ok "library cut to 64 bytes in the image: the loader's own error, status $want_st"
	else
		not_ok "library cut to 64 bytes: loader error" "want ($want_st): $want"; _show_run
	fi
	htux_run --add "$T/half.so:$T/lib/libhtuxvalue.so" "$T/usevalue"
	case $HTUX_STATUS:$HTUX_STDOUT in
	0:* | 124:*) not_ok "library cut in half: clean failure" "status $HTUX_STATUS"; _show_run ;;
	*"htux: "* | *"error while loading shared libraries"*)
		ok "library cut in half in the image: status $HTUX_STATUS, one clear line" ;;
	*) not_ok "library cut in half: clean failure" "no htux: or loader line"; _show_run ;;
	esac

	rm -f "$T/lib/libhtuxvalue.so"
	"$M" -o "$T/miss.cpio" "$T/usevalue" > "$T/miss.out" 2> "$T/miss.err"
	st=$?
	if [ "$st" = 1 ] && [ ! -s "$T/miss.out" ] && [ ! -e "$T/miss.cpio" ] &&
	   [ "$(cat "$T/miss.err")" = "htux-mkimage: $T/usevalue: library libhtuxvalue.so not found (needed by $T/usevalue)" ]; then
		ok "missing library: one line naming it, status 1"
	else
		not_ok "missing library: one line naming it, status 1" "status $st" "$(cat "$T/miss.err")"
	fi
else
	not_ok "own library: build" "$(cat "$T/lib.log")"
	for d in "32-bit library passed over" "damaged library (short)" \
		"damaged library (half)" "missing library"; do
		not_ok "$d" "not built"
	done
fi

# Debian's python3.
if [ -x $PY ] && command -v strace > /dev/null 2>&1; then
	htux_run --trace-files $PY -c 'print(1+1)'
	check_output_status "python3 -c 'print(1+1)' (--trace-files)" 2 0
	check_stderr_contains "--trace-files prints one summary line" \
		"htux-mkimage: --trace-files: $PY used"
	DYN_ENV=HTUX_DYN=yes OPTS="--trace-files --add $P/stdlib.py" same_as_host \
		"python3: json, re, hashlib, sqlite3, threading, zoneinfo, os (--trace-files)" \
		$PY "$P/stdlib.py" a 'b c'
else
	for d in "python3 -c" "--trace-files summary" "python3 stdlib"; do
		skip "$d" "no $PY or no strace"
	done
fi
if [ -x $PY ] && [ -d /usr/lib/python3.11 ] && [ -f /usr/share/zoneinfo/Europe/Paris ]; then
	OPTS="--add /usr/lib/python3.11 --add /usr/share/zoneinfo/UTC --add /usr/share/zoneinfo/Europe/Paris" \
	same_as_host "python3 with --add /usr/lib/python3.11 and two time zones" \
		$PY -c 'import json, re, zoneinfo, datetime
d = datetime.datetime(2024, 7, 14, 12, tzinfo=zoneinfo.ZoneInfo("UTC"))
print(json.dumps({"n": re.findall("[0-9]+", "a1b22")}), d.astimezone(zoneinfo.ZoneInfo("Europe/Paris")))'
else
	skip "python3 with --add /usr/lib/python3.11" "no python3.11 or tzdata"
fi

# lua5.4 and the sqlite3 shell.
if command -v lua5.4 > /dev/null 2>&1; then
	OPTS="--add $P/script.lua" same_as_host "lua5.4 runs a script (status 4)" \
		"$(command -v lua5.4)" "$P/script.lua" 4 x
else
	skip "lua5.4 runs a script" "lua5.4 not installed"
fi
if command -v sqlite3 > /dev/null 2>&1; then
	db=/tmp/htux-dyn-rows-$$.db
	rm -f "$db"
	OPTS="--add $P/rows.sql" same_as_host "sqlite3: 10,000 rows in a database in /tmp" \
		"$(command -v sqlite3)" "$db" ".read $P/rows.sql"
	rm -f "$db"
else
	skip "sqlite3: 10,000 rows" "sqlite3 not installed"
fi

# gfortran OpenMP (libgomp), 4 threads.
if command -v gfortran > /dev/null 2>&1 &&
   gfortran -O2 -fopenmp -o "$T/omp" "$P/omp.f90" > "$T/omp.log" 2>&1; then
	DYN_ENV=OMP_NUM_THREADS=4 same_as_host "gfortran -fopenmp: 4 threads, reduction" "$T/omp"
else
	skip "gfortran -fopenmp" "cannot build with gfortran -fopenmp"
fi
