#!/bin/bash
# netlink.sh: the interfaces through NETLINK_ROUTE (net/netlink.c,
# net/rtnl.c): a static program (glibc and musl) prints getifaddrs,
# if_nameindex, a raw RTM_GETLINK dump read with MSG_PEEK|MSG_TRUNC and
# the default route of an RTM_GETROUTE dump, without a network device
# (lo only) and with --net (eth0: QEMU's MAC, 10.0.2.15/24 by DHCP,
# gateway 10.0.2.2); and Debian's iproute2 (ip -brief addr, ip -brief
# link, ip addr, ip route, ip -6 route) in the guest.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc glibc
require_cc musl
plan 9

LO='getifaddrs lo packet index 1 mac 00:00:00:00:00:00 stats no'
LO4='getifaddrs lo inet 127.0.0.1/8 flags 0x10049'
LO6='getifaddrs lo inet6 ::1/128'
LOLINK='link 1 flags 0x10049 type 772 name lo operstate 0 mtu 65536'
BOUND='bound: pid is ours 1, len 12'
DONE='done seq 7 multi 1'

NONET="$LO
$LO4
$LO6
if_nameindex 1 lo
$BOUND
$LOLINK
$DONE
$BOUND
$DONE"

NET="$LO
getifaddrs eth0 packet index 2 mac 52:54:00:12:34:56 stats yes
$LO4
getifaddrs eth0 inet 10.0.2.15/24 flags 0x11043
getifaddrs eth0 brd 10.0.2.255
$LO6
getifaddrs eth0 inet6 fe80::5054:ff:fe12:3456/64
if_nameindex 1 lo
if_nameindex 2 eth0
$BOUND
$LOLINK
link 2 flags 0x11043 type 1 name eth0 operstate 6 mtu 1500
$DONE
$BOUND
route default via 10.0.2.2 oif 2
$DONE"

MUSL_INC="-idirafter /usr/include/$(gcc -print-multiarch) -idirafter /usr/include"
for kind in glibc musl; do
	flags=
	[ $kind = musl ] && flags=$MUSL_INC
	# shellcheck disable=SC2086
	if ! build_static ifaces-$kind progs/netlink/ifaces.c $kind $flags; then
		not_ok "$kind: without a network device" "cannot build"
		not_ok "$kind: with --net" "cannot build"
		continue
	fi
	htux_run "$HTUX_TMP/ifaces-$kind"
	check_output_status "$kind: without a network device: lo only" "$NONET" 0
	htux_run --net "$HTUX_TMP/ifaces-$kind" wait
	check_output_status "$kind: with --net: lo and eth0, the default route" "$NET" 0
done

IP=$(command -v ip || echo /usr/sbin/ip)
if [ -x "$IP" ]; then
	htux_run "$IP" -brief addr
	check_output_status "ip -brief addr without a device" \
		"lo               UNKNOWN        127.0.0.1/8 ::1/128 " 0
	htux_run "$IP" -6 route
	check_output_status "ip -6 route without a device" \
		"::1 dev lo proto kernel metric 256 pref medium" 0
	htux_run --net "$IP" -brief link
	check_output_status "ip -brief link with --net" \
"lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> 
eth0             UP             52:54:00:12:34:56 <BROADCAST,MULTICAST,UP,LOWER_UP> " 0
	htux_run --net "$IP" addr
	check_stdout_contains "ip addr with --net: eth0's MAC" \
		"link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff"
	# (a static address: ip route may run before DHCP has answered)
	htux_run --net --append ip=10.0.2.15/24,10.0.2.2 "$IP" route
	check_output_status "ip route with --net and ip=: default and subnet routes" \
"default via 10.0.2.2 dev eth0 
10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15 " 0
else
	for t in "ip -brief addr" "ip -6 route" "ip -brief link" "ip addr" "ip route"; do
		skip "$t" "iproute2 not installed"
	done
fi
