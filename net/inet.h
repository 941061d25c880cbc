/* inet.h: what net/inet.c (addresses, IPv6 options, the receive queue,
 * socket creation), net/tcp.c, net/tcpopt.c and net/udp.c share about AF_INET and
 * AF_INET6 sockets: the per-socket record kept in s->priv and the
 * helpers the protocols call. Private to those files. */
#ifndef HTUX_NET_INET_H
#define HTUX_NET_INET_H

#include "net/socket.h"
#include "net/abi.h"
#include "net/stack.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip/netif.h"
#include <linux/in6.h>

#ifndef IPV6_V6ONLY
#define IPV6_V6ONLY 26
#endif

enum { I_NEW, I_LISTEN, I_CONNECTING, I_CONNECTED, I_CLOSED };

struct pkt { /* a received segment or datagram */
	struct pkt *next;
	struct pbuf *p;
	size_t charged; /* bytes charged to socket memory (net/sockmem.c) */
	ip_addr_t from;
	uint16_t port;
	/* UDP over IPv6: the header's, for IPV6_RECV* control messages */
	bool v6;
	uint8_t hlim, tclass;
	uint8_t dst[16];
	int ifindex;
};

struct inet {
	struct sock *s;
	struct tcp_pcb *tcp; /* or a struct tcp_pcb_listen when listening */
	struct udp_pcb *udp;
	int st;
	struct pkt *rq, *rq_tail; /* received, oldest first */
	size_t rq_off;            /* bytes of rq->p already read (TCP) */
	size_t queued;            /* unread bytes */
	size_t snd_charged;       /* TCP: written, not yet acknowledged (net/sockmem.c) */
	bool eof;                 /* FIN received */
	bool rd_shut, wr_shut;
	bool was_connected;
	bool connect_pending; /* TCP: connect said EINPROGRESS (or was interrupted) */
	/* TCP: bind(2) named the local port, the local address (they
	 * outlive a failed connect, as Linux's SOCK_BINDPORT_LOCK) */
	bool bound_port, bound_addr;
	uint16_t stale_port;    /* TCP: a failed connect's port, shown until the next one */
	struct acceptq acc;     /* accepted, not yet taken */
	ip_addr_t laddr, raddr; /* the names, kept when the pcb goes */
	uint16_t lport, rport;
	bool nodelay;
	bool v6only;                                   /* AF_INET6: IPV6_V6ONLY */
	bool recv_pktinfo, recv_hoplimit, recv_tclass; /* IPV6_RECV* */
	/* UDP-Lite: UDPLITE_RECV_CSCOV was set, and its coverage (the
	 * sending one is lwIP's chksum_len_tx) */
	bool lite_recv_cc;
	uint16_t lite_pcrlen;
	int keepidle, keepintvl, keepcnt; /* seconds, seconds, probes */
};

#define UDP_QUEUE_MAX (256 * 1024) /* datagrams beyond this are dropped */
#define UDP_MAX 65507
#define SOL_UDPLITE 136
#define UDPLITE_SEND_CSCOV 10
#define UDPLITE_RECV_CSCOV 11

extern const struct sock_ops inet_tcp_ops, inet_udp_ops;

static inline struct inet *I(struct sock *s) { return s->priv; }
static inline bool inet_v6(struct sock *s) { return s->family == AF_INET6; }

/* lwIP's err_t as -errno. */
int inet_errno(err_t e);
/* A new record and socket of the family, type and ops (no pcb yet). */
struct inet *inet_new(int family, int type, const struct sock_ops *ops);

/* Addresses (inet.c): a sockaddr of the socket's family to ip and port
 * (any_is_local: 0.0.0.0 and :: name this host's loopback), and back;
 * the "any" of the socket's kind; the getname operation. */
int inet_addr_parse4(const struct sockaddr_in *sin, unsigned len, ip_addr_t *ip, uint16_t *port,
		     bool any_is_local);
int inet_addr_parse(struct sock *s, const void *a, unsigned len, ip_addr_t *ip, uint16_t *port,
		    bool any_is_local);
int inet_addr_make(struct sock *s, void *out, const ip_addr_t *ip, uint16_t port);
bool inet_addr_is_local(const ip_addr_t *ip);
/* bind's address a checked, in Linux's order of errors: not parsed; the
 * socket already bound or busy (-EINVAL); an IPv4 address on a v6only
 * socket (-EINVAL); not this host's (-EADDRNOTAVAIL; bcast_ok: a
 * broadcast address is). */
int inet_bind_addr(struct sock *s, const void *a, unsigned len, bool busy, bool bcast_ok,
		   ip_addr_t *ip, uint16_t *port);
bool inet_is_broadcast(const ip_addr_t *ip);
const ip_addr_t *inet_any(struct sock *s);
int inet_getname(struct sock *s, void *out, bool peer);
/* Options of level IPPROTO_IPV6 (bound: the socket has a local port). */
int inet_ipv6_setopt(struct sock *s, bool bound, int name, const void *val, unsigned len);
int inet_ipv6_getopt(struct sock *s, int name, int *v);

/* The receive queue (inet.c). */
void inet_rq_push(struct inet *in, struct pkt *k);
void inet_rq_pop(struct inet *in);
void inet_rq_clear(struct inet *in);
/* Copies n bytes of p from offset off to buf without sleeping; returns
 * the bytes copied, fewer at a user page not yet there (net/inet.c). */
size_t pbuf_out(struct pbuf *p, size_t off, uint8_t *buf, size_t n, bool user);

/* The protocols' lwIP hooks: a TCP pcb's callbacks (tcp.c), a UDP pcb's
 * receive callback (udp.c). */
void inet_tcp_hook(struct inet *in, struct tcp_pcb *pcb);
/* TCP's options (tcpopt.c); the keepalive timings put into the pcb. */
int inet_tcp_setopt(struct sock *s, int level, int name, const void *val, unsigned len);
int inet_tcp_getopt(struct sock *s, int level, int name, void *val, unsigned *len);
void inet_tcp_keepalive_apply(struct inet *in);
void inet_udp_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
		   u16_t port);

#endif
