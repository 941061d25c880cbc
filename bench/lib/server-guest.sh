# Sourced by bench/nginx and bench/pgbench (after lib/common.sh): a guest
# that serves on virtio-net, booted in the background with a forwarded
# port, waited for, and ended; and the Linux guest's /etc/passwd and
# /etc/group. (bench/net has its own copies of the first ones.)
# shellcheck shell=bash

# free_port: a free TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# guest_start OUT LIMIT HOSTPORT GUESTPORT QEMU-ARG...: boots QEMU ($QEMU
# -M $MACHINE -m $MEM -smp 1, the common options, a virtio-net card on the
# user network with HOSTPORT forwarded to GUESTPORT, then the QEMU-ARGs) in
# the background for at most LIMIT seconds; its stdout goes to OUT, stderr
# to OUT.err and its exit status to OUT.status when it ends. Sets QPID
# (the subshell around QEMU) and GOUT (OUT).
guest_start() {
	local out=$1 limit=$2 port=$3 gport=$4
	shift 4
	GOUT=$out
	rm -f "$out" "$out.err" "$out.status"
	# (set -e holds in the subshell too: QEMU's status is kept, not fatal)
	( st=0
	  timeout -k 5 "$limit" "$QEMU" -M "$MACHINE" -m "$MEM" -smp 1 "${qemu_common[@]}" \
		-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:$gport" \
		-device virtio-net-pci,netdev=n0 "$@" </dev/null >"$out" 2>"$out.err" || st=$?
	  echo "$st" >"$out.status.tmp" && mv "$out.status.tmp" "$out.status" ) &
	QPID=$!
}

# guest_wait SECONDS: waits for QEMU to end; prints its status or "none".
guest_wait() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		[ -f "$GOUT.status" ] && { cat "$GOUT.status"; return 0; }
		sleep 0.1
	done
	echo none
}

# guest_kill: ends QEMU (through the timeout around it: ours, by its pid)
# and waits for the subshell.
guest_kill() {
	local t
	if [ ! -f "$GOUT.status" ]; then
		t=$(pgrep -P "$QPID" -x timeout || true)
		[ -z "$t" ] || kill -TERM "$t" 2>/dev/null || true
	fi
	wait "$QPID" 2>/dev/null || true
}

# wait_up LIMIT CMD...: runs CMD every half second until it succeeds (or
# QEMU ends, or LIMIT seconds pass: status 1); prints the seconds it took.
wait_up() {
	local limit=$1 t0
	shift
	t0=$(now_us)
	while [ $(($(now_us) - t0)) -lt $((limit * 1000000)) ]; do
		[ ! -f "$GOUT.status" ] || return 1
		if "$@" >/dev/null 2>&1; then
			awk -v t=$(($(now_us) - t0)) 'BEGIN { printf "%.1f", t / 1e6 }'
			return 0
		fi
		sleep 0.5
	done
	return 1
}

# guest_etc ROOT USER...: writes ROOT/etc/passwd and ROOT/etc/group with
# root and the host's entries of the USERs (the Linux guest has none).
guest_etc() {
	local root=$1 u
	shift
	mkdir -p "$root/etc"
	echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
	echo "root:x:0:" >"$root/etc/group"
	for u in "$@"; do
		getent passwd "$u" >>"$root/etc/passwd" || return 1
		getent group "$(id -gn "$u")" | cut -d: -f1-3 | sed 's/$/:/' >>"$root/etc/group"
	done
}
