#!/bin/bash
# console_stream.sh: when htux run's stdin or stdout is not a terminal the
# program's console is a byte stream, as a container's stdio without
# docker's -t (kernel option notty): isatty() is false, the terminal
# ioctls fail with ENOTTY and /dev/tty with ENXIO, every byte of stdin
# reaches the program unchanged (the launcher escapes DLE and marks the
# end in the stream: fs/console.c) and reads return 0 at its end, poll a
# hang-up, as with a pipe. Before, the console was always a terminal: a
# 0x04 in the data ended it, '\r' became '\n', dash read a pipe as an
# interactive shell (prompts), and COM1's input was polled a byte per
# tick (about 250 bytes a second; now by interrupt). --tty keeps the old
# terminal. The program's stderr is a stream of its own (COM3, kernel
# option stderr=com3, with the kernel's lines), where before it went to
# htux's stdout. Compared with the host, stdin a pipe, without a
# controlling terminal (setsid).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
plan 8

build_static stdio_kind progs/stdio_kind.c musl || bail_out "cannot build stdio_kind.c"
# every byte value (0x04, 0x10, '\r' among them), 40 times
DATA=$HTUX_TMP/all.dat
for _i in $(seq 1 40); do printf '%b' "$(printf '\\%03o' $(seq 0 255))"; done > "$DATA"
[ "$(stat -c %s "$DATA")" = 10240 ] || bail_out "cannot make the test data"
want=$(cat "$DATA" | setsid "$HTUX_TMP/stdio_kind" 2>&1 | cat)

HTUX_STDIN=$DATA htux_run "$HTUX_TMP/stdio_kind"
check_output_status "not a terminal, all 256 byte values read unchanged, then the end (as on the host)" \
	"$want" 0
HTUX_STDIN=$DATA htux_run --console hvc "$HTUX_TMP/stdio_kind"
check_output_status "the same through the virtio console (--console hvc)" "$want" 0

# (^D ends the first read to the end, the launcher's own the second; stderr,
# a file, is apart)
printf 'text\n\004' > "$HTUX_TMP/text"
HTUX_STDIN=$HTUX_TMP/text htux_run --tty "$HTUX_TMP/stdio_kind"
case $HTUX_STATUS:$HTUX_STDOUT in
"0:isatty: 1 1 0"*"tcgetattr(0): ok"*"read 5 bytes"*"read again: 0"*) ok "--tty: a terminal, as before" ;;
*) not_ok "--tty: a terminal, as before"; _show_run ;;
esac

# Debian's dash reads a script from a pipe without prompts
SH=$(readlink -f /bin/sh)
printf 'echo $((6 * 7))\nread x; echo "[$x]"\nexit 3\n' > "$HTUX_TMP/script"
printf 'line\n' >> "$HTUX_TMP/script"
want=$(setsid "$SH" < "$HTUX_TMP/script" 2>&1)
want_st=$?
HTUX_STDIN=$HTUX_TMP/script htux_run "$SH"
check_output_status "$SH reads a script from a pipe as on the host (no prompts)" "$want" "$want_st"

# stdout and stderr apart, and in order when they are one file
printf 'echo out; echo err >&2; echo out2; echo err2 >&2; exit 4\n' > "$HTUX_TMP/two"
want_err=$(setsid "$SH" "$HTUX_TMP/two" 2>&1 >/dev/null)
want=$(setsid "$SH" "$HTUX_TMP/two" 2>/dev/null)
htux_run --add "$HTUX_TMP/two:/two" "$SH" /two
if [ "$HTUX_STDOUT" = "$want" ] && [ "$HTUX_STDERR" = "$want_err" ] && [ "$HTUX_STATUS" = 4 ]; then
	ok "stdout and stderr apart (as on the host)"
else
	not_ok "stdout and stderr apart (as on the host)"
	_show_run
fi
got=$(timeout -k 10 "$HTUX_TIMEOUT" "$HTUX_BUILDDIR/htux" run ${HTUX_ACCEL:---tcg} \
	--add "$HTUX_TMP/two:/two" "$SH" /two 2>&1 < /dev/null | cat)
want=$(setsid "$SH" "$HTUX_TMP/two" 2>&1 | cat)
if [ "$got" = "$want" ]; then
	ok "2>&1: both in one stream, in the order written"
else
	not_ok "2>&1: both in one stream, in the order written" \
		"diff host htux:" "$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got"))"
fi

# Debian's cat: 256 KiB of random bytes through, unchanged
head -c 262144 /dev/urandom > "$HTUX_TMP/rand"
HTUX_STDIN=$HTUX_TMP/rand htux_run "$(command -v cat)"
if [ "$HTUX_STATUS" = 0 ] && cmp -s "$HTUX_TMP/rand" "$HTUX_TMP/stdout"; then
	ok "cat: 256 KiB of random bytes in and out unchanged"
else
	not_ok "cat: 256 KiB of random bytes in and out unchanged" \
		"status $HTUX_STATUS, $(stat -c %s "$HTUX_TMP/stdout") bytes out" \
		"$(cmp "$HTUX_TMP/rand" "$HTUX_TMP/stdout" 2>&1)"
fi

# plain QEMU with the kernel option: the end marked by hand
IMG=$HTUX_TMP/sk.cpio
"$HTUX_BUILDDIR/htux-mkimage" -o "$IMG" "$HTUX_TMP/stdio_kind" > /dev/null || bail_out "htux-mkimage failed"
got=$(printf 'ab\020\020c\020D' | timeout -k 5 "$HTUX_TIMEOUT" "$HTUX_QEMU" $HTUX_QEMU_ACCEL -M pc -m 128M \
	-kernel "$HTUX_BUILDDIR/htux.elf" -initrd "$IMG" -append notty -display none \
	-serial stdio -monitor none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 2>&1 | tr -d '\r')
want=$(printf 'ab\020c' | setsid "$HTUX_TMP/stdio_kind" | cat)
if [ "$got" = "$want" ]; then
	ok "plain QEMU, -append notty: DLE DLE is one DLE byte, DLE 'D' the end"
else
	not_ok "plain QEMU, -append notty: DLE DLE is one DLE byte, DLE 'D' the end" \
		"diff host htux:" "$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got"))"
fi
