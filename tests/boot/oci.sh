#!/bin/bash
# oci.sh: container images in and out: htux run --oci and htux-mkimage --oci with
# OCI image layouts built here with umoci (no registry) and a docker save
# archive made from one with skopeo: a busybox image whose layers white
# out a file and add a hard link, with Entrypoint, Cmd, Env, WorkingDir
# and User; a dynamic glibc program with its libraries, found along the
# image's PATH, compared with the same program run on the host; ARGS
# replacing Cmd; -e and --user overriding the image; plain QEMU booting
# the image htux-mkimage made; one clear line for each bad input; and
# htux-mkimage --format oci, read back with skopeo and umoci and booted.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc glibc
command -v umoci > /dev/null || skip_all "umoci is not installed (tools/install-deps)"
command -v skopeo > /dev/null || skip_all "skopeo is not installed (tools/install-deps)"
[ -x /bin/busybox ] || skip_all "busybox-static is not installed"
plan 20
export TMPDIR=$HTUX_TMP

L=$HTUX_TMP/layout
B=$HTUX_TMP/bundle
MK=$HTUX_BUILDDIR/htux-mkimage
umoci init --layout "$L" || bail_out "umoci init failed"

# new_image TAG: an empty image TAG unpacked into $B (rootless).
new_image() {
	rm -rf "$B"
	umoci new --image "$L:$1" && umoci unpack --rootless --image "$L:$1" "$B"
}
# layer TAG: $B's changes as a new layer of TAG.
layer() {
	umoci repack --image "$L:$1" "$B" && rm -rf "$B" &&
		umoci unpack --rootless --image "$L:$1" "$B"
}

# busybox: the base layer, then one that whites out /data/gone and adds
# /data/link, a hard link to /data/keep, then /home/app owned by app
# (1000:1000; a tar made here, added as it is)
{
	new_image bb &&
		mkdir -p "$B/rootfs/bin" "$B/rootfs/etc" "$B/rootfs/data" &&
		cp /bin/busybox "$B/rootfs/bin/busybox" && ln -s busybox "$B/rootfs/bin/sh" &&
		printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n' \
			> "$B/rootfs/etc/passwd" &&
		echo kept > "$B/rootfs/data/keep" && echo gone > "$B/rootfs/data/gone" &&
		layer bb &&
		rm "$B/rootfs/data/gone" && ln "$B/rootfs/data/keep" "$B/rootfs/data/link" &&
		layer bb &&
		mkdir -p "$HTUX_TMP/own/home/app" && echo mine > "$HTUX_TMP/own/home/app/f" &&
		tar -C "$HTUX_TMP/own" --owner=1000 --group=1000 --numeric-owner \
			-cf "$HTUX_TMP/own.tar" home &&
		umoci raw add-layer --image "$L:bb" "$HTUX_TMP/own.tar" &&
		umoci config --image "$L:bb" --config.entrypoint /bin/sh --config.entrypoint -c \
			--config.cmd 'pwd; id -u; echo "$VAR" "$HOME"; ls -1 /data; cat /data/link' \
			--config.env VAR=hello --config.workingdir /work --config.user app
} > "$HTUX_TMP/umoci.log" 2>&1 || bail_out "cannot build the busybox image: $(cat "$HTUX_TMP/umoci.log")"

