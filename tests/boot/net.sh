#!/bin/bash
# net.sh: TCP/IP over virtio-net on QEMU's user network, driven from the
# host through ports forwarded with htux run -p (127.0.0.1 only): a static
# C echo server (100 connections open at once, 10 MiB echoed, UDP; also on
# microvm), a static address (ip=), Debian's redis-server (redis-cli,
# redis-benchmark), busybox httpd (a file and a 10 MiB file fetched with
# curl; it forks a child per request; it listens on :: and takes IPv4 as
# ::ffff:a.b.c.d), python3 -m http.server (also with --bind ::), a Go
# net/http server (on :: too); IPv6 out of the guest (its address from
# QEMU's router advertisement) to a server on the host's ::1; and the errors for a host port in use and
# a bad ip= option.
# Each guest runs in the background; the test waits for its port (with a
# timeout), runs the client, then the server exits or the guest is killed.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc glibc
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
plan 18

CLIENT=$HTUX_SRCDIR/tests/progs/net/client.py

# A free TCP and UDP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket
for _ in range(50):
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass'
}

# guest_start NAME HTUX-RUN-ARGS...: boots in the background; output in
# $HTUX_TMP/NAME.out, status in $HTUX_TMP/NAME.status when it ends.
guest_start() {
	_n=$1
	shift
	rm -f "$HTUX_TMP/$_n.status"
	( timeout -k 5 150 "$HTUX_BUILDDIR/htux" run ${HTUX_ACCEL:---tcg} "$@" </dev/null \
		>"$HTUX_TMP/$_n.out" 2>"$HTUX_TMP/$_n.err"
	  echo $? >"$HTUX_TMP/$_n.status.tmp" && mv "$HTUX_TMP/$_n.status.tmp" "$HTUX_TMP/$_n.status" ) &
	GUEST_PID=$!
}

# guest_wait NAME SECONDS: waits for the guest to end; its status or "none".
guest_wait() {
	for _i in $(seq $(($2 * 10))); do
		[ -f "$HTUX_TMP/$1.status" ] && { cat "$HTUX_TMP/$1.status"; return; }
		sleep 0.1
	done
	echo none
}

guest_kill() {
	pkill -TERM -P "$GUEST_PID" 2>/dev/null   # the timeout in the subshell
	wait "$GUEST_PID" 2>/dev/null
}

# ---- the echo server
build_static echo_server progs/net/echo_server.c glibc || bail_out "cannot build echo_server"
P=$(free_port)
guest_start echo -p "$P:7777" -p "$P:7777/udp" "$HTUX_TMP/echo_server" 7777
if [ "$(python3 "$CLIENT" wait "$P" 60)" = up ]; then
	r=$(python3 "$CLIENT" many "$P" 100)
	check "echo: 100 connections open at once ($r)" test "$r" = "100 connections open at once, 0 wrong"
	r=$(python3 "$CLIENT" bulk "$P" 10)
	check "echo: 10 MiB through one connection ($r)" test "$r" = "10 MiB echoed: same bytes"
	r=$(python3 "$CLIENT" udp "$P")
	check "echo: a UDP datagram ($r)" test "$r" = "udp echo: datagram"
	python3 "$CLIENT" quit "$P" >/dev/null
	st=$(guest_wait echo 30)
	# 103 connections and the readiness probe's: more than one of those
	# may reach the server when the host is slow to see its answer.
	n=$(sed -n 's/^served \([0-9]*\) connections$/\1/p' "$HTUX_TMP/echo.out" | tail -n 1)
	check "echo: the server exits 0 after quit (status $st, served ${n:-?})" test "$st" = 0 -a "${n:-0}" -ge 103
else
	for t in "100 connections" "10 MiB" "UDP" "exit"; do
		not_ok "echo: $t" "the guest did not answer on port $P" "$(cat "$HTUX_TMP/echo.err")"
	done
fi
guest_kill

