/* inet.c: AF_INET and AF_INET6 sockets: TCP and UDP over lwIP's raw API.
 * An AF_INET6 socket's pcb is of lwIP's dual type until bound or
 * connected, so that one bound to :: (IPV6_V6ONLY off, the default)
 * takes IPv4 too; IPv4 peers and names appear as ::ffff:a.b.c.d. lwIP calls
 * back into this file when data, connections, acknowledgements or errors
 * arrive (from the timer tick, a device interrupt or net_poll after a
 * system call: never while another lwIP call runs); the callbacks queue
 * what came and wake the socket. Received data stays in lwIP's pbufs
 * until read; the receive window opens as it is read (tcp_recved). */
#include "net/socket.h"
#include "net/abi.h"
#include "net/stack.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include <linux/in6.h>

#ifndef IPV6_V6ONLY
#define IPV6_V6ONLY 26
#endif

enum { I_NEW, I_LISTEN, I_CONNECTING, I_CONNECTED, I_CLOSED };

struct pkt {                      /* a received segment or datagram */
	struct pkt *next;
	struct pbuf *p;
	ip_addr_t from;
	uint16_t port;
};

struct inet {
	struct sock *s;
	struct tcp_pcb *tcp;      /* or a struct tcp_pcb_listen when listening */
	struct udp_pcb *udp;
	int st;
	struct pkt *rq, *rq_tail; /* received, oldest first */
	size_t rq_off;            /* bytes of rq->p already read (TCP) */
	size_t queued;            /* unread bytes */
	bool eof;                 /* FIN received */
	bool rd_shut, wr_shut;
	bool was_connected;
	struct acceptq acc;       /* accepted, not yet taken */
	ip_addr_t laddr, raddr;   /* the names, kept when the pcb goes */
	uint16_t lport, rport;
	bool nodelay;
	bool v6only;              /* AF_INET6: IPV6_V6ONLY */
	int keepidle, keepintvl, keepcnt;   /* seconds, seconds, probes */
};

#define UDP_QUEUE_MAX (256 * 1024)   /* datagrams beyond this are dropped */
#define UDP_MAX 65507

static const struct sock_ops tcp_ops, udp_ops;

static struct inet *I(struct sock *s) { return s->priv; }

static int errno_of(err_t e)
{
	switch (e) {
	case ERR_OK: return 0;
	case ERR_MEM: return -ENOMEM;
	case ERR_BUF: return -ENOBUFS;
	case ERR_TIMEOUT: return -ETIMEDOUT;
	case ERR_RTE: return -ENETUNREACH;
	case ERR_INPROGRESS: return -EINPROGRESS;
	case ERR_WOULDBLOCK: return -EAGAIN;
	case ERR_USE: return -EADDRINUSE;
	case ERR_ALREADY: return -EALREADY;
	case ERR_ISCONN: return -EISCONN;
	case ERR_CONN: return -ENOTCONN;
	case ERR_IF: return -ENETDOWN;
	case ERR_ABRT: return -ECONNABORTED;
	case ERR_RST: return -ECONNRESET;
	case ERR_CLSD: return -ENOTCONN;
	default: return -EINVAL;
	}
}

/* ---- addresses */

static bool v6(struct sock *s) { return s->family == AF_INET6; }

/* The address and port of a sockaddr of the socket's family. For an
 * AF_INET6 socket :: is lwIP's dual "any" (IPv6's only with v6only) and
 * ::ffff:a.b.c.d is IPv4's a.b.c.d. any_is_local: 0.0.0.0 and :: name
 * this host's loopback (connect, sendto). */