# 1: the layers really hold a whiteout and a hard link
layers=$(for f in "$L"/blobs/sha256/*; do tar -tvzf "$f" 2> /dev/null; done)
case $layers in
*"data/.wh.gone"*"data/link link to data/keep"*) ok "the layers hold a whiteout and a hard link" ;;
*) not_ok "the layers hold a whiteout and a hard link" "$layers" ;;
esac

# 2: entrypoint + cmd with the image's env, working directory and user;
# the whiteout applied, the hard link there
bb_out="/work
1000
hello /home/app
keep
link
kept"
htux_run --oci "$L:bb"
check_output_status "--oci: entrypoint + cmd, env, workdir, user, layers" "$bb_out" 0

# 3: ARGS replace cmd, not the entrypoint
htux_run --oci "$L:bb" 'echo "$0" "$1" $(id -u); exit 7' zero one
check_output_status "--oci IMAGE ARGS: ARGS replace cmd" "zero one 1000" 7

# 4: -e and --user override the image's (HOME then the user's)
htux_run -e VAR=over --user 0 --oci "$L:bb" 'echo "$VAR" "$HOME" $(id -u)'
check_output_status "--oci with -e and --user" "over /root 0" 0

# 5: the hard link is one file in the guest too (one inode, two names)
htux_run --user 0 --oci "$L:bb" \
	'stat -c %h /data/link; [ /data/keep -ef /data/link ] && echo same; echo new > /data/keep; cat /data/link'
check_output_status "--oci: a hard link in a layer stays a hard link" "2
same
new" 0

# 5a: owners as in the image: app owns /home/app and may write there
htux_run --oci "$L:bb" 'stat -c "%u:%g %n" /home/app /home/app/f /bin/busybox; echo w > /home/app/new && cat /home/app/new'
check_output_status "--oci: files keep their owners from the image" "1000:1000 /home/app
1000:1000 /home/app/f
0:0 /bin/busybox
w" 0

# 5b: the kernel takes GNU cpio's hard links too (the data on the last name)
G=$HTUX_TMP/gnu
mkdir -p "$G/bin" "$G/d" && cp /bin/busybox "$G/bin/busybox" && echo data > "$G/d/a" &&
	ln "$G/d/a" "$G/d/b" && ln "$G/d/a" "$G/d/c"
(cd "$G" && find . | cpio -o -H newc --quiet > "$HTUX_TMP/gnu.cpio")
out=$(timeout -k 5 60 "$HTUX_QEMU" $HTUX_QEMU_ACCEL -m 128M -kernel "$HTUX_BUILDDIR/htux.elf" \
	-initrd "$HTUX_TMP/gnu.cpio" -append '-- /bin/busybox sh -c "cat /d/a /d/b /d/c; stat -c %h /d/b"' \
	-display none -monitor none -serial stdio -no-reboot < /dev/null 2> "$HTUX_TMP/qemu.err")
check "GNU cpio's hard links (data on the last name): one file, three names" \
	[ "$out" = "$(printf 'data\ndata\ndata\n3')" ]

# 6: htux-mkimage --oci, booted by plain QEMU (status S leaves QEMU as 2S+1)
"$MK" -o "$HTUX_TMP/bb.cpio" --oci "$L:bb" 'cat /data/keep; exit 3' > "$HTUX_TMP/mk.out" 2>&1
out=$(timeout -k 5 60 "$HTUX_QEMU" $HTUX_QEMU_ACCEL -m 128M -kernel "$HTUX_BUILDDIR/htux.elf" \
	-initrd "$HTUX_TMP/bb.cpio" -display none -monitor none -serial stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 < /dev/null 2> "$HTUX_TMP/qemu.err")
st=$?
if [ "$out" = kept ] && [ $st = 7 ]; then
	ok "htux-mkimage --oci + plain QEMU"
else
	not_ok "htux-mkimage --oci + plain QEMU" "status $st, output: $out" \
		"$(cat "$HTUX_TMP/mk.out" "$HTUX_TMP/qemu.err")"
fi

# a dynamic glibc program with its libraries, found along the image's PATH
cat > "$HTUX_TMP/dyn.c" << 'EOF'
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	char line[64] = "";
	FILE *f = fopen("data.txt", "r"); /* from the working directory */
	if (f && fgets(line, sizeof line, f))
		fclose(f);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	printf("GREETING=%s HOME=%s data=%s", getenv("GREETING"), getenv("HOME"), line);
	return 5;
}
EOF
${CC:-cc} -O2 -o "$HTUX_TMP/dyn" "$HTUX_TMP/dyn.c" || bail_out "cannot build dyn"
{
	new_image dyn && mkdir -p "$B/rootfs/app" && cp "$HTUX_TMP/dyn" "$B/rootfs/app/hello" &&
		echo payload > "$B/rootfs/app/data.txt" &&
		for lib in $(ldd "$HTUX_TMP/dyn" | grep -o '/[^ ]*'); do
			mkdir -p "$B/rootfs$(dirname "$lib")" && cp -L "$lib" "$B/rootfs$lib" || exit 1
		done &&
		layer dyn &&
		umoci config --image "$L:dyn" --config.cmd hello --config.cmd one \
			--config.cmd 'two words' --config.env PATH=/usr/bin:/app \
			--config.env GREETING=hi --config.workingdir /app
} > "$HTUX_TMP/umoci.log" 2>&1 || bail_out "cannot build the dyn image: $(cat "$HTUX_TMP/umoci.log")"
# the same program on the host, with the same argv, env and working
# directory contents (the image has no /etc/passwd: HOME=/)
want=$(cd "$B/rootfs/app" && env -i GREETING=hi HOME=/ PATH=/usr/bin:. \
	hello one 'two words')
want_st=$?

# 7: as on the host
htux_run --oci "$L:dyn"
check_output_status "--oci: a dynamic program found along the image's PATH, as on the host" \
	"$want" "$want_st"

