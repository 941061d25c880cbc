#!/bin/bash
# minimal.sh: htux-mkimage --minimal (and htux run --minimal): kernels
# linked with only the system calls a static program can make (found by
# disassembling it) run it as the full kernel does and are smaller: a musl
# and a glibc hello, Debian's busybox-static and a static SQLite program;
# a call left out of such a kernel is -ENOSYS, named by trace; and an
# installed htux (make install DESTDIR=...) makes them too.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 13
T=$HTUX_TMP

# saved: the bytes saved that htux-mkimage's --minimal line reports in $1.
saved() {
	sed -n 's/.*(full kernel [0-9]*, \(-\{0,1\}[0-9]*\) saved.*/\1/p' "$1"
}

# minimal_run DESCRIPTION WANT_STDOUT WANT_STATUS [OPTION...] -- PROG ARG...:
# htux run --minimal: same stdout and status as wanted, and a smaller kernel.
minimal_run() {
	_d=$1 _out=$2 _st=$3
	shift 3
	htux_run --minimal "$@"
	_s=$(saved "$T/stderr")
	if [ "$HTUX_STDOUT" = "$_out" ] && [ "$HTUX_STATUS" = "$_st" ] && [ "${_s:-0}" -gt 0 ]; then
		ok "$_d (${_s} bytes saved)"
	else
		not_ok "$_d" "expected status $_st and bytes saved, got $HTUX_STATUS, saved '$_s'" \
			"expected stdout:" "$_out"
		_show_run
	fi
}

build_static hello progs/hello.c musl || bail_out "cannot build hello.c"
build_static hello-glibc progs/hello.c glibc || bail_out "cannot build hello.c"
want=$("$T/hello" a b)
minimal_run "musl hello on its minimal kernel" "$want" 0 "$T/hello" a b
check_stderr_contains "... every syscall number found" ", 0 with an unknown number;"
want=$("$T/hello-glibc" a b)
minimal_run "glibc hello on its minimal kernel" "$want" 0 "$T/hello-glibc" a b

# htux-mkimage itself: the kernel it writes boots with plain htux run --kernel.
"$HTUX_BUILDDIR/htux-mkimage" -o "$T/hello.cpio" --minimal "$T/hello.elf" "$T/hello" 2> "$T/mk.err"
check "htux-mkimage --minimal writes a kernel (reported: $(cat "$T/mk.err"))" \
	[ -s "$T/hello.elf" ] && [ "$(saved "$T/mk.err")" -gt 0 ]

# A call the program's kernel lacks: tracee.c makes pipe(), hello does not.
build_static tracee progs/tracee.c musl || bail_out "cannot build tracee.c"
htux_run --kernel "$T/hello.elf" --trace "$T/tracee"
check_status "a call left out of the minimal kernel fails (pipe: status 2)" 2
check_stderr_contains "... and trace names it" "htux: unimplemented syscall pipe (22)"

BB=/bin/busybox
if [ -x $BB ] && readelf -l $BB > /dev/null 2>&1 && ! readelf -l $BB | grep -q interpreter; then
	printf 'one\ntwo\nthree\n' > "$T/in.txt"
	htux_run --minimal --add "$T/in.txt" $BB wc -l "$T/in.txt"
	check_stderr_contains "busybox: glibc's set*id broadcast reads its syscall number from memory: every handler kept" \
		"with an unknown number (at $BB:0x"
	check_output_status "... and busybox wc runs" "3 $T/in.txt" 0
	minimal_run "busybox sort (--minimal-ignore-unknown)" "$(sort -r "$T/in.txt")" 0 \
		--minimal-ignore-unknown --add "$T/in.txt" $BB sort -r "$T/in.txt"
	minimal_run "busybox md5sum (--minimal-ignore-unknown)" "$("$BB" md5sum "$T/in.txt")" 0 \
		--minimal-ignore-unknown --add "$T/in.txt" $BB md5sum "$T/in.txt"
else
	for d in "busybox: unknown" "busybox wc" "busybox sort" "busybox md5sum"; do
		skip "$d" "no static $BB"
	done
fi

SQL="create table t(a, b); insert into t values (1, 'x'), (2, 'y'); select a * 10, b from t order by a desc; select count(*) from t;"
if build_static sqlite progs/sqlite_static.c glibc -lsqlite3 -lm 2> /dev/null; then
	want=$("$T/sqlite" "$T/host.db" "$SQL")
	minimal_run "a static SQLite program (--minimal-ignore-unknown)" "$want" 0 \
		--minimal-ignore-unknown "$T/sqlite" /tmp/guest.db "$SQL"
else
	skip "a static SQLite program" "cannot link with libsqlite3.a (libsqlite3-dev)"
fi

# An installed htux: --minimal finds the kernel's objects it installed.
if make -C "$HTUX_BUILDDIR" install DESTDIR="$T/inst" > "$T/install.log" 2>&1; then
	mk=$(find "$T/inst" -path '*/bin/htux-mkimage')
	"$mk" -o "$T/i.cpio" --minimal "$T/i.elf" "$T/hello" 2> "$T/i.err"
	check "installed htux-mkimage --minimal ($(cat "$T/i.err"))" [ "$(saved "$T/i.err")" -gt 0 ]
	htux_run --kernel "$T/i.elf" "$T/hello" x
	check_output_status "... its kernel runs hello" "$("$T/hello" x)" 0
else
	skip "installed htux-mkimage --minimal" "make install failed: $(tail -n 3 "$T/install.log")"
	skip "... its kernel runs hello" "make install failed"
fi