static int addr_parse4(const struct sockaddr_in *sin, unsigned len, ip_addr_t *ip, uint16_t *port,
		       bool any_is_local)
{
	if (sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	if (len < sizeof(*sin))
		return -EINVAL;
	ip_addr_set_ip4_u32_val(*ip, sin->sin_addr.s_addr);
	*port = __builtin_bswap16(sin->sin_port);
	if (any_is_local && ip4_addr_isany_val(*ip_2_ip4(ip)))
		IP_ADDR4(ip, 127, 0, 0, 1);   /* connecting to 0.0.0.0 reaches this host */
	return 0;
}

static int addr_parse(struct sock *s, const void *a, unsigned len, ip_addr_t *ip, uint16_t *port,
		      bool any_is_local)
{
	if (len < sizeof(uint16_t))
		return -EINVAL;
	if (!v6(s))
		return addr_parse4(a, len, ip, port, any_is_local);
	const struct sockaddr_in6 *sin6 = a;
	if (len < 24)                          /* SIN6_LEN_RFC2133: no scope id */
		return -EINVAL;
	if (sin6->sin6_family != AF_INET6)
		return -EAFNOSUPPORT;
	*port = __builtin_bswap16(sin6->sin6_port);
	const uint32_t *w = (const uint32_t *)sin6->sin6_addr.s6_addr;
	if (!w[0] && !w[1] && w[2] == __builtin_bswap32(0xffff)) {
		ip_addr_set_ip4_u32_val(*ip, w[3]);
		if (any_is_local && ip4_addr_isany_val(*ip_2_ip4(ip)))
			IP_ADDR4(ip, 127, 0, 0, 1);
		return 0;
	}
	IP_ADDR6(ip, w[0], w[1], w[2], w[3]);
	if (ip6_addr_isany(ip_2_ip6(ip))) {
		if (any_is_local)
			IP_ADDR6(ip, 0, 0, 0, __builtin_bswap32(1));   /* :: reaches this host */
		else if (!I(s)->v6only)
			*ip = *IP_ANY_TYPE;
	}
	return 0;
}

/* A sockaddr of the socket's family for ip and port: IPv4 addresses in
 * an AF_INET6 socket's as ::ffff:a.b.c.d. Its length. */
static int addr_make(struct sock *s, void *out, const ip_addr_t *ip, uint16_t port)
{
	if (!v6(s)) {
		struct sockaddr_in sin;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = __builtin_bswap16(port);
		sin.sin_addr.s_addr = ip && IP_IS_V4(ip) ? ip4_addr_get_u32(ip_2_ip4(ip)) : 0;
		memcpy(out, &sin, sizeof(sin));
		return sizeof(sin);
	}
	struct sockaddr_in6 sin6;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = __builtin_bswap16(port);
	uint32_t *w = (uint32_t *)sin6.sin6_addr.s6_addr;
	if (ip && IP_IS_V4(ip)) {
		w[2] = __builtin_bswap32(0xffff);
		w[3] = ip4_addr_get_u32(ip_2_ip4(ip));
	} else if (ip && IP_IS_V6(ip)) {
		memcpy(w, ip_2_ip6(ip)->addr, 16);
	}
	memcpy(out, &sin6, sizeof(sin6));
	return sizeof(sin6);
}

static bool addr_is_local(const ip_addr_t *ip)
{
	if (ip_addr_isany(ip) || ip_addr_isloopback(ip))
		return true;
	struct netif *n;
	NETIF_FOREACH(n) {
		if (IP_IS_V4(ip) && ip4_addr_cmp(netif_ip4_addr(n), ip_2_ip4(ip)))
			return true;
		if (IP_IS_V6(ip) && netif_get_ip6_addr_match(n, ip_2_ip6(ip)) >= 0)
			return true;
	}
	return false;
}

static bool is_broadcast(const ip_addr_t *ip)
{
	if (!IP_IS_V4(ip))
		return false;
	return ip4_addr_get_u32(ip_2_ip4(ip)) == IPADDR_BROADCAST ||
	       (netif_default && ip4_addr_isbroadcast(ip_2_ip4(ip), netif_default));
}

/* "Any" of the socket's kind, for an implicit bind. */
static const ip_addr_t *any_of(struct sock *s)
{
	if (!v6(s))
		return IP4_ADDR_ANY;
	return I(s)->v6only ? IP6_ADDR_ANY : IP_ANY_TYPE;
}

static int inet_getname(struct sock *s, void *out, bool peer)
{
	struct inet *in = I(s);
	if (peer) {
		bool conn = s->type == SOCK_STREAM ? in->st == I_CONNECTED || in->was_connected
						   : in->rport != 0;
		if (!conn || (s->type == SOCK_STREAM && in->st != I_CONNECTED))
			return -ENOTCONN;
		return addr_make(s, out, &in->raddr, in->rport);
	}
	if (in->tcp) {
		in->laddr = in->tcp->local_ip;
		in->lport = in->tcp->local_port;
	} else if (in->udp) {
		in->laddr = in->udp->local_ip;
		in->lport = in->udp->local_port;
	}
	return addr_make(s, out, &in->laddr, in->lport);
}

/* ---- options of level IPPROTO_IPV6 (both protocols) */

/* bound: the socket has a local port (Linux fixes IPV6_V6ONLY then). */
static int ipv6_setopt(struct sock *s, bool bound, int name, const void *val, unsigned len)
{
	if (!v6(s))
		return -ENOPROTOOPT;
	if (len < sizeof(int))
		return -EINVAL;
	int v;
	memcpy(&v, val, sizeof(v));
	switch (name) {
	case IPV6_V6ONLY:
		if (bound)
			return -EINVAL;
		I(s)->v6only = v != 0;
		return 0;
	case IPV6_UNICAST_HOPS: case IPV6_MULTICAST_HOPS: case IPV6_TCLASS: case IPV6_RECVERR:
	case IPV6_MTU_DISCOVER: case IPV6_RECVPKTINFO: case IPV6_RECVTCLASS:
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int ipv6_getopt(struct sock *s, int name, int *v)
{
	if (!v6(s))
		return -EOPNOTSUPP;       /* as Linux says for a level IPv4 does not know */
	if (name != IPV6_V6ONLY)
		return -ENOPROTOOPT;
	*v = I(s)->v6only;
	return 0;
}

/* ---- the receive queue */

static void rq_push(struct inet *in, struct pkt *k)
{
	k->next = NULL;
	if (in->rq_tail)
		in->rq_tail->next = k;
	else
		in->rq = k;
	in->rq_tail = k;
	in->queued += k->p->tot_len;
}

static void rq_pop(struct inet *in)
{
	struct pkt *k = in->rq;
	in->rq = k->next;
	if (!in->rq)
		in->rq_tail = NULL;
	pbuf_free(k->p);
	kfree(k);
}

static void rq_clear(struct inet *in)
{
	while (in->rq)
		rq_pop(in);
	in->queued = 0;
	in->rq_off = 0;
}

/* Copies n bytes of p from offset off to buf. */
static int pbuf_out(struct pbuf *p, size_t off, uint8_t *buf, size_t n, bool user)
{
	for (struct pbuf *q = p; q && n; q = q->next) {
		if (off >= q->len) {
			off -= q->len;
			continue;
		}
		size_t k = MIN(n, q->len - off);
		if (xcopy_out(buf, (uint8_t *)q->payload + off, k, user))
			return -EFAULT;
		buf += k;
		n -= k;
		off = 0;
	}
	return 0;
}

/* ---- TCP callbacks */

static err_t tcp_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct inet *in = arg;
	if (!in) {
		if (p)
			pbuf_free(p);
		return ERR_OK;
	}
	if (!p) {
		in->eof = true;
		sock_wake(in->s, POLL_KEY_ALL);
		return ERR_OK;
	}
	struct pkt *k = kzalloc(sizeof(*k));
	if (!k)
		return ERR_MEM;    /* lwIP keeps it and offers it again */
	k->p = p;
	rq_push(in, k);
	sock_wake(in->s, POLL_KEY_IN);
	return ERR_OK;
}

static err_t tcp_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct inet *in = arg;
	if (in)
		sock_wake(in->s, POLL_KEY_OUT);
	return ERR_OK;
}

static void tcp_err_cb(void *arg, err_t err)
{
	struct inet *in = arg;
	if (!in)
		return;
	in->tcp = NULL;          /* lwIP has freed it */
	in->s->error = in->st == I_CONNECTING ? ECONNREFUSED : -errno_of(err);
	if (err == ERR_CLSD)
		in->s->error = 0;
	in->st = I_CLOSED;
	sock_wake(in->s, POLL_KEY_ALL);
}

static err_t tcp_connected_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct inet *in = arg;
	if (!in)
		return ERR_OK;
	in->st = I_CONNECTED;
	in->was_connected = true;
	in->raddr = pcb->remote_ip;
	in->rport = pcb->remote_port;
	sock_wake(in->s, POLL_KEY_OUT);
	return ERR_OK;
}

