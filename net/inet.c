/* inet.c: AF_INET and AF_INET6 sockets over lwIP's raw API, the parts
 * TCP (net/tcp.c) and UDP (net/udp.c) share: lwIP errors as errnos,
 * sockaddr_in/sockaddr_in6 conversion and names, IPPROTO_IPV6 options,
 * the receive queue of pbufs, and socket creation. An AF_INET6 socket's
 * pcb is of lwIP's dual type until bound or connected, so that one bound
 * to :: (IPV6_V6ONLY off, the default) takes IPv4 too; IPv4 peers and
 * names appear as ::ffff:a.b.c.d. lwIP calls back into net/tcp.c and
 * net/udp.c when data, connections, acknowledgements or errors arrive
 * (from the timer tick, a device interrupt or net_poll after a system
 * call: never while another lwIP call runs); the callbacks queue what
 * came and wake the socket. Received data stays in lwIP's pbufs until
 * read; the receive window opens as it is read (tcp_recved). */
#include "net/inet.h"

int inet_errno(err_t e)
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

/* The address and port of a sockaddr of the socket's family. For an
 * AF_INET6 socket :: is lwIP's dual "any" (IPv6's only with v6only) and
 * ::ffff:a.b.c.d is IPv4's a.b.c.d. any_is_local: 0.0.0.0 and :: name
 * this host's loopback (connect, sendto). */
int inet_addr_parse4(const struct sockaddr_in *sin, unsigned len, ip_addr_t *ip, uint16_t *port,
		     bool any_is_local)
{
	if (sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	if (len < sizeof(*sin))
		return -EINVAL;
	ip_addr_set_ip4_u32_val(*ip, sin->sin_addr.s_addr);
	*port = __builtin_bswap16(sin->sin_port);
	if (any_is_local && ip4_addr_isany_val(*ip_2_ip4(ip)))
		IP_ADDR4(ip, 127, 0, 0, 1); /* connecting to 0.0.0.0 reaches this host */
	return 0;
}

int inet_addr_parse(struct sock *s, const void *a, unsigned len, ip_addr_t *ip, uint16_t *port,
		    bool any_is_local)
{
	if (len < sizeof(uint16_t))
		return -EINVAL;
	if (!inet_v6(s))
		return inet_addr_parse4(a, len, ip, port, any_is_local);
	const struct sockaddr_in6 *sin6 = a;
	if (len < 24) /* SIN6_LEN_RFC2133: no scope id */
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
			IP_ADDR6(ip, 0, 0, 0, __builtin_bswap32(1)); /* :: reaches this host */
		else if (!I(s)->v6only)
			*ip = *IP_ANY_TYPE;
	}
	return 0;
}

/* A sockaddr of the socket's family for ip and port: IPv4 addresses in
 * an AF_INET6 socket's as ::ffff:a.b.c.d. Its length. */