# ---- the same on microvm (virtio-net over MMIO)
P=$(free_port)
guest_start echo-mv --machine microvm -p "$P:7777" "$HTUX_TMP/echo_server" 7777
if [ "$(python3 "$CLIENT" wait "$P" 60)" = up ]; then
	r=$(python3 "$CLIENT" bulk "$P" 1)
	python3 "$CLIENT" quit "$P" >/dev/null
	st=$(guest_wait echo-mv 30)
	check "microvm: 1 MiB echoed, the server exits 0 ($r, status $st)" test "$r" = "1 MiB echoed: same bytes" -a "$st" = 0
else
	not_ok "microvm: 1 MiB echoed" "the guest did not answer on port $P" "$(cat "$HTUX_TMP/echo-mv.err")"
fi
guest_kill

# ---- a host port in use: a clear error, nothing booted
P=$(free_port)
rm -f "$HTUX_TMP/busy.up"
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
open(sys.argv[2], "w").close(); time.sleep(60)' "$P" "$HTUX_TMP/busy.up" &
busy=$!
# the port is taken once the listener says so (however slow the machine)
for _i in $(seq 300); do [ -f "$HTUX_TMP/busy.up" ] && break; sleep 0.1; done
HTUX_TIMEOUT=30 htux_run -p "$P:80" "$HTUX_TMP/echo_server"
kill $busy 2>/dev/null
wait $busy 2>/dev/null
if [ "$HTUX_STATUS" = 125 ] && [ "$HTUX_STDERR" = "htux: -p $P:80: host port $P/tcp: already in use" ]; then
	ok "a host port in use: one-line error, status 125"
else
	not_ok "a host port in use: one-line error, status 125" "status $HTUX_STATUS" "$HTUX_STDERR"
fi

# ---- a static address: ip= on the kernel command line
BUSYBOX=$(command -v busybox)
if [ -n "$BUSYBOX" ]; then
	htux_run --net --append 'ip=10.0.2.15/24,10.0.2.2,10.0.2.99' "$BUSYBOX" cat /etc/resolv.conf
	check_output_status "ip=ADDR/PREFIX,GATEWAY,DNS: /etc/resolv.conf names the DNS" "nameserver 10.0.2.99" 0
	htux_run --net --append 'ip=10.0.2.300/24' "$BUSYBOX" true
	if [ "$HTUX_STATUS" = 125 ] && [ "$HTUX_STDOUT" = "htux: bad ip= option '10.0.2.300/24' (want ip=ADDR/PREFIX[,GATEWAY[,DNS]], e.g. ip=10.0.2.15/24,10.0.2.2)" ]; then
		ok "a bad ip= option: one-line error, status 125"
	else
		not_ok "a bad ip= option: one-line error, status 125" "status $HTUX_STATUS" "$HTUX_STDOUT"
	fi
else
	skip "ip=: /etc/resolv.conf" "busybox-static not installed"
	skip "a bad ip= option" "busybox-static not installed"
fi

# ---- IPv6 out: the guest's SLAAC address, to QEMU's fec0::2, which is the
# host's ::1
if [ -n "$BUSYBOX" ] && python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	mkdir -p "$HTUX_TMP/v6w"
	echo "the host over IPv6" >"$HTUX_TMP/v6w/v6.txt"
	python3 -c 'import functools, http.server, socket, sys
class S(http.server.HTTPServer):
    address_family = socket.AF_INET6
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
s = S(("::1", 0), h)
print(s.server_address[1], flush=True)
s.timeout = 60
s.handle_request()' "$HTUX_TMP/v6w" >"$HTUX_TMP/v6.port" 2>"$HTUX_TMP/v6.log" &
	v6srv=$!
	for i in $(seq 50); do [ -s "$HTUX_TMP/v6.port" ] && break; sleep 0.1; done
	P=$(cat "$HTUX_TMP/v6.port")
	# the address is valid once the advertisement came and DAD ended: retry
	htux_run --net "$BUSYBOX" sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do
		busybox wget -q -O - 'http://[fec0::2]:$P/v6.txt' 2>/dev/null && exit 0; sleep 1; done; exit 1"
	kill $v6srv 2>/dev/null
	wait $v6srv 2>/dev/null
	check_output_status "IPv6 out: wget http://[fec0::2] reaches the host's ::1" "the host over IPv6" 0
