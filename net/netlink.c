/* netlink.c: AF_NETLINK sockets (SOCK_RAW and SOCK_DGRAM): port ids
 * (bound or assigned on first use), multicast group membership, the
 * datagram queue of each socket, unicast and group delivery between
 * sockets, and the kernel's end of NETLINK_ROUTE: a message sent to port
 * 0 is split into requests as Linux's netlink_rcv_skb does, each handed
 * to net/rtnl.c, and answered (dump parts, NLMSG_DONE, NLMSG_ERROR and
 * acks) on the sender's queue before the send returns. Other netlink
 * protocols are not built in: EPROTONOSUPPORT, as Linux without them. */
#include "net/socket.h"
#include "net/abi.h"
#include "net/netlink.h"
#include "kernel/proc.h"
#include "fs/vfs.h"
#include <linux/rtnetlink.h>

#define NL_NGROUPS (RTNLGRP_MAX < 32 ? 32 : RTNLGRP_MAX) /* Linux rounds up to 32 */
#define NL_RCVBUF 212992 /* the queue's bound, as SO_RCVBUF's default */
#define NL_SNDBUF 212992
#define NL_PART 4096 /* a dump's datagrams (NLMSG_GOODSIZE-like) */

struct nlmsgq {
	struct nlmsgq *next;
	uint32_t from;  /* sender's port id, 0: the kernel */
	uint32_t group; /* multicast group number, 0: unicast */
	size_t len;
	uint8_t data[];
};

struct nlsock {
	struct sock *s;
	uint32_t portid;
	bool bound;
	uint64_t groups; /* bit g-1: member of group g */
	uint32_t dst_portid, dst_group;
	unsigned flags; /* NL_F_* */
	struct nlmsgq *q, *qtail;
	size_t queued;
	bool overrun;        /* a message was dropped: the next recv says ENOBUFS */
	struct nlsock *next; /* all netlink sockets */
};

enum {
	NL_F_STRICT = 1,
	NL_F_EXT_ACK = 2,
	NL_F_CAP_ACK = 4,
	NL_F_NO_ENOBUFS = 8,
	NL_F_BCAST_ERR = 16,
	NL_F_ALL_NSID = 32
};

static struct nlsock *all;
static uint32_t rover = (uint32_t)-4096; /* Linux's: after the process id */

static struct nlsock *N(struct sock *s) { return s->priv; }

static struct nlsock *find_port(uint32_t portid)
{
	for (struct nlsock *n = all; n; n = n->next)
		if (n->bound && n->portid == portid)
			return n;
	return NULL;
}

static int autobind(struct nlsock *n)
{
	uint32_t id = (uint32_t)(current ? current->pid : 1);
	while (find_port(id) || id == 0)
		id = rover--;
	n->portid = id;
	n->bound = true;
	return 0;
}

/* ---- queues */

/* Queues a datagram on n; -ENOBUFS when n's queue is full, which is an
 * overrun n's next recv reports when the kernel or a group sent it
 * (a socket's unicast is only refused, as Linux's without waiting). */
static int enqueue(struct nlsock *n, uint32_t from, uint32_t group, const void *data, size_t len)
{
	size_t limit = n->s->rcvbuf ? 2 * (size_t)n->s->rcvbuf : NL_RCVBUF;
	if (n->queued && n->queued + len > limit) {
		if ((!from || group) && !(n->flags & NL_F_NO_ENOBUFS))
			n->overrun = true;
		return -ENOBUFS;
	}
	struct nlmsgq *m = kmalloc(sizeof(*m) + len);
	if (!m)
		return -ENOBUFS;
	m->next = NULL;
	m->from = from;
	m->group = group;
	m->len = len;
	memcpy(m->data, data, len);
	if (n->qtail)
		n->qtail->next = m;
	else
		n->q = m;
	n->qtail = m;
	n->queued += len;
	sock_wake(n->s, POLL_KEY_IN);
	return 0;
}

/* ---- replies */

static bool reserve(struct nlreply *r, size_t n)
{
	if (r->nomem)
		return false;
	if (r->len + n <= r->cap)
		return true;
	size_t cap = r->cap ? r->cap : 2048;
	while (cap < r->len + n)
		cap *= 2;
	uint8_t *b = krealloc(r->buf, cap);
	if (!b) {
		r->nomem = true;
		return false;
	}
	r->buf = b;
	r->cap = cap;
	return true;
}

