#!/bin/bash
# nginx.sh: Debian's nginx with its master and two workers (daemon off,
# error log on stderr, user root) serving a document root packed into the
# image, driven from the host through a forwarded port. The master
# makes its channel to each worker (a socketpair) signal-driven
# (FIOASYNC, F_SETOWN), which failed with ENOTTY before htux had O_ASYNC.
# The guest's program is tests/progs/nginx_driver.c: it starts nginx,
# kills a worker (the master sees SIGCHLD and starts another), then waits
# for a request of /quit in the access log and sends the master SIGQUIT.
# The host fetches a 10 MiB file with curl (sha256 checked), runs ab -n
# 1000 -c 8 (0 failed), then requests /quit: the master ends with status 0.
# All that on one CPU and on two (--smp 2: the workers run at once); then
# with worker_processes auto on --smp 3 nginx starts three workers (the
# driver counts the master's children in /proc) and serves a request.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc glibc
NGINX=/usr/sbin/nginx
[ -x "$NGINX" ] || skip_all "nginx not installed"
command -v ab >/dev/null 2>&1 || skip_all "ab (apache2-utils) not installed"
command -v curl >/dev/null 2>&1 || skip_all "curl not installed"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
plan 20

build_static nginx_driver progs/nginx_driver.c glibc || bail_out "cannot build nginx_driver"

P=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
D=$HTUX_TMP/ngx
rm -rf "$D"
mkdir -p "$D/conf" "$D/www"
echo "hello from nginx" > "$D/www/index.html"
head -c 10485760 /dev/urandom > "$D/www/big.bin"
conf() {   # WORKERS: the configuration, with worker_processes WORKERS
	cat > "$D/conf/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes $1;
user root;
error_log stderr notice;
pid /tmp/nginx.pid;
events { worker_connections 256; }
http {
	include /etc/nginx/mime.types;
	access_log /tmp/access.log;
	client_body_temp_path /tmp/body;
	proxy_temp_path /tmp/proxy;
	fastcgi_temp_path /tmp/fastcgi;
	uwsgi_temp_path /tmp/uwsgi;
	scgi_temp_path /tmp/scgi;
	server {
		listen 8080;
		root $D/www;
	}
}
EOF
}

CONF=$D/conf/nginx.conf
# start SMP WORKERS N: boots nginx with worker_processes WORKERS on SMP
# CPUs; the driver waits for N workers, kills one and sees it replaced;
# then a small file
start() {
	conf "$2"
	T="--smp $1"
	rm -f "$HTUX_TMP/ngx.status" "$HTUX_TMP/ngx.out" "$HTUX_TMP/ngx.err"
	# nginx is the image's program (its libraries come with it); the
	# command line after -- runs the driver instead, which starts it
	( timeout -k 5 240 "$HTUX_BUILDDIR/htux" run ${HTUX_ACCEL:---tcg} --smp "$1" --net \
		-p "$P:8080" --add "$D" --add /etc/nginx/mime.types --add "$HTUX_TMP/nginx_driver" \
		--append "-- $HTUX_TMP/nginx_driver /tmp/access.log -w $3 $NGINX -e stderr -c $CONF" \
		--qemu-arg -qmp --qemu-arg "unix:$HTUX_TMP/qmp,server=on,wait=off" \
		"$NGINX" </dev/null \
		>"$HTUX_TMP/ngx.out" 2>"$HTUX_TMP/ngx.err"
	  echo $? >"$HTUX_TMP/ngx.status.tmp" && mv "$HTUX_TMP/ngx.status.tmp" "$HTUX_TMP/ngx.status" ) &
	GUEST=$!

	# the driver says when the killed worker has been replaced
	for _i in $(seq 1200); do
		grep -q '^workers respawned' "$HTUX_TMP/ngx.out" 2>/dev/null && break
		[ -f "$HTUX_TMP/ngx.status" ] && break
		sleep 0.1
	done
	if grep -q '^workers respawned' "$HTUX_TMP/ngx.out"; then
		ok "$T: a worker killed with SIGKILL is replaced by the master"
	else
		# what the guest is doing: the kernel's NMI report
		[ -f "$HTUX_TMP/ngx.status" ] || { send_nmi "$HTUX_TMP/qmp" && sleep 2; }
		not_ok "$T: a worker killed with SIGKILL is replaced by the master" \
			"$(cat "$HTUX_TMP/ngx.out")" "$(tail -n 20 "$HTUX_TMP/ngx.err")"
	fi

	r=$(curl -s -m 60 "http://127.0.0.1:$P/index.html")
	check "$T: a small file ($r)" test "$r" = "hello from nginx"
}

# heavy: the 10 MiB file and ab
heavy() {
	want=$(sha256sum < "$D/www/big.bin")
	got=$(curl -s -m 120 "http://127.0.0.1:$P/big.bin" | sha256sum)
	check "$T: a 10 MiB file with curl: same sha256" test "$got" = "$want"

	ab -n 1000 -c 8 "http://127.0.0.1:$P/index.html" > "$HTUX_TMP/ab.out" 2>&1
	complete=$(sed -n 's/^Complete requests: *//p' "$HTUX_TMP/ab.out")
	failed=$(sed -n 's/^Failed requests: *//p' "$HTUX_TMP/ab.out")
	rps=$(sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p' "$HTUX_TMP/ab.out")
	if [ "$complete" = 1000 ] && [ "$failed" = 0 ]; then
		ok "$T: ab -n 1000 -c 8: 1000 complete, 0 failed ($rps requests/s)"
	else
		not_ok "$T: ab -n 1000 -c 8: 1000 complete, 0 failed" "$(tail -n 30 "$HTUX_TMP/ab.out")"
	fi
}

# quit: /quit ends it; the master's status and the log
quit() {
	curl -s -m 30 "http://127.0.0.1:$P/quit" >/dev/null
	for _i in $(seq 600); do
		[ -f "$HTUX_TMP/ngx.status" ] && break
		sleep 0.1
	done
	st=$(cat "$HTUX_TMP/ngx.status" 2>/dev/null || echo none)
	check "$T: SIGQUIT: the master ends gracefully with status 0 (status $st)" test "$st" = 0
	check "$T: the driver saw the master exit 0" \
		grep -q '^master exited with status 0$' "$HTUX_TMP/ngx.out"
	# nginx's stderr is the guest's console, like the driver's stdout
	cat "$HTUX_TMP/ngx.out" "$HTUX_TMP/ngx.err" > "$HTUX_TMP/ngx.log"
	if grep -q 'exited on signal 9' "$HTUX_TMP/ngx.log" &&
		grep -q 'gracefully shutting down' "$HTUX_TMP/ngx.log"; then
		ok "$T: the error log: the worker's SIGKILL seen, graceful shutdown"
	else
		not_ok "$T: the error log: the worker's SIGKILL seen, graceful shutdown" \
			"$(tail -n 30 "$HTUX_TMP/ngx.log")"
	fi
	pkill -TERM -P "$GUEST" 2>/dev/null
	wait "$GUEST" 2>/dev/null
}

start 1 2 2
heavy
quit
start 2 2 2
heavy
quit
start 3 auto 3
if grep -q '^workers: 3 (cpus 3)$' "$HTUX_TMP/ngx.out"; then
	ok "$T, worker_processes auto: 3 workers, one per CPU"
else
	not_ok "$T, worker_processes auto: 3 workers, one per CPU" "$(cat "$HTUX_TMP/ngx.out")"
fi
quit
exit 0
