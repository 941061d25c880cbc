#!/bin/bash
# shell.sh: Debian's unmodified busybox-static as a shell in htux: sh -c
# with pipelines, command substitution and exit statuses, a #!/bin/sh
# script, background jobs, a child killed by a signal (the VM goes on),
# ps and pidof,
# and a chain of file commands; the output and status must be those of the
# same busybox commands on the host. Then Debian's python3 starting
# programs with subprocess (vfork/posix_spawn) and os.fork, and a child
# killed for taking all memory while its parent goes on.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
BB=/bin/busybox
[ -x "$BB" ] && file -L "$BB" 2>/dev/null | grep -q 'statically linked' ||
	skip_all "Debian's busybox-static is not installed"
plan 16

D=$HTUX_TMP/data
W=$HTUX_TMP/work
mkdir -p "$D" "$HTUX_TMP/bin"
ln -sf "$BB" "$HTUX_TMP/bin/sh"
cat > "$D/script.sh" <<'SCRIPT'
#!/bin/sh
echo "script ${0##*/} with $# args: $*"
for a in "$@"; do echo "arg <$a>"; done
n=$(echo "$@" | wc -w)
echo "words: $n"
exit 3
SCRIPT
chmod 755 "$D/script.sh"
printf 'pear\napple\nfig\napple\nbanana\n' > "$D/fruit.txt"

# shell DESCRIPTION COMMAND: busybox sh -c COMMAND in htux (with /data
# added; htux-mkimage makes the applet links such as /bin/sh; /work is a
# fresh directory) gives the output and status busybox gives on the host,
# where /data and /work in COMMAND name the host's copies and sh is
# busybox too.
shell() {
	_d=$1
	_cmd=$2
	rm -rf "$W" && mkdir -p "$W"
	_h=${_cmd//\/data/$D}
	_h=${_h//\/work/$W}
	(cd "$W" && PATH=$HTUX_TMP/bin:$PATH "$BB" sh -c "$_h") > "$HTUX_TMP/want" 2>&1
	_want_st=$?
	_want=$(sed -e "s|$D|/data|g" -e "s|$W|/work|g" "$HTUX_TMP/want")
	HTUX_MERGE=1 htux_run --add "$D:/data" "$BB" sh -c "mkdir -p /work && cd /work && $_cmd"
	check_output_status "sh: $_d" "$_want" "$_want_st"
}

shell "a pipeline of four applets" 'echo a b c | tr " " "\n" | sort -r | head -2'
shell "exit statuses" 'false; echo $?; true; echo $?; sh -c "exit 7"; echo $?; (exit 9); echo $?; ! true; echo $?'
shell "command substitution" 'x=$(echo one; echo two | tr o 0); echo "$x"; echo "lines: $(echo "$x" | wc -l)"; echo $(sort -u /data/fruit.txt)'
shell "a #!/bin/sh script" '/data/script.sh "a b" c; echo "status $?"'
shell "a script run by sh, and sourced" 'sh /data/script.sh x; echo "status $?"; (. /data/script.sh y z); echo "status $?"'
shell "a while loop reading a pipe" 'seq 1 5 | while read n; do echo $((n * n)); done | sort -rn | head -3'
shell "background jobs and wait" 'sleep 0.2 & p=$!; echo started; wait $p; echo "waited: $?"; (exit 4) & wait $!; echo "job: $?"'
shell "a child killed by a signal: the shell goes on" 'sh -c "kill -9 \$\$"; echo "status $?"; sh -c "kill -TERM \$\$"; echo "status $?"'
shell "redirections and fds" 'echo out > f; echo more >> f; cat < f; ls nothere 2>/dev/null || echo "ls failed"; exec 3> g; echo three >&3; exec 3>&-; cat g'
# ps and pidof read /proc/<pid> of every process: the shell's children as
# ps lists them (the host has more processes, so only those), and pidof
# finds the two sleeps (each named "sleep" once it has run prctl).
shell "ps and pidof see the other processes" 'sleep 5 & a=$!; sleep 6 & b=$!; for x in $a $b; do i=0; while [ "$(cat /proc/$x/comm)" != sleep ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; done; ps -o ppid,comm > ps.out; awk -v me=$$ "\$1 == me { print \$2 }" ps.out | sort; p=" $(pidof sleep) "; n=0; for x in $a $b; do n=$((n + 1)); case "$p" in *" $x "*) echo "pidof lists sleep $n";; esac; done; kill $a $b; wait; echo done'
shell "files: mkdir cp mv rm tar find" 'mkdir -p a/b/c && echo hello > a/b/c/f && cp a/b/c/f a/g && mv a/g a/h && cp -r a a2 && rm -r a2 && tar cf t.tar a && rm -r a && tar xf t.tar && find a | sort && cat a/h'
cp "$HTUX_SRCDIR/tests/progs/shell_script.sh" "$D/long.sh"
shell "a longer script: functions, here-documents, read, xargs, tar czf (gzip by \$PATH)" 'sh /data/long.sh /work'
shell "files: gzip gunzip sed awk sort -u dd" 'printf "b\na\nb\nc\n" > l && gzip l && ls && gunzip -c l.gz | sort -u && gunzip l.gz && sed -n "s/b/B/p" l && awk "{ s = s \$0 } END { print s, NR }" l && dd if=/dev/zero bs=512 count=3 2>/dev/null | wc -c && dd if=l of=m bs=1 skip=2 2>/dev/null && cat m'

# The image of busybox has its applets as links (htux-mkimage).
htux_run "$BB" sh -c 'readlink /bin/sh; readlink /usr/bin/wc; ls /bin/tar'
check_output_status "applet links in the image: /bin/sh, /usr/bin/wc, /bin/tar" \
	"$(printf '/bin/busybox\n/bin/busybox\n/bin/tar')" 0

# python3's subprocess: posix_spawn or vfork + exec, pipes both ways, os.fork.
PY=/usr/bin/python3
if [ -x $PY ] && [ -d /usr/lib/python3.11 ]; then
	_want=$($PY "$HTUX_SRCDIR/tests/progs/pyspawn.py" 2>&1)
	_want_st=$?
	htux_run --add /usr/lib/python3.11 --add "$BB" \
		--add "$HTUX_SRCDIR/tests/progs/pyspawn.py:/pyspawn.py" $PY /pyspawn.py
	check_output_status "python3: subprocess.run, Popen with pipes, os.fork" "$_want" "$_want_st"
else
	skip "python3: subprocess" "no python3.11"
fi

# A child that takes all memory is killed; the VM and its parent go on.
if build_static oomchild progs/oomchild.c musl; then
	htux_run -m 32M "$HTUX_TMP/oomchild"
	_lines=$(printf '%s\n' "$HTUX_STDOUT" | grep -v '^htux: out of memory: killed pid [0-9]* (oomchild), [0-9]* KiB resident (page fault at [0-9a-f]*); give the VM more with -m$')
	_htux=$(printf '%s\n' "$HTUX_STDOUT" | grep -c '^htux: ')
	_got="status $HTUX_STATUS, $_htux htux: line(s), $_lines"
	check "a child out of memory is killed (SIGKILL) with one htux: line, its parent goes on" \
		[ "$_got" = "status 0, 1 htux: line(s), $(printf 'child: killed by 9\nparent goes on')" ]
else
	not_ok "oomchild builds"
fi