# 8-9: a docker save archive (skopeo copy ... docker-archive:), with ARGS
skopeo --insecure-policy copy -q "oci:$L:dyn" "docker-archive:$HTUX_TMP/dyn.tar:htux/dyn:1" \
	> "$HTUX_TMP/skopeo.log" 2>&1 || bail_out "skopeo copy failed: $(cat "$HTUX_TMP/skopeo.log")"
htux_run --oci "$HTUX_TMP/dyn.tar"
check_output_status "--oci ARCHIVE.tar (docker save)" "$want" "$want_st"
want=$(cd "$B/rootfs/app" && env -i GREETING=hi HOME=/ PATH=/usr/bin:. hello x)
htux_run --oci "$HTUX_TMP/dyn.tar:htux/dyn:1" hello x
check_output_status "--oci ARCHIVE.tar:NAME:TAG with ARGS" "$want" 5

# 10-14: bad input: one line naming the file and the fix, status 1
mkdir "$HTUX_TMP/notalayout"
htux_run --oci "$HTUX_TMP/notalayout"
check_stderr_contains "a directory that is not an image layout" \
	"htux-mkimage: $HTUX_TMP/notalayout: not an OCI image layout (no oci-layout file); make one with: skopeo copy docker-archive:FILE oci:$HTUX_TMP/notalayout:TAG"
htux_run --oci "$L:nope"
check_stderr_contains "a tag the layout lacks" \
	"htux-mkimage: $L: no tag 'nope' in this image layout (it has: bb dyn); give $L:TAG"
htux_run --oci "$L:bb"x
check_status "... status 1" 1
umoci config --image "$L:dyn" --tag broken --config.cmd /bin/missing > /dev/null 2>&1 ||
	bail_out "umoci config failed"
htux_run --oci "$L:broken"
check_stderr_contains "an entrypoint missing from the root filesystem" \
	"htux-mkimage: $L:broken: /bin/missing (its Entrypoint/Cmd, or ARGS) is not an executable file in the image's root filesystem"
htux_run --oci "$HTUX_TMP/none.tar"
check_stderr_contains "a path that does not exist" \
	"htux-mkimage: $HTUX_TMP/none.tar: No such file or directory (--oci takes"

# 15-17: the output side: --format oci wraps htux.elf and the image (here
# made from the busybox image) into an OCI image whose annotations, labels
# and /urunc.json say how to boot it (urunc's convention); skopeo and
# umoci read it, and the files it holds boot under plain QEMU
O=$HTUX_TMP/out
"$MK" --format oci -o "$O:v1" --oci "$L:bb" 'echo from-oci; exit 4' > "$HTUX_TMP/mk.out" 2>&1 ||
	diag "$(cat "$HTUX_TMP/mk.out")"
raw=$(skopeo inspect --raw "oci:$O:v1" 2>&1)
labels=$(skopeo inspect "oci:$O:v1" 2>&1 | tr -d ' \n')
case $raw$labels in
*'"com.urunc.unikernel.binary":"/htux/htux.elf"'*'"com.urunc.unikernel.initrd":"/htux/app.cpio"'*'"com.urunc.unikernel.binary":"/htux/htux.elf"'*)
	ok "--format oci: urunc's annotations on the manifest and as labels" ;;
*) not_ok "--format oci: urunc's annotations on the manifest and as labels" "$raw" "$labels" ;;
esac
rm -rf "$B"
umoci unpack --rootless --image "$O:v1" "$B" > "$HTUX_TMP/umoci.log" 2>&1 ||
	diag "$(cat "$HTUX_TMP/umoci.log")"
t=$(grep -o '"com.urunc.unikernel.unikernelType":"[^"]*"' "$B/rootfs/urunc.json" | cut -d'"' -f4)
check "--format oci: /urunc.json (base64 values)" [ "$(echo "$t" | base64 -d)" = htux ]
out=$(timeout -k 5 60 "$HTUX_QEMU" $HTUX_QEMU_ACCEL -m 128M -kernel "$B/rootfs/htux/htux.elf" \
	-initrd "$B/rootfs/htux/app.cpio" -display none -monitor none -serial stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 < /dev/null 2> "$HTUX_TMP/qemu.err")
st=$?
if [ "$out" = from-oci ] && [ $st = 9 ]; then
	ok "--format oci: its kernel and initrd boot under plain QEMU"
else
	not_ok "--format oci: its kernel and initrd boot under plain QEMU" "status $st: $out" \
		"$(cat "$HTUX_TMP/qemu.err")"
fi

# 18: nothing left behind in TMPDIR
left=$(ls "$HTUX_TMP" | grep htux-oci)
check "no htux-oci temporary directory left" [ -z "$left" ]
