#!/bin/sh
# tests/manifest.sh: image manifests (htux run -f, htux-mkimage -f): a
# manifest boots the same program, output and status as the command-line
# equivalent; command-line options override it; paths are relative to the
# manifest; errors name the file and line; images are byte-for-byte
# reproducible without SOURCE_DATE_EPOCH; --smp reaches QEMU; the
# progress line shows on a terminal or with --progress, never otherwise.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"

require_qemu
T=$HTUX_TMP
MK=$HTUX_BUILDDIR/htux-mkimage
unset SOURCE_DATE_EPOCH

mkdir "$T/app" "$T/elsewhere"
build_static app/prog - musl <<'C' || build_static app/prog - glibc <<'C2' || skip_all "no static build"
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("arg %s\n", argv[i]);
	printf("GREETING=%s\n", getenv("GREETING") ? getenv("GREETING") : "(none)");
	FILE *f = fopen("/data/msg", "r");
	char buf[64] = "(no file)";
	if (f && fgets(buf, sizeof buf, f)) {}
	printf("msg %s\n", buf);
	return 3;
}
C
int main(void) { return 1; }
C2
echo hello > "$T/app/msg"
cat > "$T/app/app.manifest" <<'M'
# the test program, its files and how it runs
program = prog
args = one two
env = GREETING=hi there
add = msg:/data/msg
memory = 256M
smp = 2
net = off
M
# program has no '/': found in PATH as typed; give it one
sed -i 's|^program = prog|program = ./prog|' "$T/app/app.manifest"

plan 18

cd "$T/elsewhere" || bail_out "cd"
htux_run -f ../app/app.manifest
m_out=$HTUX_STDOUT m_status=$HTUX_STATUS
htux_run -m 256M -e 'GREETING=hi there' --add "$T/app/msg:/data/msg" "$T/app/prog" one two
check_output_status "manifest: same output and status as the command line" \
	"$m_out" "$m_status"
check "manifest: the program ran (status 3)" test "$m_status" = 3

htux_run -f ../app/app.manifest -e GREETING=cli three
check_output_status "command-line -e overrides, ARGs replace args" \
	"arg three
GREETING=cli
msg hello" 3

htux_run --dry-run -f "$T/app/app.manifest" -m 300M
check_stdout_contains "smp = 2 gives QEMU -smp 2" "-smp 2"
check_stdout_contains "-m on the command line wins" "-m 300M"

printf 'program = /bin/true\n\nfoo = 1\n' > "$T/bad.manifest"
"$MK" -f "$T/bad.manifest" -o "$T/x.cpio" 2> "$T/err"
st=$?
check "unknown key: status 2" test "$st" = 2
check "unknown key: file and line named" \
	grep -qF "htux-mkimage: $T/bad.manifest:3: unknown key 'foo'" "$T/err"
printf '# c\nmemory = lots\nprogram = ./prog\n' > "$T/app/bad2.manifest"
htux_run -f "$T/app/bad2.manifest"
check_stderr_contains "bad value: the parser's message with file:line" \
	"htux: $T/app/bad2.manifest:2: -m lots: expected a memory size"

# Reproducible: twice, a second apart, from different directories.
"$MK" -o "$T/a.cpio" --add "$T/app/msg:/data/msg" "$T/app/prog" x
sleep 1
(cd / && "$MK" -o "$T/b.cpio" --add "$T/app/msg:/data/msg" "$T/app/prog" x)
check "cpio: byte-for-byte the same twice" cmp "$T/a.cpio" "$T/b.cpio"
"$MK" -f "$T/app/app.manifest" -o "$T/c.cpio"
sleep 1
(cd /tmp && "$MK" -f "$T/app/app.manifest" -o "$T/d.cpio")
check "-f manifest: the same cpio twice" cmp "$T/c.cpio" "$T/d.cpio"
SOURCE_DATE_EPOCH=1700000000 "$MK" -f "$T/app/app.manifest" -o "$T/e.cpio"
check "SOURCE_DATE_EPOCH still decides the time" sh -c "! cmp -s '$T/c.cpio' '$T/e.cpio'"

if command -v grub-mkimage >/dev/null 2>&1 && command -v mformat >/dev/null 2>&1; then
	"$MK" --format raw -o "$T/a.img" "$T/app/prog" > /dev/null 2>&1
	sleep 1
	(cd / && "$MK" --format raw -o "$T/b.img" "$T/app/prog" > /dev/null 2>&1)
	check "raw disk: the same twice" cmp "$T/a.img" "$T/b.img"
else
	skip "raw disk: no GRUB tools"
fi
# ISO: grub-mkrescue 2.06 stamps the current time in, unless it runs
# under faketime (README).
if command -v grub-mkrescue > /dev/null 2>&1 && command -v xorriso > /dev/null 2>&1 &&
	command -v faketime > /dev/null 2>&1; then
	"$MK" --format iso -o "$T/a.iso" "$T/app/prog" > /dev/null 2>&1
	sleep 1
	(cd / && "$MK" --format iso -o "$T/b.iso" "$T/app/prog" > /dev/null 2>&1)
	check "ISO: the same twice" cmp "$T/a.iso" "$T/b.iso"
else
	skip "ISO: no grub-mkrescue, xorriso or faketime"
fi

# The progress line: nothing on a non-terminal, the line with --progress,
# and on a terminal (a pty from util-linux's script).
mkdir -p "$T/tree/a/b"
for i in 1 2 3 4 5 6 7 8 9; do echo "$i" > "$T/tree/a/b/f$i"; done
"$MK" -o "$T/p1.cpio" --add "$T/tree:/tree" "$T/app/prog" 2> "$T/p1.err"
check "no progress line off a terminal" test ! -s "$T/p1.err"
"$MK" --progress -o "$T/p2.cpio" --add "$T/tree:/tree" "$T/app/prog" 2> "$T/p2.err"
n=$(cpio -it < "$T/p2.cpio" 2> /dev/null | wc -l)
check "--progress: updated in place (carriage returns)" grep -q "$(printf '\r')htux-mkimage: " "$T/p2.err"
last=$(tr '\r' '\n' < "$T/p2.err" | tail -n 1)
check "--progress: ends with the totals ($last; $n entries)" \
	sh -c "echo '$last' | grep -Eq '^htux-mkimage: $T/p2.cpio: $n files, [0-9.]+ MiB *\$'"
check "--progress: the image is the same as without" cmp "$T/p1.cpio" "$T/p2.cpio"
if command -v script > /dev/null 2>&1; then
	script -qec "'$MK' -o '$T/p3.cpio' --add '$T/tree:/tree' '$T/app/prog'" /dev/null \
		> "$T/p3.out" 2>&1
	check "on a terminal: the progress line" grep -q "$(printf '\r')htux-mkimage: " "$T/p3.out"
else
	skip "on a terminal: no script(1)"
fi
