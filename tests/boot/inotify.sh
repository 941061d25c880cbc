#!/bin/bash
# inotify.sh: GNU coreutils' tail following files with inotify in htux,
# driven by busybox sh (run by its path: the shell would run its own
# tail): tail -f with a 30-second polling interval prints lines appended
# a second apart at once (without inotify it would wait for its next
# poll), and tail -F follows a log that is renamed away and made again
# (IN_MOVE_SELF, IN_CREATE in its directory). Output and status must be
# the host's.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
BB=/bin/busybox
TAIL=/usr/bin/tail
[ -x "$BB" ] && file -L "$BB" 2>/dev/null | grep -q 'statically linked' ||
	skip_all "Debian's busybox-static is not installed"
[ -x "$TAIL" ] && "$TAIL" --version 2>/dev/null | grep -q 'GNU coreutils' ||
	skip_all "GNU tail is not installed"
plan 2

# follow DESCRIPTION SCRIPT: SCRIPT (busybox sh, in a fresh directory
# named by $W) prints the same in htux as on the host.
follow() {
	printf 'cd "$W"\n%s\n' "$2" > "$HTUX_TMP/t.sh"
	rm -rf "$HTUX_TMP/w" && mkdir -p "$HTUX_TMP/w"
	_want=$(W=$HTUX_TMP/w PATH=/usr/bin:/bin "$BB" sh "$HTUX_TMP/t.sh" 2>/dev/null)
	_want_st=$?
	_libs=
	for _l in $(ldd "$TAIL" | grep -o '/[^ ]*'); do
		_libs="$_libs --add $_l"
	done
	htux_run --add "$TAIL" $_libs --add "$HTUX_TMP/t.sh:/t.sh" "$BB" sh -c \
		'mkdir -p /tmp/w && W=/tmp/w sh /t.sh 2>/dev/null'
	check_output_status "$1" "$_want" "$_want_st"
}

follow "tail -f -s 30 prints appended lines at once" '
echo one > log
/usr/bin/tail -f -s 30 log > out &
t=$!
sleep 1
echo two >> log
sleep 1
echo three >> log
sleep 1
kill $t
wait $t
echo "tail: $?"
cat out'

follow "tail -F -s 30 follows a log renamed away and made again" '
echo one > log
/usr/bin/tail -F -s 30 log > out &
t=$!
sleep 1
echo two >> log
sleep 1
mv log log.old
echo new > log
sleep 1
echo more >> log
sleep 1
kill $t
wait $t
echo "tail: $?"
cat out'
