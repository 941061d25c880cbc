#!/bin/bash
# postgres.sh: Debian's PostgreSQL 15 as a server in htux, driven from the
# host. An ext2 disk made here holds the data directory (owned by the
# postgres uid). The guest's program, tests/progs/pg_driver.c, runs as
# user postgres (--user): on the first boot it runs initdb (trust
# authentication; pg_hba.conf lets the host's 10.0.2.2 in), then starts
# the postmaster (listen_addresses=*, port 5432 forwarded to a free host
# port) and stops it with SIGINT (a fast shutdown) when the host asks
# through the server (COPY ... TO '/tmp/pgstop'). From the host:
# pg_isready, psql (create, insert, select), pgbench -i -s 1 and pgbench
# -c 4 -T 10 (no failed transactions); the stop ends the postmaster with
# status 0 and e2fsck finds the disk clean; a second boot on the same
# disk still has the table and pgbench's rows.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc glibc
PG=/usr/lib/postgresql/15/bin
BB=$(command -v busybox)
if [ ! -x "$PG/initdb" ] || [ ! -x "$PG/postgres" ]; then
	skip_all "no PostgreSQL 15 (postgresql-15)"
fi
[ -n "$BB" ] || skip_all "no busybox"
id postgres >/dev/null 2>&1 || skip_all "no postgres user"
for t in psql pg_isready pgbench mke2fs debugfs e2fsck python3; do
	command -v $t >/dev/null 2>&1 || skip_all "no $t"
done
plan 10

build_static pg_driver progs/pg_driver.c glibc || bail_out "cannot build pg_driver"

P=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DISK=$HTUX_TMP/pgdisk.img
rm -rf "$HTUX_TMP/pgroot" "$DISK"
mkdir -p "$HTUX_TMP/pgroot/data"
chmod 700 "$HTUX_TMP/pgroot/data"
mke2fs -q -t ext2 -d "$HTUX_TMP/pgroot" "$DISK" 256M >/dev/null 2>&1 ||
	bail_out "mke2fs failed"
# the data directory belongs to postgres (debugfs: no need to be root here)
if ! debugfs -w -R "sif /data uid $(id -u postgres)" "$DISK" >/dev/null 2>&1 ||
	! debugfs -w -R "sif /data gid $(id -g postgres)" "$DISK" >/dev/null 2>&1; then
	bail_out "debugfs cannot set /data's owner"
fi

ADDS=()
for lib in $( (ldd "$PG/initdb"; ldd "$PG/postgres") | awk '/=>/ { print $3 }' | sort -u); do
	ADDS+=(--add "$lib" --add "$(readlink -f "$lib")")
done

# boot N: starts the guest in the background (output in pgN.out/.err,
# its status in pgN.status) and waits until pg_isready answers.
boot() {
	rm -f "$HTUX_TMP/pg$1.status"
	( timeout -k 5 300 "$HTUX_BUILDDIR/htux" run ${HTUX_ACCEL:---tcg} -m 1G --net -p "$P:5432" \
		--qemu-arg -qmp --qemu-arg "unix:$HTUX_TMP/qmp$1,server=on,wait=off" \
		--disk "$DISK:/pgdata" --user postgres "${ADDS[@]}" --add "$PG" \
		--add /usr/share/postgresql/15 --add /usr/lib/postgresql/15/lib \
		--add /etc/passwd --add /etc/group --add "$BB:/bin/sh" -e LANG=C \
		"$HTUX_TMP/pg_driver" /pgdata/data /tmp/pgstop "$PG" \
		-c 'listen_addresses=*' -k /tmp -p 5432 </dev/null \
		>"$HTUX_TMP/pg$1.out" 2>"$HTUX_TMP/pg$1.err"
	  echo $? >"$HTUX_TMP/pg$1.st" && mv "$HTUX_TMP/pg$1.st" "$HTUX_TMP/pg$1.status" ) &
	GUEST=$!
	for _i in $(seq 240); do
		pg_isready -q -h 127.0.0.1 -p "$P" -t 2 && return 0
		[ -f "$HTUX_TMP/pg$1.status" ] && return 1
		sleep 0.5
	done
	# a guest that hangs: its NMI report (every CPU and thread) into the log
	send_nmi "$HTUX_TMP/qmp$1" && sleep 2
	return 1
}