void *nlr_msg(struct nlreply *r, uint16_t type, uint16_t flags, size_t n)
{
	size_t len = NLMSG_LENGTH(n);
	if (!reserve(r, NLMSG_ALIGN(len)))
		return NULL;
	r->cur = r->len;
	struct nlmsghdr *h = (struct nlmsghdr *)(r->buf + r->len);
	memset(h, 0, NLMSG_ALIGN(len));
	h->nlmsg_len = (uint32_t)len;
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = r->seq;
	h->nlmsg_pid = r->portid;
	r->len += NLMSG_ALIGN(len);
	return NLMSG_DATA(h);
}

void nlr_attr(struct nlreply *r, uint16_t type, const void *data, size_t n)
{
	size_t len = NLA_HDRLEN + n;
	if (!reserve(r, NLA_ALIGN(len)))
		return;
	struct nlattr *a = (struct nlattr *)(r->buf + r->len);
	memset(a, 0, NLA_ALIGN(len));
	a->nla_len = (uint16_t)len;
	a->nla_type = type;
	memcpy((uint8_t *)a + NLA_HDRLEN, data, n);
	r->len += NLA_ALIGN(len);
	((struct nlmsghdr *)(r->buf + r->cur))->nlmsg_len = (uint32_t)(r->len - r->cur);
}

void nlr_u32(struct nlreply *r, uint16_t type, uint32_t v) { nlr_attr(r, type, &v, 4); }
void nlr_u8(struct nlreply *r, uint16_t type, uint8_t v) { nlr_attr(r, type, &v, 1); }
void nlr_str(struct nlreply *r, uint16_t type, const char *s)
{
	nlr_attr(r, type, s, strlen(s) + 1);
}

/* Queues r's messages on n as datagrams of at most NL_PART bytes (a
 * message bigger than that alone), never splitting a message. */
static void deliver_reply(struct nlsock *n, struct nlreply *r)
{
	size_t off = 0;
	while (off < r->len) {
		size_t end = off;
		while (end < r->len) {
			struct nlmsghdr *h = (struct nlmsghdr *)(r->buf + end);
			size_t l = NLMSG_ALIGN(h->nlmsg_len);
			if (end > off && end + l - off > NL_PART)
				break;
			end += l;
		}
		enqueue(n, 0, 0, r->buf + off, end - off);
		off = end;
	}
}

/* NLMSG_ERROR for request h (err 0: an ack): the request's header, or all
 * of it for an error unless NETLINK_CAP_ACK. */
static void ack(struct nlsock *n, const struct nlmsghdr *h, int err)
{
	struct nlreply r = { .seq = h->nlmsg_seq, .portid = n->portid };
	bool whole = err && !(n->flags & NL_F_CAP_ACK);
	size_t payload = whole ? h->nlmsg_len : sizeof(*h);
	struct nlmsgerr *e = nlr_msg(&r, NLMSG_ERROR, whole ? 0 : NLM_F_CAPPED,
				     sizeof(int) + payload);
	if (e) {
		e->error = err;
		memcpy(&e->msg, h, payload);
		enqueue(n, 0, 0, r.buf, r.len);
	}
	kfree(r.buf);
}

/* The kernel's NETLINK_ROUTE end: each request in buf, in order. */
static void kernel_input(struct nlsock *n, const uint8_t *buf, size_t len)
{
	while (len >= NLMSG_HDRLEN) {
		const struct nlmsghdr *h = (const void *)buf;
		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len)
			return; /* the rest is ignored, as Linux does */
		int err = 0;
		if ((h->nlmsg_flags & NLM_F_REQUEST) && h->nlmsg_type >= NLMSG_MIN_TYPE) {
			struct nlreply r = { .seq = h->nlmsg_seq, .portid = n->portid };
			bool dump = false;
			err = rtnl_request(h, h->nlmsg_len, &r, &dump);
			if (!err && r.nomem)
				err = -ENOBUFS;
			if (!err) {
				if (dump) {
					int *done = nlr_msg(&r, NLMSG_DONE, NLM_F_MULTI,
							    sizeof(int));
					if (done)
						*done = 0;
				}
				deliver_reply(n, &r);
			}
			kfree(r.buf);
			if (!err && dump) {
				goto next; /* a dump is not acked */
			}
		}
		if (err || (h->nlmsg_flags & NLM_F_ACK))
			ack(n, h, err);
next:;
		size_t l = NLMSG_ALIGN(h->nlmsg_len);
		if (l > len)
			l = len;
		buf += l;
		len -= l;
	}
}

/* ---- socket operations */

