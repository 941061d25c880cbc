#!/bin/bash
# tests/fuzz/run.sh: libFuzzer targets for the parsers that read what a
# user or an image hands us, built for the host with clang
# (-fsanitize=fuzzer,address,undefined) and run with a fixed seed:
#   elf      htux-mkimage's ELF readers (tools/mkimage/elfcheck.c, elfdyn.c)
#   cpio     the kernel's initrd unpacker (fs/minifs/cpio.c)
#   cmdline  the kernel's command-line parser (kernel/cmdline.c)
# The kernel's files are compiled unchanged against the small host
# stand-ins in tests/fuzz/shim. Each target runs HTUX_FUZZ_SECONDS
# (default 15: make check; `make fuzz` gives 600) and must end without a
# crash, a sanitizer report, a leak or a timeout. A failure keeps the
# input that caused it in $HTUX_FUZZ_OUT (default: the build directory's
# fuzz-artifacts/) and shows the report's first lines.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"

SECONDS_EACH=${HTUX_FUZZ_SECONDS:-15}
OUT=${HTUX_FUZZ_OUT:-$HTUX_BUILDDIR/fuzz-artifacts}
CLANG=${HTUX_CLANG:-clang}
S=$HTUX_SRCDIR
F=$HTUX_TMP/fuzz
FLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"

command -v "$CLANG" >/dev/null 2>&1 || skip_all "no clang (tools/install-deps installs it)"
mkdir -p "$F"
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' > "$F/probe.c"
"$CLANG" $FLAGS "$F/probe.c" -o "$F/probe" 2>/dev/null || skip_all "$CLANG cannot build libFuzzer targets"

plan 6

# build NAME SOURCES... [FLAGS]: the target $F/fuzz_NAME.
build() {
	_n=$1
	shift
	if "$CLANG" $FLAGS "$@" -o "$F/fuzz_$_n" 2> "$F/$_n.cc"; then
		ok "$_n: the target builds"
	else
		not_ok "$_n: the target builds" "$(head -20 "$F/$_n.cc")"
	fi
}

# fuzz NAME: runs the target on the seeds in $F/NAME.seeds.
fuzz() {
	_n=$1
	if [ ! -x "$F/fuzz_$_n" ]; then
		not_ok "$_n: $SECONDS_EACH s of fuzzing" "not built"
		return
	fi
	mkdir -p "$F/$_n.corpus" "$OUT"
	(cd "$F" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		timeout -k 10 $((SECONDS_EACH + 120)) "./fuzz_$_n" -seed=1 \
		-max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$OUT/$_n-" "$_n.corpus" "$_n.seeds" > "$_n.log" 2>&1)
	_st=$?
	_runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$F/$_n.log")
	if [ $_st = 0 ] && [ -n "$_runs" ]; then
		ok "$_n: $SECONDS_EACH s of fuzzing, $_runs inputs, no crash"
	else
		not_ok "$_n: $SECONDS_EACH s of fuzzing" "status $_st; inputs kept in $OUT" \
			"$(grep -E 'ERROR|SUMMARY|^ +#[0-9] ' "$F/$_n.log" | head -16)"
	fi
}

# Seeds: real inputs of each kind.
mkdir -p "$F/elf.seeds" "$F/cpio.seeds" "$F/cmdline.seeds" "$F/tree/d/e"
for p in /bin/true /usr/lib/x86_64-linux-gnu/libelf.so.1 "$HTUX_BUILDDIR/htux-mkimage"; do
	[ -f "$p" ] && cp "$p" "$F/elf.seeds/"
done
echo hello > "$F/tree/d/f"
ln -s d "$F/tree/l"
ln -s /d/e "$F/tree/abs"
ln "$F/tree/d/f" "$F/tree/hard"
if [ -x "$HTUX_BUILDDIR/htux-mkimage" ]; then
	(cd "$F/tree" && "$HTUX_BUILDDIR/htux-mkimage" -o "$F/cpio.seeds/tree.cpio" \
		--add d:/d --add l:/l --add abs:/abs /bin/true >/dev/null 2>&1)
fi
if command -v cpio >/dev/null; then
	(cd "$F/tree" && find . | cpio -o -H newc 2>/dev/null > "$F/cpio.seeds/hardlinks.cpio")
fi
printf '%s' 'verbose -- /prog a b' > "$F/cmdline.seeds/1"
printf '%s' "/boot/htux.elf ip=10.0.2.15/24 mount.vda=/data TZ=UTC 'a b' -- x \"y\\z\"" > "$F/cmdline.seeds/2"
printf '%s' 'console=hvc strace syscall_summary virtio_mmio.device=512@0xfeb00e00:12 quiet' > "$F/cmdline.seeds/3"

build elf "$S/tests/fuzz/fuzz_elf.c" "$S/tools/mkimage/elfcheck.c" "$S/tools/mkimage/elfdyn.c" \
	-I"$S/tools/mkimage" -lelf
build cpio "$S/tests/fuzz/fuzz_cpio.c" "$S/fs/minifs/cpio.c" -I"$S/tests/fuzz/shim" -I"$S"
build cmdline "$S/tests/fuzz/fuzz_cmdline.c" "$S/kernel/cmdline.c" -I"$S/tests/fuzz/shim" -I"$S"
fuzz elf
fuzz cpio
fuzz cmdline