else
	skip "IPv6 out: wget http://[fec0::2]" "busybox-static not installed or no IPv6 on the host's loopback"
fi

# ---- Debian's redis-server (dynamic)
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null &&
	command -v redis-benchmark >/dev/null; then
	P=$(free_port)
	guest_start redis -m 256M -p "$P:6379" "$(command -v redis-server)" --port 6379 \
		--protected-mode no --save '' --appendonly no
	up=
	for i in $(seq 120); do
		[ "$(timeout 5 redis-cli -p "$P" ping 2>/dev/null)" = PONG ] && { up=1; break; }
		sleep 0.5
	done
	if [ -n "$up" ]; then
		r=$(timeout 10 redis-cli -p "$P" set k v; timeout 10 redis-cli -p "$P" get k)
		check "redis: SET k v, GET k from the host" test "$r" = "OK
v"
		# QEMU's user network accepts forwarded connections with a backlog of
		# one: a few clients at a time, or the host's SYN retries decide.
		timeout 100 redis-benchmark -p "$P" -q -n 10000 -c 4 -t set,get \
			>"$HTUX_TMP/bench.out" 2>&1
		st=$?
		r=$(tr '\r' '\n' <"$HTUX_TMP/bench.out" | grep -E '^(SET|GET): [0-9.]+ requests per second' | cut -d: -f1 | tr '\n' ' ')
		check "redis-benchmark -n 10000 -t set,get completes (status $st: $r)" test "$st" = 0 -a "$r" = "SET GET "
		timeout 10 redis-cli -p "$P" shutdown nosave >/dev/null 2>&1
		st=$(guest_wait redis 30)
		check "redis: SHUTDOWN ends the program (status $st)" test "$st" = 0
	else
		for t in "SET/GET" "redis-benchmark" "SHUTDOWN"; do
			not_ok "redis: $t" "redis did not answer on port $P" "$(tail -5 "$HTUX_TMP/redis.out")"
		done
	fi
	guest_kill
else
	for t in "SET/GET" "redis-benchmark" "SHUTDOWN"; do
		skip "redis: $t" "redis-server, redis-tools not installed"
	done
fi

# ---- busybox httpd: it forks a child for each request
build_static forkprobe - glibc <<'PROBE' || bail_out "cannot build forkprobe"
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
int main(void)
{
	pid_t p = fork();
	if (p == 0)
		_exit(7);
	int st = 0;
	if (p > 0)
		waitpid(p, &st, 0);
	printf("%s\n", p > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 7 ? "fork" : "no fork");
	return 0;
}
PROBE
htux_run "$HTUX_TMP/forkprobe"
if [ -z "$BUSYBOX" ] || ! command -v curl >/dev/null; then
	skip "httpd: a small file" "busybox-static or curl not installed"
	skip "httpd: 10 MiB" "busybox-static or curl not installed"
elif [ "$HTUX_STDOUT" != fork ]; then
	skip "httpd: a small file" "this kernel has no fork (busybox httpd forks per request)"
	skip "httpd: 10 MiB" "this kernel has no fork (busybox httpd forks per request)"
else
	mkdir -p "$HTUX_TMP/www"
	echo "<h1>hello from htux</h1>" >"$HTUX_TMP/www/index.html"
	head -c $((10 << 20)) /dev/urandom >"$HTUX_TMP/www/big.bin"
	P=$(free_port)
	guest_start httpd -m 256M -p "$P:8080" --add "$HTUX_TMP/www:/www" "$BUSYBOX" httpd -f -p 8080 -h /www
	got=
	for i in $(seq 120); do
		got=$(curl -s --max-time 5 "http://127.0.0.1:$P/index.html") && [ -n "$got" ] && break
		sleep 0.5
	done
	check "httpd: index.html fetched with curl" test "$got" = "<h1>hello from htux</h1>"
	curl -s --max-time 60 -o "$HTUX_TMP/big.got" "http://127.0.0.1:$P/big.bin"
	check "httpd: 10 MiB file, same bytes" cmp -s "$HTUX_TMP/www/big.bin" "$HTUX_TMP/big.got"
	guest_kill
