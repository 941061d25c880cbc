#!/bin/bash
# sysvipc.sh: System V IPC with real programs: Debian's ipcs (util-linux,
# reading /proc/sysvipc and /proc/sys/kernel) lists a segment, a
# semaphore set and a message queue made in htux and Linux's limits; and
# stress-ng's shm-sysv, msg and sem-sysv stressors, and its POSIX mq one,
# run and count bogo ops; /dev/mqueue lists the POSIX queues (its output
# is written here: the host need not have mqueue mounted); PostgreSQL
# 15's initdb, whose server needs a System V segment, succeeds.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 10

if ! command -v ipcs >/dev/null 2>&1; then
	skip "ipcs lists the objects" "no ipcs (Debian package util-linux)"
	skip "ipcs -l shows Linux's limits" "no ipcs (Debian package util-linux)"
	skip "ipcs -u counts them" "no ipcs (Debian package util-linux)"
elif ! gcc -O2 -Wall -o "$HTUX_TMP/sysvipcs" "$HTUX_SRCDIR/tests/progs/sysvipcs.c" \
	> "$HTUX_TMP/cc.log" 2>&1; then
	bail_out "cannot build tests/progs/sysvipcs.c: $(cat "$HTUX_TMP/cc.log")"
else
	IPCS=$(command -v ipcs)
	htux_run --add "$IPCS" "$HTUX_TMP/sysvipcs" "$IPCS" -- "$IPCS" -l -- "$IPCS" -u
	out=$HTUX_TMP/stdout
	if [ "$HTUX_STATUS" = 0 ] &&
		grep -Eq '^0x5e5e0003 +0 +root +666 +16 +2 *$' "$out" &&
		grep -Eq '^0x5e5e0001 +0 +root +640 +5000 +1 *$' "$out" &&
		grep -Eq '^0x5e5e0002 +0 +root +600 +3 *$' "$out"; then
		ok "ipcs lists the objects"
	else
		not_ok "ipcs lists the objects"
		_show_run
	fi
	want=$(LC_ALL=C "$IPCS" -l 2>&1)
	limits='/Messages Limits/,/semaphore max value/p'
	got=$(sed -n "$limits" "$out")
	if [ "$got" = "$(printf '%s\n' "$want" | sed -n "$limits")" ]; then
		ok "ipcs -l shows Linux's limits"
	else
		not_ok "ipcs -l shows Linux's limits" "host:" "$want"
		_show_run
	fi
	if grep -q '^allocated queues = 1$' "$out" && grep -q '^used headers = 2$' "$out" &&
		grep -q '^segments allocated 1$' "$out" && grep -q '^used arrays = 1$' "$out" &&
		grep -q '^allocated semaphores = 3$' "$out"; then
		ok "ipcs -u counts them"
	else
		not_ok "ipcs -u counts them"
		_show_run
	fi
fi

want_mqdir='dir 1 mode 1777
ls: . .. q1
q1: reg 1 mode 640 size 80
QSIZE:5          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     
send to q2: 0
q2: maxmsg 10 msgsize 8192 curmsgs 1
q2 got 8 '"'via open'"'
ls: . .. q1 q2
unlink q1: 0
mq_open q1: -1 No such file or directory
mkdir: -1 Operation not permitted
q1 still: 5
ls: . ..'
for kind in musl glibc; do
	if build_static mqdir-$kind progs/mqdir.c $kind; then
		htux_run "$HTUX_TMP/mqdir-$kind"
		got=$(printf '%s\n' "$HTUX_STDOUT" | grep -v '^rootfs \|^proc ')
		HTUX_STDOUT=$got
		check_output_status "$kind: /dev/mqueue" "$want_mqdir
mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec 0 0" 0
	else
		not_ok "$kind: /dev/mqueue" "cannot build tests/progs/mqdir.c"
	fi
done

# bogo_ops STRESSOR: the bogo ops the last run's metrics report (0: none)
bogo_ops() {
	printf '%s\n%s\n' "$HTUX_STDOUT" "$HTUX_STDERR" |
		awk -v s="$1" '$2 == "metrc:" && $4 == s && !f { print $5; f = 1 }
			       END { if (!f) print 0 }'
}

if ! command -v stress-ng >/dev/null 2>&1; then
	for s in shm-sysv msg sem-sysv mq; do
		skip "stress-ng --$s" "no stress-ng (Debian package stress-ng)"
	done
else
	htux_run -m 512M "$(command -v stress-ng)" --shm-sysv 1 --msg 1 --sem-sysv 1 -t 3 \
		--metrics-brief
	for s in shm-sysv msg sem-sysv; do
		n=$(bogo_ops $s)
		if [ "$HTUX_STATUS" = 0 ] && [ "${n:-0}" -gt 0 ] &&
			! printf '%s\n' "$HTUX_STDOUT$HTUX_STDERR" | grep -q 'fail:'; then
			ok "stress-ng --$s: $n bogo ops"
		else
			not_ok "stress-ng --$s" "bogo ops: ${n:-none}, status $HTUX_STATUS"
			_show_run
		fi
	done
	htux_run -m 512M "$(command -v stress-ng)" --mq 1 -t 3 --metrics-brief
	n=$(bogo_ops mq)
	if [ "$HTUX_STATUS" = 0 ] && [ "${n:-0}" -gt 0 ] &&
		! printf '%s\n' "$HTUX_STDOUT$HTUX_STDERR" | grep -q 'fail:'; then
		ok "stress-ng --mq: $n bogo ops"
	else
		not_ok "stress-ng --mq" "bogo ops: ${n:-none}, status $HTUX_STATUS"
		_show_run
	fi
fi

# PostgreSQL's initdb (as the postgres user: it refuses root) runs the
# server, which makes a System V shared memory segment.
PG=/usr/lib/postgresql/15/bin
BB=$(command -v busybox)
if [ ! -x "$PG/initdb" ] || [ ! -x "$PG/postgres" ] || [ -z "$BB" ] || ! id postgres >/dev/null 2>&1
then
	skip "PostgreSQL 15 initdb" "no postgresql-15 or busybox"
elif ! gcc -O2 -Wall -o "$HTUX_TMP/runas" "$HTUX_SRCDIR/tests/progs/runas.c" \
	> "$HTUX_TMP/cc.log" 2>&1; then
	not_ok "PostgreSQL 15 initdb" "cannot build tests/progs/runas.c:" \
		"$(cat "$HTUX_TMP/cc.log")"
else
	adds=
	libs=$( (ldd "$PG/initdb"; ldd "$PG/postgres") | awk '/=>/ { print $3 }' | sort -u)
	for lib in $libs; do
		adds="$adds --add $lib --add $(readlink -f "$lib")"
	done
	# shellcheck disable=SC2086
	htux_run -m 1G $adds --add "$PG" --add /usr/share/postgresql/15 \
		--add /usr/lib/postgresql/15/lib --add /etc/passwd --add /etc/group \
		--add "$BB:/bin/sh" -e LANG=C "$HTUX_TMP/runas" "$(id -u postgres)" \
		"$(id -g postgres)" /tmp/pgdata "$PG/initdb" -D /tmp/pgdata -U postgres --no-sync
	if [ "$HTUX_STATUS" = 0 ] && grep -q '^Success\.' "$HTUX_TMP/stdout"; then
		ok "PostgreSQL 15 initdb"
	else
		not_ok "PostgreSQL 15 initdb" "status $HTUX_STATUS"
		_show_run
	fi
fi