static int nl_bind(struct sock *s, const void *addr, unsigned len)
{
	struct nlsock *n = N(s);
	const struct sockaddr_nl *a = addr;
	if (len < sizeof(*a) || a->nl_family != AF_NETLINK)
		return -EINVAL;
	if (n->bound && a->nl_pid != n->portid)
		return -EINVAL;
	if (!n->bound) {
		if (a->nl_pid) {
			if (find_port(a->nl_pid))
				return -EADDRINUSE;
			n->portid = a->nl_pid;
			n->bound = true;
		} else {
			autobind(n);
		}
	}
	n->groups = (n->groups & ~0xffffffffull) | a->nl_groups;
	return 0;
}

static int nl_connect(struct sock *s, const void *addr, unsigned len, bool nonblock)
{
	struct nlsock *n = N(s);
	const struct sockaddr_nl *a = addr;
	if (len < sizeof(a->nl_family))
		return -EINVAL;
	if (a->nl_family == AF_UNSPEC) {
		n->dst_portid = n->dst_group = 0;
		return 0;
	}
	if (a->nl_family != AF_NETLINK || len < sizeof(*a))
		return -EINVAL;
	if (!n->bound)
		autobind(n);
	n->dst_portid = a->nl_pid;
	n->dst_group = (uint32_t)__builtin_ffs((int)a->nl_groups);
	return 0;
}

static int nl_getname(struct sock *s, void *addr, bool peer)
{
	struct nlsock *n = N(s);
	struct sockaddr_nl a = { .nl_family = AF_NETLINK };
	if (peer) {
		a.nl_pid = n->dst_portid;
		a.nl_groups = n->dst_group ? 1u << (n->dst_group - 1) : 0;
	} else {
		a.nl_pid = n->bound ? n->portid : 0;
		a.nl_groups = (uint32_t)n->groups;
	}
	memcpy(addr, &a, sizeof(a));
	return sizeof(a);
}

static ssize_t nl_send(struct sock *s, const void *buf, size_t len, bool user, const void *addr,
		       unsigned addrlen, struct sock_msg *m, bool nonblock)
{
	struct nlsock *n = N(s);
	uint32_t dst_portid = n->dst_portid, dst_group = n->dst_group;
	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (addr && addrlen) {
		const struct sockaddr_nl *a = addr;
		if (addrlen < sizeof(*a) || a->nl_family != AF_NETLINK)
			return -EINVAL;
		dst_portid = a->nl_pid;
		dst_group = (uint32_t)__builtin_ffs((int)a->nl_groups);
	}
	if (!n->bound)
		autobind(n);
	size_t sndbuf = s->sndbuf ? 2 * (size_t)s->sndbuf : NL_SNDBUF;
	if (len > sndbuf - 32)
		return -EMSGSIZE;
	uint8_t *k = kmalloc(len ? len : 1);
	if (!k)
		return -ENOBUFS;
	if (user ? copy_from_user(k, buf, len) : (memcpy(k, buf, len), 0)) {
		kfree(k);
		return -EFAULT;
	}
	ssize_t r = (ssize_t)len;
	if (dst_group)
		for (struct nlsock *o = all; o; o = o->next)
			if (o->bound && o->portid != dst_portid &&
			    (o->groups >> (dst_group - 1) & 1))
				enqueue(o, n->portid, dst_group, k, len);
	if (dst_portid == 0) {
		kernel_input(n, k, len);
	} else {
		struct nlsock *o = find_port(dst_portid);
		if (!o)
			r = -ECONNREFUSED;
		else if (enqueue(o, n->portid, 0, k, len))
			r = nonblock ? -EAGAIN : -ENOBUFS; /* Linux would wait for room */
	}
	kfree(k);
	return r;
}

static ssize_t nl_recv(struct sock *s, void *buf, size_t len, bool user, struct sock_msg *sm,
		       bool nonblock)
{
	struct nlsock *n = N(s);
	if (sm->flags & MSG_OOB)
		return -EOPNOTSUPP;
	for (;;) {
		if (n->overrun) {
			n->overrun = false;
			return -ENOBUFS;
		}
		struct nlmsgq *m = n->q;
		if (!m) {
			int e = sock_wait(s, nonblock, s->rcvtimeo);
			if (e)
				return e;
			continue;
		}
		size_t c = MIN(m->len, len);
		size_t got = xcopy_out_nosleep(buf, m->data, c, user);
		if (got < c) {
			if (fault_in_user((uint8_t *)buf + got, true))
				return -EFAULT;
			continue; /* the queue may have changed meanwhile */
		}
		struct sockaddr_nl a = { .nl_family = AF_NETLINK,
					 .nl_pid = m->from,
					 .nl_groups = m->group ? 1u << (m->group - 1) : 0 };
		memcpy(sm->addr, &a, sizeof(a));
		sm->addrlen = sizeof(a);
		if (c < m->len)
			sm->msg_flags |= MSG_TRUNC;
		size_t full = m->len;
		if (!(sm->flags & MSG_PEEK)) {
			n->q = m->next;
			if (!n->q)
				n->qtail = NULL;
			n->queued -= m->len;
			kfree(m);
		}
		return (ssize_t)((sm->flags & MSG_TRUNC) ? full : c);
	}
}