static void tcp_hook(struct inet *in, struct tcp_pcb *pcb)
{
	in->tcp = pcb;
	tcp_arg(pcb, in);
	tcp_recv(pcb, tcp_recv_cb);
	tcp_sent(pcb, tcp_sent_cb);
	tcp_err(pcb, tcp_err_cb);
}

static struct inet *inet_new(int family, int type, const struct sock_ops *ops)
{
	struct sock *s = sock_alloc(family, type, 0, ops);
	if (!s)
		return NULL;
	struct inet *in = kzalloc(sizeof(*in));
	if (!in) {
		kfree(s);
		return NULL;
	}
	in->s = s;
	in->keepidle = 7200;
	in->keepintvl = 75;
	in->keepcnt = 9;
	s->priv = in;
	return in;
}

static err_t tcp_accept_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct inet *l = arg;
	if (!l || err != ERR_OK || !pcb)
		return ERR_VAL;
	if (acceptq_full(&l->acc)) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	struct inet *in = inet_new(l->s->family, SOCK_STREAM, &tcp_ops);
	if (!in) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	tcp_hook(in, pcb);
	in->st = I_CONNECTED;
	in->was_connected = true;
	in->raddr = pcb->remote_ip;
	in->rport = pcb->remote_port;
	in->s->keepalive = l->s->keepalive;
	in->v6only = l->v6only;
	if (l->s->keepalive)
		ip_set_option(pcb, SOF_KEEPALIVE);
	if (l->nodelay) {
		tcp_nagle_disable(pcb);
		in->nodelay = true;
	}
	acceptq_push(&l->acc, in->s);
	sock_wake(l->s, POLL_KEY_IN);
	return ERR_OK;
}

/* ---- TCP operations */