fi

# ---- Debian's python3 -m http.server (dynamic): as it chooses, then on ::
# (an AF_INET6 dual-stack socket) reached through the IPv4 forward
PY=/usr/bin/python3            # Debian's (not a python3 found first on PATH)
STDLIB=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])' 2>/dev/null)
if [ -x "$PY" ] && [ -d "$STDLIB" ] && command -v curl >/dev/null; then
	mkdir -p "$HTUX_TMP/pyw"
	echo "served by python3 in htux" >"$HTUX_TMP/pyw/a.txt"
	P=$(free_port)
	guest_start pyhttp -m 256M -p "$P:8000" --add "$STDLIB" --add "$HTUX_TMP/pyw:/pyw" \
		"$PY" -m http.server -d /pyw 8000
	got=
	for i in $(seq 120); do
		got=$(curl -s --max-time 5 "http://127.0.0.1:$P/a.txt") && [ -n "$got" ] && break
		sleep 0.5
	done
	check "python3 -m http.server: a file fetched with curl" test "$got" = "served by python3 in htux"
	guest_kill
	P=$(free_port)
	guest_start pyhttp6 -m 256M -p "$P:8000" --add "$STDLIB" --add "$HTUX_TMP/pyw:/pyw" \
		"$PY" -m http.server --bind :: -d /pyw 8000
	got=
	for i in $(seq 120); do
		got=$(curl -s --max-time 5 "http://127.0.0.1:$P/a.txt") && [ -n "$got" ] && break
		sleep 0.5
	done
	# its log names the client as the AF_INET6 socket saw it
	peer=
	for i in $(seq 50); do
		peer=$(grep -ho '^[0-9a-f:.]* - - .*GET /a.txt' "$HTUX_TMP/pyhttp6.out" "$HTUX_TMP/pyhttp6.err" | head -1 | cut -d' ' -f1)
		[ -n "$peer" ] && break
		sleep 0.1
	done
	check "python3 -m http.server --bind :: answers IPv4, the client seen as $peer" \
		test "$got" = "served by python3 in htux" -a "${peer#::ffff:}" != "$peer"
	guest_kill
else
	skip "python3 -m http.server" "python3's standard library or curl not found"
	skip "python3 -m http.server --bind ::" "python3's standard library or curl not found"
fi

# ---- Go net/http (CGO_ENABLED=0)
if command -v go >/dev/null 2>&1 &&
	(cd "$HTUX_SRCDIR/tests/progs/gohttp" && CGO_ENABLED=0 GOCACHE="$HTUX_TMP/gocache" \
	 GOPATH="$HTUX_TMP/gopath" GOFLAGS=-mod=mod go build -o "$HTUX_TMP/gohttp" .) \
	>"$HTUX_TMP/go.log" 2>&1; then
	P=$(free_port)
	guest_start gohttp -m 256M -p "$P:8080" "$HTUX_TMP/gohttp" :8080
	got=
	for i in $(seq 120); do
		got=$(curl -s --max-time 5 "http://127.0.0.1:$P/hello") && [ -n "$got" ] && break
		sleep 0.5
	done
	check "Go net/http answers curl" test "$got" = "hello from Go: GET /hello"
	curl -s --max-time 10 "http://127.0.0.1:$P/quit" >/dev/null
	st=$(guest_wait gohttp 30)
	check "Go net/http: /quit ends the program (status $st)" test "$st" = 0
	guest_kill
else
	skip "Go net/http answers curl" "go (golang-go) not installed or the build failed"
	skip "Go net/http: /quit" "go (golang-go) not installed or the build failed"
fi