# stop N: asks the driver to stop the server; waits for the guest's end
stop() {
	sql "copy (select 1) to '/tmp/pgstop'" >/dev/null
	for _i in $(seq 600); do
		[ -f "$HTUX_TMP/pg$1.status" ] && break
		sleep 0.1
	done
	wait "$GUEST" 2>/dev/null
	cat "$HTUX_TMP/pg$1.status" 2>/dev/null || echo none
}

sql() {
	psql -X -q -A -t -h 127.0.0.1 -p "$P" -U postgres -c "$1" postgres 2>&1
}

if boot 1 && grep -q '^initdb done$' "$HTUX_TMP/pg1.out"; then
	ok "first boot: initdb as postgres on the ext2 disk, pg_isready answers"
else
	not_ok "first boot: initdb as postgres on the ext2 disk, pg_isready answers" \
		"$(tail -n 30 "$HTUX_TMP/pg1.out")" "$(tail -n 200 "$HTUX_TMP/pg1.err")"
fi

r=$(sql 'create table t(a int); insert into t select generate_series(1, 100);
	select sum(a) from t')
check "psql: create, insert, select sum = 5050 ($r)" test "$r" = 5050

pgbench -h 127.0.0.1 -p "$P" -U postgres -i -s 1 postgres >"$HTUX_TMP/pgbi.out" 2>&1
st=$?
if [ $st = 0 ] && grep -q '^done in' "$HTUX_TMP/pgbi.out"; then
	ok "pgbench -i -s 1"
else
	not_ok "pgbench -i -s 1" "status $st" "$(tail -n 20 "$HTUX_TMP/pgbi.out")"
fi

pgbench -h 127.0.0.1 -p "$P" -U postgres -c 4 -T 10 postgres >"$HTUX_TMP/pgb.out" 2>&1
st=$?
n=$(sed -n 's/^number of transactions actually processed: *//p' "$HTUX_TMP/pgb.out")
f=$(sed -n 's/^number of failed transactions: *\([0-9]*\).*/\1/p' "$HTUX_TMP/pgb.out")
tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$HTUX_TMP/pgb.out")
if [ $st = 0 ] && [ "${n:-0}" -gt 0 ] && [ "$f" = 0 ]; then
	ok "pgbench -c 4 -T 10: $n transactions, 0 failed ($tps tps)"
else
	not_ok "pgbench -c 4 -T 10" "status $st" "$(tail -n 20 "$HTUX_TMP/pgb.out")"
fi

st=$(stop 1)
if [ "$st" = 0 ] && grep -q '^postmaster exited with status 0$' "$HTUX_TMP/pg1.out" &&
	cat "$HTUX_TMP/pg1.out" "$HTUX_TMP/pg1.err" | grep -q 'database system is shut down'; then
	ok "fast shutdown (SIGINT): the postmaster exits 0"
else
	not_ok "fast shutdown (SIGINT): the postmaster exits 0" "status $st" \
		"$(tail -n 20 "$HTUX_TMP/pg1.out")" "$(tail -n 10 "$HTUX_TMP/pg1.err")"
fi

if e2fsck -fn "$DISK" >"$HTUX_TMP/fsck.out" 2>&1; then
	ok "e2fsck -fn: the disk is clean"
else
	not_ok "e2fsck -fn: the disk is clean" "$(tail -n 20 "$HTUX_TMP/fsck.out")"
fi

if boot 2 && ! grep -q '^initdb done$' "$HTUX_TMP/pg2.out"; then
	ok "second boot on the same disk: no initdb, pg_isready answers"
else
	not_ok "second boot on the same disk: no initdb, pg_isready answers" \
		"$(tail -n 30 "$HTUX_TMP/pg2.out")" "$(tail -n 200 "$HTUX_TMP/pg2.err")"
fi
r=$(sql 'select sum(a) from t')
check "the table survived the restart (sum $r)" test "$r" = 5050
r=$(sql 'select count(*) from pgbench_accounts')
check "pgbench's 100000 accounts survived ($r)" test "$r" = 100000
st=$(stop 2)
check "second shutdown: status $st" test "$st" = 0
exit 0