static int tcp_bind_op(struct sock *s, const void *a, unsigned len)
{
	struct inet *in = I(s);
	ip_addr_t ip;
	uint16_t port;
	int e = addr_parse(s, a, len, &ip, &port, false);
	if (e)
		return e;
	if (!in->tcp || in->st != I_NEW || in->tcp->local_port)
		return -EINVAL;
	if (in->v6only && IP_IS_V4(&ip))
		return -EINVAL;
	if (!addr_is_local(&ip))
		return -EADDRNOTAVAIL;
	if (s->reuseaddr)
		ip_set_option(in->tcp, SOF_REUSEADDR);
	return errno_of(tcp_bind(in->tcp, &ip, port));
}

static int tcp_listen_op(struct sock *s, int backlog)
{
	struct inet *in = I(s);
	if (in->st == I_LISTEN) {
		in->acc.backlog = backlog;
		return 0;
	}
	if (in->st != I_NEW || !in->tcp)
		return -EINVAL;
	if (!in->tcp->local_port) {
		int e = errno_of(tcp_bind(in->tcp, any_of(s), 0));
		if (e)
			return e;
	}
	err_t err;
	struct tcp_pcb *l = tcp_listen_with_backlog_and_err(in->tcp, 255, &err);
	if (!l)
		return errno_of(err);
	in->tcp = l;             /* the old pcb is gone */
	tcp_arg(l, in);
	tcp_accept(l, tcp_accept_cb);
	in->st = I_LISTEN;
	in->acc.backlog = backlog;
	return 0;
}

static bool tcp_listening(struct sock *s)
{
	return I(s)->st == I_LISTEN;
}

static int tcp_accept_op(struct sock *s, struct sock **out, bool nonblock)
{
	return acceptq_take(s, &I(s)->acc, tcp_listening, nonblock, out);
}

static int tcp_connect_op(struct sock *s, const void *a, unsigned len, bool nonblock)
{
	struct inet *in = I(s);
	ip_addr_t ip;
	uint16_t port;
	int e = addr_parse(s, a, len, &ip, &port, true);
	if (e)
		return e;
	switch (in->st) {
	case I_CONNECTING:
		return -EALREADY;
	case I_CONNECTED:
		return -EISCONN;
	case I_LISTEN:
		return -EISCONN;
	case I_CLOSED:
		if (s->error) {
			e = -s->error;
			s->error = 0;
			return e;
		}
		return in->was_connected ? -EISCONN : -ECONNABORTED;
	}
	if (!in->tcp)
		return -EINVAL;
	if (!IP_IS_ANY_TYPE_VAL(in->tcp->local_ip) && IP_GET_TYPE(&in->tcp->local_ip) != IP_GET_TYPE(&ip))
		return -ENETUNREACH;   /* bound to the other version, or v6only and IPv4 */
	if (in->v6only && IP_IS_V4(&ip))
		return -ENETUNREACH;
	in->raddr = ip;
	in->rport = port;
	in->st = I_CONNECTING;
	e = errno_of(tcp_connect(in->tcp, &ip, port, tcp_connected_cb));
	if (e) {
		in->st = I_NEW;
		return e == -ENETUNREACH ? -ENETUNREACH : e;
	}
	net_poll();
	if (nonblock)
		return -EINPROGRESS;    /* as Linux says even when loopback has finished */
	while (in->st == I_CONNECTING) {
		e = sock_wait(s, false, s->sndtimeo);
		if (e == -EAGAIN)
			return -EINPROGRESS;
		if (e)
			return e;
	}
	if (in->st == I_CONNECTED)
		return 0;
	e = s->error ? -s->error : -ECONNREFUSED;
	s->error = 0;
	return e;
}

static ssize_t tcp_send_op(struct sock *s, const void *buf, size_t n, bool user,
			   const void *addr, unsigned alen, struct sock_msg *m, bool nonblock)
{
	static uint8_t bounce[65536];
	struct inet *in = I(s);
	size_t done = 0;
	while (in->st == I_CONNECTING) {
		int e = sock_wait(s, nonblock, s->sndtimeo);
		if (e)
			return e;
	}
	if (in->st != I_CONNECTED || in->wr_shut || !in->tcp) {
		if (s->error) {
			int e = -s->error;
			s->error = 0;
			return e;
		}
		sock_sigpipe(m->flags);     /* Linux: EPIPE whatever the state */
		return -EPIPE;
	}
	while (done < n) {
		if (!in->tcp || in->wr_shut) {
			if (done)
				break;
			if (s->error) {
				int e = -s->error;
				s->error = 0;
				return e;
			}
			sock_sigpipe(m->flags);
			return -EPIPE;
		}
		size_t room = tcp_sndbuf(in->tcp);
		if (tcp_sndqueuelen(in->tcp) >= TCP_SND_QUEUELEN - 4)
			room = 0;
		if (room == 0) {
			tcp_output(in->tcp);
			net_poll();
			if (in->tcp && tcp_sndbuf(in->tcp) &&
			    tcp_sndqueuelen(in->tcp) < TCP_SND_QUEUELEN - 4)
				continue;
			if (done && nonblock)
				break;
			int e = sock_wait(s, nonblock, s->sndtimeo);
			if (e)
				return done ? (ssize_t)done : e;
			continue;
		}
		size_t k = MIN(MIN(room, n - done), sizeof(bounce));
		k = MIN(k, (size_t)0xffff);
		if (xcopy_in(bounce, (const uint8_t *)buf + done, k, user))
			return done ? (ssize_t)done : -EFAULT;
		u8_t fl = TCP_WRITE_FLAG_COPY;
		if (done + k < n || (m->flags & MSG_MORE))
			fl |= TCP_WRITE_FLAG_MORE;
		err_t err = tcp_write(in->tcp, bounce, (u16_t)k, fl);
		if (err == ERR_MEM) {
			tcp_output(in->tcp);
			int e = sock_wait(s, nonblock, s->sndtimeo);
			if (e)
				return done ? (ssize_t)done : e;
			continue;
		}
		if (err != ERR_OK)
			return done ? (ssize_t)done : errno_of(err);
		done += k;
		if (!(m->flags & MSG_MORE))
			tcp_output(in->tcp);
		if (done < n)
			net_poll();
	}
	return (ssize_t)done;
}

