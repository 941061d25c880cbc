#!/bin/bash
# busybox.sh: Debian's unmodified busybox-static runs single-process
# applets in htux with the same output and status as on the host.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
BB=/bin/busybox
[ -x "$BB" ] && file -L "$BB" 2>/dev/null | grep -q 'statically linked' ||
	skip_all "Debian's busybox-static is not installed"
plan 24

D=$HTUX_TMP/data
mkdir -p "$D/sub"
printf 'pear\napple\nfig\napple\nbanana\n' > "$D/fruit.txt"
printf 'The quick brown fox\njumps over the lazy dog\n' > "$D/fox.txt"
echo inner > "$D/sub/inner.txt"
(cd "$D" && tar cf archive.tar fox.txt sub && gzip -c fruit.txt > fruit.gz)

# applet DESCRIPTION ARGS...: busybox ARGS in htux (the data added at
# /data) gives the output and status busybox gives on the host, run there
# with /data in the arguments pointing at the same files.
applet() {
	_d=$1
	shift
	_host=()
	for _a in "$@"; do _host+=("${_a//\/data/$D}"); done
	"$BB" "${_host[@]}" > "$HTUX_TMP/want" 2>&1
	_want_st=$?
	_want=$(sed "s|$D|/data|g" "$HTUX_TMP/want")
	HTUX_MERGE=1 htux_run --add "$D:/data" "$BB" "$@"
	check_output_status "busybox $_d" "$_want" "$_want_st"
}

# applet_stdin DESCRIPTION ARGS...: the same with $HTUX_STDIN as standard
# input on both sides (htux's console sees end-of-file after it).
applet_stdin() {
	_d=$1
	shift
	_want=$("$BB" "$@" < "$HTUX_STDIN" 2>&1)
	_want_st=$?
	HTUX_MERGE=1 htux_run "$BB" "$@"
	check_output_status "busybox $_d" "$_want" "$_want_st"
}

applet "echo" echo hello from busybox
applet "cat" cat /data/fruit.txt /data/fox.txt
applet "ls -1" ls -1 /data /data/sub
applet "wc" wc /data/fruit.txt /data/fox.txt
applet "sort" sort /data/fruit.txt
applet "sort -u -r" sort -u -r /data/fruit.txt
applet "md5sum" md5sum /data/fruit.txt /data/fox.txt
applet "sha256sum" sha256sum /data/fox.txt
applet "head" head -n 2 /data/fruit.txt
HTUX_STDIN=$D/fox.txt applet_stdin "tr (stdin to EOF)" tr a-z A-Z
applet "uniq" uniq /data/fruit.txt
applet "sh -c with a loop of builtins" sh -c 'i=0; while [ $i -lt 5 ]; do echo "i=$i"; i=$((i+1)); done; test -f /data/fox.txt && echo yes; exit 3'
applet "grep" grep -n o /data/fox.txt
applet "cat of a missing file fails" cat /data/missing
applet "find" find /data -name 'inner*'
applet "sed" sed -e s/apple/APPLE/ -e 3d /data/fruit.txt
applet "awk" awk '{ n += length($0) } END { print n, NR }' /data/fruit.txt
applet "sort -k1,1r" sort -k1,1r /data/fox.txt
applet "dd" dd if=/data/fox.txt bs=4 count=3 skip=1 status=none
applet "tar -tvf" tar -tvf /data/archive.tar
applet "tar -xOf" tar -xOf /data/archive.tar sub/inner.txt
applet "gunzip -c" gunzip -c /data/fruit.gz
applet "cut" cut -d ' ' -f 2 /data/fox.txt
applet "od -c" od -c /data/sub/inner.txt
