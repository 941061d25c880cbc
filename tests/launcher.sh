#!/bin/sh
# tests/launcher.sh: the htux launcher against a stand-in kernel
# (tests/nullkernel.S): QEMU command line, output, exit-status protocol,
# errors, signals and clean-up, on each machine type.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"

command -v "$HTUX_QEMU" >/dev/null 2>&1 || skip_all "QEMU ($HTUX_QEMU) not found"
[ -x "$HTUX_BUILDDIR/htux" ] || bail_out "$HTUX_BUILDDIR/htux not built"
T=$HTUX_TMP

# nullkernel NAME CPPFLAGS...: builds the stand-in kernel $T/NAME.
nullkernel() {
	_n=$1
	shift
	${CC:-cc} -nostdlib -static -no-pie -Wl,-Ttext=0x100000 \
		-Wl,--build-id=none -Wl,-z,max-page-size=0x1000 "$@" \
		-o "$T/$_n" "$HTUX_SRCDIR/tests/nullkernel.S" 2> "$T/cc.log" ||
		bail_out "cannot build the null kernel: $(cat "$T/cc.log")"
}
nullkernel k200 -DEXIT=200 '-DSTATUS="htux-exit 200\n"'
nullkernel k7 -DEXIT=7 '-DSTATUS="htux-exit 7\n"'
nullkernel k5 -DEXIT=5
nullkernel k0 -DEXIT=0
nullkernel hang -DHANG

# The image must still be made: any static program does.
printf 'int main(void) { return 0; }\n' > "$T/prog.c"
build_static prog "$T/prog.c" musl 2>/dev/null ||
	build_static prog "$T/prog.c" glibc ||
	skip_all "cannot build a static program"
P=$T/prog

# Temporary files of htux go here, to check that none are left.
mkdir "$T/tmp"
export TMPDIR="$T/tmp"

plan 26

htux_run --kernel "$T/k200" --verbose --trace --strace --append 'TZ=UTC  x' "$P" a
check_output_status "8-bit status from the COM2 line; COM1 to stdout" \
	"null kernel: $T/k200 verbose trace strace notty stderr=com3 TZ=UTC  x" 200
case $HTUX_STDERR in
"htux: memory: -m 128M for a "*" KiB image (give -m to choose)")
	ok "stderr: only the memory chosen for the image (--verbose)" ;;
*) not_ok "stderr: only the memory chosen for the image (--verbose)" "got: $HTUX_STDERR" ;;
esac

for m in q35 microvm; do
	htux_run --machine $m --kernel "$T/k7" "$P"
	# QEMU's multiboot command line: the kernel's path, a space, -append
	# (notty, stderr=com3: stdout and stderr are files here).
	check_output_status "machine $m" "null kernel: $T/k7 notty stderr=com3" 7
done

# --tty: a terminal even so (stderr, a file, apart); --no-tty: a byte stream
htux_run --tty --kernel "$T/k7" "$P"
check_output_status "--tty: no kernel option notty" "null kernel: $T/k7 stderr=com3" 7
htux_run --no-tty --tty --kernel "$T/k7" "$P"
check_output_status "the last of --no-tty and --tty counts" "null kernel: $T/k7 stderr=com3" 7

# Without -m, memory grows with the image: 40 MiB of files need more.
head -c $((40 << 20)) /dev/zero > "$T/big.bin"
htux_run --kernel "$T/k7" --verbose --add "$T/big.bin:/big.bin" "$P"
case $HTUX_STDERR in
"htux: memory: -m 192M for a "*" KiB image (give -m to choose)")
	ok "a 40 MiB image gets -m 192M" ;;
*) not_ok "a 40 MiB image gets -m 192M" "got: $HTUX_STDERR" ;;
esac
rm -f "$T/big.bin"

htux_run --kernel "$T/k5" "$P"
check_status "status from isa-debug-exit alone" 5

htux_run --kernel "$T/k0" "$P"
check_status "QEMU exit code 1 and no status line: QEMU failure" 125
check_stderr_contains "... reported" "htux: qemu failed (exit code 1)"

htux_run --qemu "$T/no-qemu" --kernel "$T/k7" "$P"
check_status "QEMU missing: 125" 125
check "... reported" [ "$HTUX_STDERR" = "htux: cannot run $T/no-qemu: No such file or directory" ]

htux_run --qemu-arg -no-such-option --kernel "$T/k7" "$P"
check_status "QEMU refusing its options: 125" 125
check_stderr_contains "... reported" "htux: qemu failed (exit code 1)"

htux_run --kernel "$T/k7" "$T/no-prog"
check_status "htux-mkimage's status passed on" 1
check "... and its message" [ "$HTUX_STDERR" = "htux-mkimage: $T/no-prog: No such file or directory" ]

htux_run --kernel "$T/no-kernel" "$P"
check_status "kernel missing: 125" 125
check "... reported" [ "$HTUX_STDERR" = "htux: kernel $T/no-kernel: No such file or directory" ]

htux_run -m 1X "$P"
check_status "usage error: 2" 2
check "... reported" [ "$HTUX_STDERR" = "htux: -m 1X: expected a memory size such as 128M or 1G" ]

htux_run --dry-run --kernel "$T/k7" -m 64M "$P" x
check_status "--dry-run" 0
check_stdout_contains "... prints the QEMU command" \
	"-M pc -m 64M -accel tcg -nodefaults -no-reboot -display none -monitor none -kernel $T/k7 -initrd $T/tmp/htux.XXXXXX/app.cpio"

htux_run --keep "$T/kept.cpio" --kernel "$T/k7" "$P"
check "--keep keeps the image" [ "$HTUX_STATUS" = 7 ] && [ -s "$T/kept.cpio" ]

# Signals reach QEMU; htux exits like a shell would report them.
"$HTUX_BUILDDIR/htux" run --tcg --kernel "$T/hang" "$P" > "$T/out" 2>&1 < /dev/null &
pid=$!
n=0
until grep -q 'null kernel' "$T/out" 2>/dev/null || [ $n -ge 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
kill -TERM $pid
wait $pid
st=$?
check "SIGTERM forwarded to QEMU: status 143" [ "$st" = 143 ]
if command -v pgrep >/dev/null 2>&1; then
	check "no QEMU left running" sh -c "! pgrep -f '[q]emu.*$T/hang' >/dev/null"
else
	skip "no QEMU left running" "no pgrep"
fi

check "no temporary files left" [ -z "$(ls -A "$T/tmp")" ]
