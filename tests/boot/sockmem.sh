#!/bin/bash
# sockmem.sh: hundreds of sockets, each filled until it refuses more
# (tests/progs/sockfill.c), in a VM of 128 MiB: AF_UNIX stream pairs, UDP
# receivers that never read, TCP connections over loopback. All sockets
# together stay within the global socket memory limit (net/sockmem.c,
# /proc/sys/net/ipv4/tcp_mem): the writers get EAGAIN, UDP datagrams are
# dropped (MemErrors), and the program lives on (a child still runs)
# instead of being killed for want of memory.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
plan 3

build_static sockfill progs/sockfill.c musl || bail_out "cannot build sockfill"
PROG=$HTUX_TMP/sockfill
# run ARGS...: runs sockfill; its totals (lines starting with #) go to the log
run() {
	htux_run -m 128M "$PROG" "$@"
	diag "$(printf '%s\n' "$HTUX_STDOUT" | grep '^#')"
	HTUX_STDOUT=$(printf '%s\n' "$HTUX_STDOUT" | grep -v '^#')
}

run unix 1000
check_output_status "1000 AF_UNIX pairs filled: EAGAIN, within the limit, alive" \
	"unix: 1000 made, every one filled: yes
limit readable: yes
within the limit: yes
child: 7
alive" 0
run udp 400
check_output_status "400 UDP receivers flooded: datagrams dropped (MemErrors), alive" \
	"udp: 400 made, every one filled: yes
limit readable: yes
MemErrors counted: yes
child: 7
alive" 0
run tcp 300
check_output_status "300 TCP connections filled: EAGAIN, within the limit, alive" \
	"tcp: 300 made, every one filled: yes
limit readable: yes
within the limit: yes
child: 7
alive" 0