static int nl_shutdown(struct sock *s, int how) { return -EOPNOTSUPP; }

static unsigned nl_poll(struct sock *s)
{
	struct nlsock *n = N(s);
	unsigned ev = EPOLLOUT | EPOLLWRNORM;
	if (n->q)
		ev |= EPOLLIN | EPOLLRDNORM;
	if (n->overrun)
		ev |= EPOLLERR;
	return ev;
}

static int nl_nread(struct sock *s) { return N(s)->q ? (int)N(s)->q->len : 0; }

static const struct {
	int name;
	unsigned flag;
} flag_opts[] = {
	{ NETLINK_GET_STRICT_CHK, NL_F_STRICT },     { NETLINK_EXT_ACK, NL_F_EXT_ACK },
	{ NETLINK_CAP_ACK, NL_F_CAP_ACK },           { NETLINK_NO_ENOBUFS, NL_F_NO_ENOBUFS },
	{ NETLINK_BROADCAST_ERROR, NL_F_BCAST_ERR }, { NETLINK_LISTEN_ALL_NSID, NL_F_ALL_NSID },
};

static int nl_setopt(struct sock *s, int level, int name, const void *val, unsigned len)
{
	struct nlsock *n = N(s);
	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	int v = 0;
	if (len >= sizeof(int))
		memcpy(&v, val, sizeof(v));
	for (size_t i = 0; i < ARRAY_SIZE(flag_opts); i++)
		if (flag_opts[i].name == name) {
			n->flags = v ? n->flags | flag_opts[i].flag : n->flags & ~flag_opts[i].flag;
			return 0;
		}
	if (name == NETLINK_ADD_MEMBERSHIP || name == NETLINK_DROP_MEMBERSHIP) {
		if (v <= 0 || v >= NL_NGROUPS)
			return -EINVAL;
		if (!n->bound)
			autobind(n);
		if (name == NETLINK_ADD_MEMBERSHIP)
			n->groups |= 1ull << (v - 1);
		else
			n->groups &= ~(1ull << (v - 1));
		return 0;
	}
	return -ENOPROTOOPT;
}

static int nl_getopt(struct sock *s, int level, int name, void *val, unsigned *len)
{
	struct nlsock *n = N(s);
	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	for (size_t i = 0; i < ARRAY_SIZE(flag_opts); i++)
		if (flag_opts[i].name == name) {
			int v = (n->flags & flag_opts[i].flag) != 0;
			memcpy(val, &v, sizeof(v));
			*len = sizeof(v);
			return 0;
		}
	return -ENOPROTOOPT;
}

static void nl_release(struct sock *s)
{
	struct nlsock *n = N(s);
	if (!n)
		return;
	for (struct nlsock **p = &all; *p; p = &(*p)->next)
		if (*p == n) {
			*p = n->next;
			break;
		}
	while (n->q) {
		struct nlmsgq *m = n->q;
		n->q = m->next;
		kfree(m);
	}
	kfree(n);
	s->priv = NULL;
}

int netlink_kernel_send(struct sock *s, const void *data, size_t len)
{
	if (s->family != AF_NETLINK || !N(s))
		return -EINVAL;
	return enqueue(N(s), 0, 0, data, len);
}

static const struct sock_ops nl_ops = {
	.bind = nl_bind,
	.connect = nl_connect,
	.send = nl_send,
	.recv = nl_recv,
	.shutdown = nl_shutdown,
	.getname = nl_getname,
	.poll = nl_poll,
	.nread = nl_nread,
	.setopt = nl_setopt,
	.getopt = nl_getopt,
	.release = nl_release,
};

int netlink_create(int type, int protocol, struct sock **out)
{
	if (type != SOCK_RAW && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol < 0 || protocol >= MAX_LINKS)
		return -EPROTONOSUPPORT;
	if (protocol != NETLINK_ROUTE)
		return -EPROTONOSUPPORT;
	struct sock *s = sock_alloc(AF_NETLINK, type, protocol, &nl_ops);
	struct nlsock *n = kzalloc(sizeof(*n));
	if (!s || !n) {
		kfree(s);
		kfree(n);
		return -ENOBUFS;
	}
	n->s = s;
	s->priv = n;
	n->next = all;
	all = n;
	*out = s;
	return 0;
}
