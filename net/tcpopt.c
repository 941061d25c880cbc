/* tcpopt.c: the options of TCP sockets (AF_INET and AF_INET6): SOL_SOCKET's
 * SO_REUSEADDR and SO_KEEPALIVE as lwIP's pcb options, IPPROTO_TCP's
 * (TCP_NODELAY, the keepalive timings, the accepted and ignored rest) and
 * IPPROTO_IPV6's through net/inet.c. The rest of TCP: net/tcp.c. */
#include "net/inet.h"

void inet_tcp_keepalive_apply(struct inet *in)
{
	if (!in->tcp || in->st == I_LISTEN)
		return;
	in->tcp->keep_idle = (u32_t)in->keepidle * 1000;
	in->tcp->keep_intvl = (u32_t)in->keepintvl * 1000;
	in->tcp->keep_cnt = (u32_t)in->keepcnt;
}

int inet_tcp_setopt(struct sock *s, int level, int name, const void *val, unsigned len)
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
			inet_tcp_keepalive_apply(in);
		}
		return 0;
	}
	if (level == IPPROTO_IP) {
		if (name == IP_TOS || name == IP_TTL || name == IP_RECVERR)
			return len < sizeof(int) ? -EINVAL : 0;
		return -ENOPROTOOPT;
	}
	if (level == IPPROTO_IPV6)
		return inet_ipv6_setopt(s, in->st != I_NEW || (in->tcp && in->tcp->local_port),
					name, val, len);
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
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
	case TCP_KEEPCNT:
		if (v < 1 || v > 32767)
			return -EINVAL;
		if (name == TCP_KEEPIDLE)
			in->keepidle = v;
		else if (name == TCP_KEEPINTVL)
			in->keepintvl = v;
		else
			in->keepcnt = v;
		inet_tcp_keepalive_apply(in);
		return 0;
	case TCP_CORK:
	case TCP_QUICKACK:
	case TCP_DEFER_ACCEPT:
	case TCP_FASTOPEN:
	case TCP_USER_TIMEOUT:
	case TCP_MAXSEG:
	case TCP_NOTSENT_LOWAT: return 0;
	default: return -ENOPROTOOPT;
	}
}

int inet_tcp_getopt(struct sock *s, int level, int name, void *val, unsigned *len)
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
		int e = inet_ipv6_getopt(s, name, &v);
		if (e)
			return e;
	} else
		return -ENOPROTOOPT;
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}