int inet_addr_make(struct sock *s, void *out, const ip_addr_t *ip, uint16_t port)
{
	if (!inet_v6(s)) {
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

bool inet_addr_is_local(const ip_addr_t *ip)
{
	if (ip_addr_isany(ip) || ip_addr_isloopback(ip))
		return true;
	struct netif *n;
	NETIF_FOREACH(n)
	{
		if (IP_IS_V4(ip) && ip4_addr_cmp(netif_ip4_addr(n), ip_2_ip4(ip)))
			return true;
		if (IP_IS_V6(ip) && netif_get_ip6_addr_match(n, ip_2_ip6(ip)) >= 0)
			return true;
	}
	return false;
}

int inet_bind_addr(struct sock *s, const void *a, unsigned len, bool busy, bool bcast_ok,
		   ip_addr_t *ip, uint16_t *port)
{
	int e = inet_addr_parse(s, a, len, ip, port, false);
	if (e)
		return e;
	if (busy || (I(s)->v6only && IP_IS_V4(ip)))
		return -EINVAL;
	if (!inet_addr_is_local(ip) && !(bcast_ok && inet_is_broadcast(ip)))
		return -EADDRNOTAVAIL;
	return 0;
}

bool inet_is_broadcast(const ip_addr_t *ip)
{
	if (!IP_IS_V4(ip))
		return false;
	return ip4_addr_get_u32(ip_2_ip4(ip)) == IPADDR_BROADCAST ||
	       (netif_default && ip4_addr_isbroadcast(ip_2_ip4(ip), netif_default));
}

/* "Any" of the socket's kind, for an implicit bind. */
const ip_addr_t *inet_any(struct sock *s)
{
	if (!inet_v6(s))
		return IP4_ADDR_ANY;
	return I(s)->v6only ? IP6_ADDR_ANY : IP_ANY_TYPE;
}

int inet_getname(struct sock *s, void *out, bool peer)
{
	struct inet *in = I(s);
	if (peer) {
		bool conn = s->type == SOCK_STREAM ? in->st == I_CONNECTED || in->was_connected
						   : in->rport != 0;
		if (!conn || (s->type == SOCK_STREAM && in->st != I_CONNECTED))
			return -ENOTCONN;
		return inet_addr_make(s, out, &in->raddr, in->rport);
	}
	if (in->tcp) {
		in->laddr = in->tcp->local_ip;
		in->lport = in->tcp->local_port ? in->tcp->local_port : in->stale_port;
	} else if (in->udp) {
		in->laddr = in->udp->local_ip;
		in->lport = in->udp->local_port;
	}
	return inet_addr_make(s, out, &in->laddr, in->lport);
}

/* ---- options of level IPPROTO_IPV6 (both protocols) */

/* bound: the socket has a local port (Linux fixes IPV6_V6ONLY then). */
int inet_ipv6_setopt(struct sock *s, bool bound, int name, const void *val, unsigned len)
{
	if (!inet_v6(s))
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
	case IPV6_RECVPKTINFO: I(s)->recv_pktinfo = v != 0; return 0;
	case IPV6_RECVHOPLIMIT: I(s)->recv_hoplimit = v != 0; return 0;
	case IPV6_RECVTCLASS: I(s)->recv_tclass = v != 0; return 0;
	case IPV6_UNICAST_HOPS:
	case IPV6_MULTICAST_HOPS:
	case IPV6_TCLASS:
	case IPV6_RECVERR:
	case IPV6_MTU_DISCOVER: return 0;
	default: return -ENOPROTOOPT;
	}
}

int inet_ipv6_getopt(struct sock *s, int name, int *v)
{
	if (!inet_v6(s))
		return -EOPNOTSUPP; /* as Linux says for a level IPv4 does not know */
	switch (name) {
	case IPV6_V6ONLY: *v = I(s)->v6only; return 0;
	case IPV6_RECVPKTINFO: *v = I(s)->recv_pktinfo; return 0;
	case IPV6_RECVHOPLIMIT: *v = I(s)->recv_hoplimit; return 0;
	case IPV6_RECVTCLASS: *v = I(s)->recv_tclass; return 0;
	default: return -ENOPROTOOPT;
	}
}

/* ---- the receive queue */

void inet_rq_push(struct inet *in, struct pkt *k)
{
	k->next = NULL;
	if (in->rq_tail)
		in->rq_tail->next = k;
	else
		in->rq = k;
	in->rq_tail = k;
	in->queued += k->p->tot_len;
	k->charged = k->p->tot_len;
	sockmem_charge(k->charged);
}

void inet_rq_pop(struct inet *in)
{
	struct pkt *k = in->rq;
	in->rq = k->next;
	if (!in->rq)
		in->rq_tail = NULL;
	sockmem_uncharge(k->charged);
	pbuf_free(k->p);
	kfree(k);
}

void inet_rq_clear(struct inet *in)
{
	while (in->rq)
		inet_rq_pop(in);
	in->queued = 0;
	in->rq_off = 0;
}

/* Copies n bytes of p from offset off to buf; returns the bytes copied,
 * fewer at a user page not yet there. It never sleeps (a fault on a page of
 * a file on a disk would): meanwhile another reader of the socket could
 * take and free p. The caller lets go of p, calls fault_in_user for the
 * first byte not copied, and starts over from the queue as it then is. */
size_t pbuf_out(struct pbuf *p, size_t off, uint8_t *buf, size_t n, bool user)
{
	size_t done = 0;
	for (struct pbuf *q = p; q && done < n; q = q->next) {
		if (off >= q->len) {
			off -= q->len;
			continue;
		}
		size_t k = MIN(n - done, q->len - off);
		size_t got = xcopy_out_nosleep(buf + done, (uint8_t *)q->payload + off, k, user);
		done += got;
		if (got < k)
			break;
		off = 0;
	}
	return done;
}

struct inet *inet_new(int family, int type, const struct sock_ops *ops)
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

int inet_create(int family, int type, int protocol, struct sock **out)
{
	if (type == SOCK_STREAM) {
		if (protocol && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
	} else if (type == SOCK_DGRAM) {
		if (protocol && protocol != IPPROTO_UDP && protocol != IPPROTO_UDPLITE)
			return -EPROTONOSUPPORT;
	} else if (type == SOCK_RAW) {
		return -EPROTONOSUPPORT;
	} else {
		return -ESOCKTNOSUPPORT;
	}
	net_use();
	struct inet *in = inet_new(family, type,
				   type == SOCK_STREAM ? &inet_tcp_ops : &inet_udp_ops);
	if (!in)
		return -ENOMEM;
	in->s->protocol = protocol;
	if (type == SOCK_STREAM) {
		struct tcp_pcb *pcb = tcp_new_ip_type(family == AF_INET6 ? IPADDR_TYPE_ANY
									 : IPADDR_TYPE_V4);
		if (!pcb) {
			kfree(in->s);
			kfree(in);
			return -ENOMEM;
		}
		inet_tcp_hook(in, pcb);
	} else {
		in->udp = udp_new_ip_type(family == AF_INET6 ? IPADDR_TYPE_ANY : IPADDR_TYPE_V4);
		if (!in->udp) {
			kfree(in->s);
			kfree(in);
			return -ENOMEM;
		}
		if (protocol == IPPROTO_UDPLITE)
			in->udp->flags |= UDP_FLAGS_UDPLITE;
		udp_recv(in->udp, inet_udp_recv, in);
	}
	*out = in->s;
	return 0;
}