static ssize_t tcp_recv_op(struct sock *s, void *buf, size_t n, bool user, struct sock_msg *m,
			   bool nonblock)
{
	struct inet *in = I(s);
	size_t done = 0;
	bool peek = m->flags & MSG_PEEK;
	if (m->flags & MSG_OOB)
		return -EINVAL;
	for (;;) {
		if (in->st == I_LISTEN || in->st == I_NEW)
			return -ENOTCONN;
		if (in->st == I_CONNECTING) {
			int e = sock_wait(s, nonblock, s->rcvtimeo);
			if (e)
				return e;
			continue;
		}
		size_t at = in->rq_off;
		struct pkt *k = in->rq;
		while (k && done < n) {
			size_t avail = k->p->tot_len - at;
			size_t c = MIN(avail, n - done);
			if (pbuf_out(k->p, at, (uint8_t *)buf + done, c, user))
				return done ? (ssize_t)done : -EFAULT;
			done += c;
			if (peek) {
				at = 0;
				k = k->next;
				continue;
			}
			in->queued -= c;
			if (c == avail) {
				k = k->next;
				rq_pop(in);
				in->rq_off = at = 0;
			} else {
				in->rq_off = at + c;
			}
			if (in->tcp) {
				for (size_t r = c; r;) {
					u16_t part = (u16_t)MIN(r, (size_t)0xffff);
					tcp_recved(in->tcp, part);
					r -= part;
				}
			}
		}
		if (done == n || (done && !(m->flags & MSG_WAITALL)) || (done && peek))
			return (ssize_t)done;
		if (in->eof || in->rd_shut)
			return (ssize_t)done;
		if (in->st == I_CLOSED) {
			if (s->error && !done) {
				int e = -s->error;
				s->error = 0;
				return e;
			}
			return (ssize_t)done;
		}
		if (n == 0)
			return 0;
		int e = sock_wait(s, nonblock, s->rcvtimeo);
		if (e)
			return done ? (ssize_t)done : e;
	}
}

static int tcp_shutdown_op(struct sock *s, int how)
{
	struct inet *in = I(s);
	if (in->st != I_CONNECTED && in->st != I_CLOSED) {
		if (in->st == I_LISTEN && how != SHUT_WR) {
			/* shutting a listener down stops it, as on Linux */
			return 0;
		}
		return -ENOTCONN;
	}
	if (how != SHUT_WR)
		in->rd_shut = true;
	if (how != SHUT_RD && !in->wr_shut) {
		in->wr_shut = true;
		if (in->tcp)
			tcp_shutdown(in->tcp, 0, 1);
	}
	sock_wake(s, POLL_KEY_ALL);
	return 0;
}

static unsigned tcp_poll_op(struct sock *s)
{
	struct inet *in = I(s);
	unsigned m = 0;
	switch (in->st) {
	case I_NEW:
		return EPOLLOUT | EPOLLWRNORM | EPOLLHUP;
	case I_LISTEN:
		return in->acc.head ? EPOLLIN | EPOLLRDNORM : 0;
	case I_CONNECTING:
		return s->error ? EPOLLERR : 0;
	}
	if (in->queued)
		m |= EPOLLIN | EPOLLRDNORM;
	if (in->eof || in->rd_shut)
		m |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (in->st == I_CLOSED) {
		m |= EPOLLIN | EPOLLRDNORM | EPOLLHUP | EPOLLOUT | EPOLLWRNORM;
		if (s->error)
			m |= EPOLLERR;
		return m;
	}
	if (in->eof && in->wr_shut)
		m |= EPOLLHUP;
	if (in->wr_shut || (in->tcp && tcp_sndbuf(in->tcp) > TCP_SNDLOWAT / 4 &&
			    tcp_sndqueuelen(in->tcp) < TCP_SND_QUEUELEN - 4))
		m |= EPOLLOUT | EPOLLWRNORM;
	return m;
}

