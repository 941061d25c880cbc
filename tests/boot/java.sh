#!/bin/bash
# java.sh: Debian's unmodified OpenJDK 17 in htux, its image made by
# htux run from the launcher alone (tools/mkimage/jdk.c packs java.home):
# java -version through the /usr/bin/java link; what the image holds and
# leaves out; a class compiled here with javac at test time using 8
# threads, ConcurrentHashMap, String.format, file I/O, a caught
# NullPointerException (interpreted and JIT-compiled: a SIGSEGV the JVM
# handles), StackOverflowError in the main thread and in a small-stack
# thread (the JVM's guard pages), a busy loop's CPU time through
# ThreadMXBean and ProcessHandle, System.exit(3); a
# com.sun.net.httpserver.HttpServer answering curl through htux run -p.
# The JVM runs with C1 only and the serial GC (quicker under TCG).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
JHOME=/usr/lib/jvm/java-17-openjdk-amd64
[ -x "$JHOME/bin/java" ] && [ -x "$JHOME/bin/javac" ] ||
	skip_all "OpenJDK 17 not installed (Debian package openjdk-17-jdk-headless)"
plan 11

JOPTS="-Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
SRC=$HTUX_SRCDIR/tests/progs/java
CLS=$HTUX_TMP/cls
"$JHOME/bin/javac" -d "$CLS" "$SRC/Work.java" "$SRC/Serve.java" >"$HTUX_TMP/javac.log" 2>&1 ||
	bail_out "javac failed: $(head -5 "$HTUX_TMP/javac.log")"

# ---- java -version, by the name on PATH when it is this JDK's launcher
JAVA=$JHOME/bin/java
if [ "$(readlink -f "$(command -v java)")" = "$JHOME/bin/java" ]; then
	JAVA=$(command -v java)
fi
want=$("$JAVA" $JOPTS -version 2>&1 >/dev/null) # on stderr
t0=$(date +%s)
htux_run "$JAVA" $JOPTS -version
HTUX_STDOUT=$(grep -v '^htux-mkimage: ' <<<"$HTUX_STDERR") # without the image maker's note
check_output_status "java -version ($JAVA, $(($(date +%s) - t0)) s)" "$want" 0

# ---- the image: java.home's runtime without the user listing it
img=$HTUX_TMP/java.cpio
"$HTUX_BUILDDIR/htux-mkimage" -o "$img" "$JAVA" -version 2>"$HTUX_TMP/mk.err"
list=$(cpio -it 2>/dev/null <"$img")
missing=
for f in "$JHOME/bin/java" "$JHOME/lib/jvm.cfg" "$JHOME/lib/modules" \
	"$JHOME/lib/server/libjvm.so" "$JHOME/lib/server/classes.jsa" "$JHOME/lib/libjava.so" \
	"$JHOME/lib/libnet.so" "$JHOME/lib/tzdb.dat" "$JHOME/conf/security/java.security" \
	"$(readlink -f "$JHOME/lib/jvm.cfg")"; do
	printf '%s\n' "$list" | grep -qxF "$f" || missing="$missing $f"
done
# libjvm.so's own DT_NEEDED (found as ld.so finds it)
printf '%s\n' "$list" | grep -q '/libstdc++\.so\.6$' || missing="$missing libstdc++.so.6"
extra=$(printf '%s\n' "$list" | grep -E '/(ct\.sym|libawt_xawt\.so|classes_nocoops\.jsa|src\.zip)$')
size=$(stat -c %s "$img" 2>/dev/null || echo 0)
if [ -z "$missing" ] && [ -z "$extra" ] && [ "$size" -lt $((200 << 20)) ]; then
	ok "image: java.home's lib/ and conf/, libjvm.so's libraries, $((size >> 20)) MiB"
else
	not_ok "image: java.home's lib/ and conf/" "missing:$missing" "not wanted: $extra" \
		"size $size" "$(cat "$HTUX_TMP/mk.err")"
fi
if [ "$JAVA" != "$JHOME/bin/java" ]; then
	tv=$(cpio -itv 2>/dev/null <"$img" | grep " $JAVA -> ")
	check "image: $JAVA stays a link to the launcher" test -n "$tv"
else
	skip "image: the java link" "java on PATH is not $JHOME/bin/java"
fi

# ---- a program: threads, collections, formatting, files, exceptions
mkdir -p "$HTUX_TMP/work"
want=$(cd / && "$JHOME/bin/java" $JOPTS -cp "$CLS" Work "$HTUX_TMP/work" 2>&1)
want_st=$?
t0=$(date +%s)
htux_run --add "$CLS" "$JHOME/bin/java" $JOPTS -cp "$CLS" Work /tmp
secs=$(($(date +%s) - t0))
line_ok() {
	# line_ok DESCRIPTION PATTERN: the line is in both outputs
	l=$(printf '%s\n' "$want" | grep -- "$2")
	if [ -n "$l" ] && printf '%s\n' "$HTUX_STDOUT" | grep -qxF -- "$l"; then
		ok "$1"
	else
		not_ok "$1" "host: $l"
		_show_run
	fi
}
line_ok "8 threads, ConcurrentHashMap, String.format" '^threads 8 '
line_ok "file I/O" '^file '
line_ok "NullPointerException caught (interpreter, then JIT-compiled code)" \
	'caught NullPointerException in compiled'
line_ok "StackOverflowError caught in main and in a 256 KiB thread" \
	'StackOverflowError in a thread deep true'
line_ok "CPU time as the JVM reads it (ThreadMXBean, ProcessHandle)" '^thread CPU time'
check_output_status "output as on the host, System.exit(3) ($secs s)" "$want" "$want_st"

# ---- com.sun.net.httpserver through a forwarded port
free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
if ! command -v curl >/dev/null || ! command -v python3 >/dev/null; then
	skip "HttpServer answers curl" "curl or python3 not installed"
	skip "HttpServer exits after /stop" "curl or python3 not installed"
	exit 0
fi
P=$(free_port)
t0=$(date +%s)
( timeout -k 5 150 "$HTUX_BUILDDIR/htux" run ${HTUX_ACCEL:---tcg} -p "$P:8000" --add "$CLS" \
	"$JHOME/bin/java" $JOPTS -cp "$CLS" Serve 8000 </dev/null \
	>"$HTUX_TMP/serve.out" 2>"$HTUX_TMP/serve.err"
  echo $? >"$HTUX_TMP/serve.st" ) &
GUEST=$!
got=
for i in $(seq 240); do
	got=$(curl -s --max-time 5 "http://127.0.0.1:$P/hello?x=1") && [ -n "$got" ] && break
	[ -f "$HTUX_TMP/serve.st" ] && break
	sleep 0.5
done
check "HttpServer answers curl on the host ($(($(date +%s) - t0)) s)" \
	test "$got" = "hello from java /hello?x=1"
stop=$(curl -s --max-time 10 "http://127.0.0.1:$P/stop")
for i in $(seq 300); do
	[ -f "$HTUX_TMP/serve.st" ] && break
	sleep 0.1
done
st=$(cat "$HTUX_TMP/serve.st" 2>/dev/null || echo none)
if [ "$stop" = "hello from java /stop" ] && [ "$st" = 0 ]; then
	ok "HttpServer exits with 0 after /stop"
else
	not_ok "HttpServer exits with 0 after /stop" "answer: $stop, status $st" \
		"$(cat "$HTUX_TMP/serve.out" "$HTUX_TMP/serve.err")"
	pkill -TERM -P "$GUEST" 2>/dev/null
fi
wait "$GUEST" 2>/dev/null
