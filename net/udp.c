/* udp.c: UDP sockets (AF_INET and AF_INET6) over lwIP's raw API: the
 * receive callback that queues datagrams, and the socket operations:
 * bind, connect, sendto, recvfrom, shutdown, poll, options and close.
 * Shared address and queue helpers: net/inet.c. */
#include "net/inet.h"

/* ---- UDP */

void inet_udp_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
		   u16_t port)
{
	struct inet *in = arg;
	bool lite = ip_current_header_proto() == IP_PROTO_UDPLITE;
	if (lite != ((pcb->flags & UDP_FLAGS_UDPLITE) != 0)) {
		pbuf_free(p); /* lwIP's ports are shared: UDP and UDP-Lite are not */
		return;
	}
	if (in && in->lite_recv_cc && lite) {
		/* Linux drops a partly covered datagram that covers less than
		 * UDPLITE_RECV_CSCOV asks for (0: full coverage) */
		const struct udp_hdr *h = ip_next_header_ptr();
		unsigned cov = lwip_ntohs(h->len), len = p->tot_len + UDP_HLEN;
		if (cov && cov < len && (!in->lite_pcrlen || cov < in->lite_pcrlen)) {
			pbuf_free(p);
			return;
		}
	}
	if (!in || in->queued + p->tot_len > UDP_QUEUE_MAX) {
		net_udp_rcvbuf_errors += in != NULL;
		pbuf_free(p);
		return;
	}
	if (sockmem_over(p->tot_len)) { /* udp_mem: all sockets hold too much */
		net_udp_mem_errors++;
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
	if (ip_current_is_v6()) {
		k->v6 = true;
		k->hlim = IP6H_HOPLIM(ip6_current_header());
		k->tclass = (uint8_t)IP6H_TC(ip6_current_header());
		memcpy(k->dst, ip6_current_dest_addr()->addr, 16);
		k->ifindex = ip_current_input_netif() ? netif_get_index(ip_current_input_netif())
						      : 0;
	}
	inet_rq_push(in, k);
	sock_wake(in->s, POLL_KEY_IN);
}

static int udp_bind_op(struct sock *s, const void *a, unsigned len)
{
	struct inet *in = I(s);
	ip_addr_t ip;
	uint16_t port;
	int e = inet_bind_addr(s, a, len, in->udp->local_port != 0, true, &ip, &port);
	if (e)
		return e;
	if (s->reuseaddr || s->reuseport)
		ip_set_option(in->udp, SOF_REUSEADDR);
	return inet_errno(udp_bind(in->udp, &ip, port));
}

/* Whether the UDP socket can reach ip: not when bound to the other
 * version (or IPv6 only and ip is IPv4). */
static bool udp_version_ok(struct inet *in, const ip_addr_t *ip)
{
	if (in->v6only && IP_IS_V4(ip))
		return false;
	return IP_IS_ANY_TYPE_VAL(in->udp->local_ip) ||
	       IP_GET_TYPE(&in->udp->local_ip) == IP_GET_TYPE(ip);
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
	int e = inet_addr_parse(s, a, len, &ip, &port, true);
	if (e)
		return e;
	if (!udp_version_ok(in, &ip))
		return -ENETUNREACH;
	e = inet_errno(udp_connect(in->udp, &ip, port));
	if (e)
		return e;
	in->raddr = ip;
	in->rport = port;
	return 0;
}

static ssize_t udp_send_op(struct sock *s, const void *buf, size_t n, bool user, const void *addr,
			   unsigned alen, struct sock_msg *m, bool nonblock)
{
	struct inet *in = I(s);
	ip_addr_t ip;
	uint16_t port;
	if (addr && inet_v6(s) && alen >= sizeof(uint16_t) &&
	    ((const struct sockaddr_in *)addr)->sin_family == AF_INET) {
		/* Linux sends an AF_INET6 socket's datagram to an AF_INET
		 * address over IPv4, unless the socket is IPv6 only */
		if (in->v6only)
			return -ENETUNREACH;
		int e = inet_addr_parse4(addr, alen, &ip, &port, true);
		if (e)
			return e;
		if (!udp_version_ok(in, &ip))
			return -ENETUNREACH;
	} else if (addr) {
		int e = inet_addr_parse(s, addr, alen, &ip, &port, true);
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
	if (inet_is_broadcast(&ip) && !s->broadcast) {
		pbuf_free(p);
		return -EACCES;
	}
	err_t err = udp_sendto(in->udp, p, &ip, port);
	pbuf_free(p);
	if (err != ERR_OK)
		return inet_errno(err);
	return (ssize_t)n;
}

static ssize_t udp_recv_op(struct sock *s, void *buf, size_t n, bool user, struct sock_msg *m,
			   bool nonblock)
{
	struct inet *in = I(s);
again:
	while (!in->rq) {
		if (in->rd_shut)
			return 0;
		int e = sock_wait(s, nonblock, s->rcvtimeo);
		if (e)
			return e;
	}
	struct pkt *k = in->rq;
	size_t len = k->p->tot_len, c = MIN(len, n);
	size_t got = pbuf_out(k->p, 0, buf, c, user);
	if (got < c) {
		/* k may be gone once the fault has slept */
		if (fault_in_user((uint8_t *)buf + got, true))
			return -EFAULT;
		goto again;
	}
	m->addrlen = (unsigned)inet_addr_make(s, m->addr, &k->from, k->port);
	if (k->v6) { /* in Linux's order */
		if (in->recv_pktinfo) {
			struct {
				uint8_t addr[16];
				int ifindex;
			} pi; /* in6_pktinfo */
			memcpy(pi.addr, k->dst, 16);
			pi.ifindex = k->ifindex;
			sock_cmsg_put(m, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
		}
		int v = k->hlim;
		if (in->recv_hoplimit)
			sock_cmsg_put(m, IPPROTO_IPV6, IPV6_HOPLIMIT, &v, sizeof(v));
		v = k->tclass;
		if (in->recv_tclass)
			sock_cmsg_put(m, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v));
	}
	if (c < len)
		m->msg_flags |= MSG_TRUNC;
	if (!(m->flags & MSG_PEEK)) {
		in->queued -= len;
		inet_rq_pop(in);
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
		return inet_ipv6_setopt(s, in->udp->local_port != 0, name, val, len);
	if ((level == SOL_UDP || level == SOL_UDPLITE) &&
	    (name == UDPLITE_SEND_CSCOV || name == UDPLITE_RECV_CSCOV)) {
		if (len < sizeof(int))
			return -EINVAL;
		if (!(in->udp->flags & UDP_FLAGS_UDPLITE))
			return -ENOPROTOOPT;
		int v;
		memcpy(&v, val, sizeof(v));
		/* as Linux: 1..7 (and less) cover the header, at most 65535 */
		uint16_t cov = v == 0 ? 0 : v < 8 ? 8 : v > 0xffff ? 0xffff : (uint16_t)v;
		if (name == UDPLITE_SEND_CSCOV) {
			in->udp->chksum_len_tx = cov;
		} else {
			in->lite_pcrlen = cov;
			in->lite_recv_cc = true;
		}
		return 0;
	}
	return -ENOPROTOOPT;
}

static int udp_getopt(struct sock *s, int level, int name, void *val, unsigned *len)
{
	int v;
	struct inet *in = I(s);
	if ((level == SOL_UDP || level == SOL_UDPLITE) &&
	    (name == UDPLITE_SEND_CSCOV || name == UDPLITE_RECV_CSCOV)) {
		v = name == UDPLITE_SEND_CSCOV ? in->udp->chksum_len_tx : in->lite_pcrlen;
		memcpy(val, &v, sizeof(v));
		*len = sizeof(v);
		return 0;
	}
	if (level != IPPROTO_IPV6)
		return -ENOPROTOOPT;
	int e = inet_ipv6_getopt(s, name, &v);
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
	inet_rq_clear(in);
	kfree(in);
}

const struct sock_ops inet_udp_ops = {
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
