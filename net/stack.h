/* stack.h: the network stack's start-up and configuration, for
 * kernel/main.c and kernel/cmdline.c (net/stack.c), and its figures for
 * /proc/net (net/snmp.c). */
#ifndef HTUX_NET_STACK_H
#define HTUX_NET_STACK_H

#include "kernel/kernel.h"

/* The ip= kernel option, addresses in network byte order. */
struct net_config {
	bool set;
	uint32_t addr, mask, gw, dns;
};

/* Brings up every network device (DHCP or ip=); does nothing without one. */
void net_init(void);
/* Parses ip=ADDR/PREFIX[,GATEWAY[,DNS]]: 0, or -1 after a one-line error. */
int net_set_ip_option(const char *val);
const struct net_config *net_config(void);
/* Whether the timer tick runs lwIP's timers. */
bool net_ticking(void);

/* One interface as netlink (net/rtnl.c) reports it: lwIP's loopback
 * netif (index 1, "lo") and one per network device, in lwIP's index
 * order. Addresses are in network byte order. */
#define NET_IF_V6_MAX 4
struct net_ifinfo {
	int index;
	char name[16];
	bool loopback, up, running, broadcast;
	unsigned mtu;
	uint8_t mac[6];
	uint32_t v4, mask, gw; /* 0: none */
	bool v4_static;        /* ip= (not DHCP) */
	int n6;
	struct {
		uint8_t addr[16];
		uint8_t prefix;
		bool tentative;
	} v6[NET_IF_V6_MAX];
	bool stats; /* the counters below are kept (devices) */
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes, tx_dropped;
};
/* The interface of lwIP index index (1: lo); 0, or -ENODEV past the last.
 * Starts lwIP (without its timers) if nothing has yet. */
int net_ifinfo(int index, struct net_ifinfo *out);

/* /proc/net/snmp (net/snmp.c), and the UDP drops lwIP does not see
 * (net/inet.c: a full socket queue, no memory). */
struct sbuf;
void net_gen_snmp(struct sbuf *sb);
extern uint32_t net_udp_rcvbuf_errors, net_udp_mem_errors;

#endif
