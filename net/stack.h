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

/* /proc/net/snmp (net/snmp.c), and the UDP drops lwIP does not see
 * (net/inet.c: a full socket queue, no memory). */
struct sbuf;
void net_gen_snmp(struct sbuf *sb);
extern uint32_t net_udp_rcvbuf_errors, net_udp_mem_errors;

#endif