static int tcp_nread_op(struct sock *s)
{
	struct inet *in = I(s);
	if (in->st == I_LISTEN)
		return -EINVAL;
	return (int)MIN(in->queued - in->rq_off, (size_t)INT32_MAX);
}

static void tcp_keepalive_apply(struct inet *in)
{
	if (!in->tcp || in->st == I_LISTEN)
		return;
	in->tcp->keep_idle = (u32_t)in->keepidle * 1000;
	in->tcp->keep_intvl = (u32_t)in->keepintvl * 1000;
	in->tcp->keep_cnt = (u32_t)in->keepcnt;
}

static int tcp_setopt(struct sock *s, int level, int name, const void *val, unsigned len)
{
	struct inet *in = I(s);
	int v = 0;
	if (len >= sizeof(int))
		memcpy(&v, val, sizeof(int));
	if (level == SOL_SOCKET) {
		if (!in->tcp)
			return 0;
		if (name == SO_REUSEADDR) {
			if (v)
				ip_set_option(in->tcp, SOF_REUSEADDR);
			else
				ip_reset_option(in->tcp, SOF_REUSEADDR);
		} else if (name == SO_KEEPALIVE && in->st != I_LISTEN) {
			if (v)
				ip_set_option(in->tcp, SOF_KEEPALIVE);
			else
				ip_reset_option(in->tcp, SOF_KEEPALIVE);
			tcp_keepalive_apply(in);
		}
		return 0;
	}
	if (level == IPPROTO_IP) {
		if (name == IP_TOS || name == IP_TTL || name == IP_RECVERR)
			return len < sizeof(int) ? -EINVAL : 0;
		return -ENOPROTOOPT;
	}
	if (level == IPPROTO_IPV6)
		return ipv6_setopt(s, in->st != I_NEW || (in->tcp && in->tcp->local_port), name, val, len);
	if (level != IPPROTO_TCP)
		return -ENOPROTOOPT;
	if (len < sizeof(int))
		return -EINVAL;
	switch (name) {
	case TCP_NODELAY:
		in->nodelay = v != 0;
		if (in->tcp && in->st != I_LISTEN) {
			if (v)
				tcp_nagle_disable(in->tcp);
			else
				tcp_nagle_enable(in->tcp);
		}
		return 0;
	case TCP_KEEPIDLE: case TCP_KEEPINTVL: case TCP_KEEPCNT:
		if (v < 1 || v > 32767)
			return -EINVAL;
		if (name == TCP_KEEPIDLE)
			in->keepidle = v;
		else if (name == TCP_KEEPINTVL)
			in->keepintvl = v;
		else
			in->keepcnt = v;
		tcp_keepalive_apply(in);
		return 0;
	case TCP_CORK: case TCP_QUICKACK: case TCP_DEFER_ACCEPT: case TCP_FASTOPEN:
	case TCP_USER_TIMEOUT: case TCP_MAXSEG: case TCP_NOTSENT_LOWAT:
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int tcp_getopt(struct sock *s, int level, int name, void *val, unsigned *len)
{
	struct inet *in = I(s);
	int v;
	if (level == SOL_SOCKET && name == SO_ACCEPTCONN)
		v = in->st == I_LISTEN;
	else if (level == IPPROTO_TCP && name == TCP_NODELAY)
		v = in->nodelay;
	else if (level == IPPROTO_TCP && name == TCP_KEEPIDLE)
		v = in->keepidle;
	else if (level == IPPROTO_TCP && name == TCP_KEEPINTVL)
		v = in->keepintvl;
	else if (level == IPPROTO_TCP && name == TCP_KEEPCNT)
		v = in->keepcnt;
	else if (level == IPPROTO_TCP && name == TCP_MAXSEG)
		v = TCP_MSS;
	else if (level == IPPROTO_IPV6) {
		int e = ipv6_getopt(s, name, &v);
		if (e)
			return e;
	} else
		return -ENOPROTOOPT;
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

static void tcp_release_op(struct sock *s)
{
	struct inet *in = I(s);
	if (in->st == I_LISTEN) {
		acceptq_drain(&in->acc);
		if (in->tcp) {
			tcp_arg(in->tcp, NULL);
			tcp_accept(in->tcp, NULL);
			tcp_close(in->tcp);
		}
	} else if (in->tcp) {
		struct tcp_pcb *pcb = in->tcp;
		tcp_arg(pcb, NULL);
		tcp_recv(pcb, NULL);
		tcp_sent(pcb, NULL);
		tcp_err(pcb, NULL);
		bool unread = in->queued != 0;
		rq_clear(in);
		if ((s->linger_on && s->linger_secs == 0) || unread || in->st == I_CONNECTING)
			tcp_abort(pcb);
		else if (tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
	}
	rq_clear(in);
	kfree(in);
}

static const struct sock_ops tcp_ops = {
	.bind = tcp_bind_op,
	.listen = tcp_listen_op,
	.accept = tcp_accept_op,
	.connect = tcp_connect_op,
	.send = tcp_send_op,
	.recv = tcp_recv_op,
	.shutdown = tcp_shutdown_op,
	.getname = inet_getname,
	.poll = tcp_poll_op,
	.nread = tcp_nread_op,
	.setopt = tcp_setopt,
	.getopt = tcp_getopt,
	.release = tcp_release_op,
};

/* ---- UDP */

static void udp_recv_cb(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
			u16_t port)
{
	struct inet *in = arg;
	if (!in || in->queued + p->tot_len > UDP_QUEUE_MAX) {
		net_udp_rcvbuf_errors += in != NULL;
		pbuf_free(p);
		return;
	}
	struct pkt *k = kzalloc(sizeof(*k));
	if (!k) {
		net_udp_mem_errors++;
		pbuf_free(p);
		return;
	}
	k->p = p;
	ip_addr_copy(k->from, *addr);
	k->port = port;
	rq_push(in, k);
	sock_wake(in->s, POLL_KEY_IN);
}

static int udp_bind_op(struct sock *s, const void *a, unsigned len)
{
	struct inet *in = I(s);
	ip_addr_t ip;
	uint16_t port;
	int e = addr_parse(s, a, len, &ip, &port, false);
	if (e)
		return e;
	if (in->udp->local_port)
		return -EINVAL;
	if (in->v6only && IP_IS_V4(&ip))
		return -EINVAL;
	if (!addr_is_local(&ip) && !is_broadcast(&ip))
		return -EADDRNOTAVAIL;
	if (s->reuseaddr || s->reuseport)
		ip_set_option(in->udp, SOF_REUSEADDR);
	return errno_of(udp_bind(in->udp, &ip, port));
}

/* Whether the UDP socket can reach ip: not when bound to the other
 * version (or IPv6 only and ip is IPv4). */
static bool udp_version_ok(struct inet *in, const ip_addr_t *ip)
{
	if (in->v6only && IP_IS_V4(ip))
		return false;
	return IP_IS_ANY_TYPE_VAL(in->udp->local_ip) || IP_GET_TYPE(&in->udp->local_ip) == IP_GET_TYPE(ip);
}

static int udp_connect_op(struct sock *s, const void *a, unsigned len, bool nonblock)
{
	struct inet *in = I(s);
	if (len >= sizeof(uint16_t) && ((const struct sockaddr_in *)a)->sin_family == AF_UNSPEC) {
		udp_disconnect(in->udp);
		in->rport = 0;
		return 0;
	}
	ip_addr_t ip;
	uint16_t port;
	int e = addr_parse(s, a, len, &ip, &port, true);
	if (e)
		return e;
	if (!udp_version_ok(in, &ip))
		return -ENETUNREACH;
	e = errno_of(udp_connect(in->udp, &ip, port));
	if (e)
		return e;
	in->raddr = ip;
	in->rport = port;
	return 0;
}

static ssize_t udp_send_op(struct sock *s, const void *buf, size_t n, bool user,
			   const void *addr, unsigned alen, struct sock_msg *m, bool nonblock)
{
	struct inet *in = I(s);
	ip_addr_t ip;
	uint16_t port;
	if (addr && v6(s) && alen >= sizeof(uint16_t) &&
	    ((const struct sockaddr_in *)addr)->sin_family == AF_INET) {
		/* Linux sends an AF_INET6 socket's datagram to an AF_INET
		 * address over IPv4, unless the socket is IPv6 only */
		if (in->v6only)
			return -ENETUNREACH;
		int e = addr_parse4(addr, alen, &ip, &port, true);
		if (e)
			return e;
		if (!udp_version_ok(in, &ip))
			return -ENETUNREACH;
	} else if (addr) {
		int e = addr_parse(s, addr, alen, &ip, &port, true);
		if (e)
			return e;
		if (!udp_version_ok(in, &ip))
			return -ENETUNREACH;
	} else if (in->rport) {
		ip = in->raddr;
		port = in->rport;
	} else {
		return -EDESTADDRREQ;
	}
	if (n > UDP_MAX)
		return -EMSGSIZE;
	if (port == 0)
		return -EINVAL;
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)n, PBUF_RAM);
	if (!p)
		return -ENOBUFS;
	if (n && xcopy_in(p->payload, buf, n, user)) {
		pbuf_free(p);
		return -EFAULT;
	}
	if (is_broadcast(&ip) && !s->broadcast) {
		pbuf_free(p);
		return -EACCES;
	}
	err_t err = udp_sendto(in->udp, p, &ip, port);
	pbuf_free(p);
	if (err != ERR_OK)
		return errno_of(err);
	return (ssize_t)n;
}

static ssize_t udp_recv_op(struct sock *s, void *buf, size_t n, bool user, struct sock_msg *m,
			   bool nonblock)
{
	struct inet *in = I(s);
	while (!in->rq) {
		if (in->rd_shut)
			return 0;
		int e = sock_wait(s, nonblock, s->rcvtimeo);
		if (e)
			return e;
	}
	struct pkt *k = in->rq;
	size_t len = k->p->tot_len, c = MIN(len, n);
	if (pbuf_out(k->p, 0, buf, c, user))
		return -EFAULT;
	m->addrlen = (unsigned)addr_make(s, m->addr, &k->from, k->port);
	if (c < len)
		m->msg_flags |= MSG_TRUNC;
	if (!(m->flags & MSG_PEEK)) {
		in->queued -= len;
		rq_pop(in);
	}
	return (ssize_t)((m->flags & MSG_TRUNC) ? len : c);
}

static int udp_shutdown_op(struct sock *s, int how)
{
	struct inet *in = I(s);
	if (!in->rport)
		return -ENOTCONN;
	if (how != SHUT_WR)
		in->rd_shut = true;
	sock_wake(s, POLL_KEY_ALL);
	return 0;
}

static unsigned udp_poll_op(struct sock *s)
{
	struct inet *in = I(s);
	unsigned m = EPOLLOUT | EPOLLWRNORM;
	if (in->rq || in->rd_shut)
		m |= EPOLLIN | EPOLLRDNORM;
	return m;
}

static int udp_nread_op(struct sock *s)
{
	struct inet *in = I(s);
	return in->rq ? in->rq->p->tot_len : 0;
}

static int udp_setopt(struct sock *s, int level, int name, const void *val, unsigned len)
{
	struct inet *in = I(s);
	if (level == SOL_SOCKET) {
		int v = 0;
		memcpy(&v, val, sizeof(int));
		if (name == SO_REUSEADDR || name == SO_REUSEPORT) {
			if (v)
				ip_set_option(in->udp, SOF_REUSEADDR);
		} else if (name == SO_BROADCAST) {
			if (v)
				ip_set_option(in->udp, SOF_BROADCAST);
			else
				ip_reset_option(in->udp, SOF_BROADCAST);
		}
		return 0;
	}
	if (level == IPPROTO_IP) {
		if (name == IP_TOS || name == IP_TTL || name == IP_RECVERR || name == IP_PKTINFO ||
		    name == IP_MTU_DISCOVER)
			return len < sizeof(int) ? -EINVAL : 0;
	}
	if (level == IPPROTO_IPV6)
		return ipv6_setopt(s, in->udp->local_port != 0, name, val, len);
	return -ENOPROTOOPT;
}

static int udp_getopt(struct sock *s, int level, int name, void *val, unsigned *len)
{
	int v;
	if (level != IPPROTO_IPV6)
		return -ENOPROTOOPT;
	int e = ipv6_getopt(s, name, &v);
	if (e)
		return e;
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

static void udp_release_op(struct sock *s)
{
	struct inet *in = I(s);
	if (in->udp)
		udp_remove(in->udp);
	rq_clear(in);
	kfree(in);
}

static const struct sock_ops udp_ops = {
	.bind = udp_bind_op,
	.connect = udp_connect_op,
	.send = udp_send_op,
	.recv = udp_recv_op,
	.shutdown = udp_shutdown_op,
	.getname = inet_getname,
	.poll = udp_poll_op,
	.nread = udp_nread_op,
	.setopt = udp_setopt,
	.getopt = udp_getopt,
	.release = udp_release_op,
};

int inet_create(int family, int type, int protocol, struct sock **out)
{
	if (type == SOCK_STREAM) {
		if (protocol && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
	} else if (type == SOCK_DGRAM) {
		if (protocol && protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
	} else if (type == SOCK_RAW) {
		return -EPROTONOSUPPORT;
	} else {
		return -ESOCKTNOSUPPORT;
	}
	net_use();
	struct inet *in = inet_new(family, type, type == SOCK_STREAM ? &tcp_ops : &udp_ops);
	if (!in)
		return -ENOMEM;
	in->s->protocol = protocol;
	if (type == SOCK_STREAM) {
		struct tcp_pcb *pcb = tcp_new_ip_type(family == AF_INET6 ? IPADDR_TYPE_ANY : IPADDR_TYPE_V4);
		if (!pcb) {
			kfree(in->s);
			kfree(in);
			return -ENOMEM;
		}
		tcp_hook(in, pcb);
	} else {
		in->udp = udp_new_ip_type(family == AF_INET6 ? IPADDR_TYPE_ANY : IPADDR_TYPE_V4);
		if (!in->udp) {
			kfree(in->s);
			kfree(in);
			return -ENOMEM;
		}
		udp_recv(in->udp, udp_recv_cb, in);
	}
	*out = in->s;
	return 0;
}
