/* unix.c: AF_UNIX sockets inside the guest: stream, datagram and
 * seqpacket, named by a filesystem path (a socket inode made at bind) or
 * an abstract name, socketpair, and SCM_RIGHTS (open files passed with a
 * message). Each socket has a receive queue of messages the sender
 * appends to directly; a stream reader reads across message boundaries,
 * datagram and seqpacket readers take one message at a time. Names
 * (bind, lookup, getsockname) are net/unixname.c's. */
#include "net/unix.h"

struct usock *unix_all;
static const struct sock_ops unix_ops;

/* ---- messages */

static void msg_free(struct umsg *m)
{
	sockmem_uncharge(m->len);
	for (int i = 0; i < m->nfiles; i++)
		if (m->files[i])
			file_put(m->files[i]);
	kfree(m->files);
	kfree(m);
}

static void q_push(struct usock *u, struct umsg *m)
{
	m->next = NULL;
	if (u->q_tail)
		u->q_tail->next = m;
	else
		u->q = m;
	u->q_tail = m;
	u->queued += m->len;
}

static void q_pop(struct usock *u)
{
	struct umsg *m = u->q;
	u->q = m->next;
	if (!u->q)
		u->q_tail = NULL;
	msg_free(m);
}

/* A message of n bytes from buf, carrying sm's files (taken over). */
static struct umsg *msg_new(struct usock *from, const void *buf, size_t n, bool user,
			    struct sock_msg *sm, int *err)
{
	struct umsg *m = kmalloc(sizeof(*m) + n);
	if (!m) {
		*err = -ENOMEM;
		return NULL;
	}
	memset(m, 0, sizeof(*m));
	m->len = n;
	if (n && xcopy_in(m->data, buf, n, user)) {
		kfree(m);
		*err = -EFAULT;
		return NULL;
	}
	sockmem_charge(n); /* msg_free gives it back */
	if (sm && sm->nfiles) {
		m->files = sm->files;
		m->nfiles = sm->nfiles;
		sm->files = NULL;
		sm->nfiles = 0;
	}
	if (from->namelen) {
		memcpy(m->from, from->name, from->namelen);
		m->fromlen = from->namelen;
	} /* an unbound sender has no address at all */
	return m;
}

/* ---- connections */

static struct usock *usock_new(int type)
{
	struct sock *s = sock_alloc(AF_UNIX, type, 0, &unix_ops);
	if (!s)
		return NULL;
	struct usock *u = kzalloc(sizeof(*u));
	if (!u) {
		kfree(s);
		return NULL;
	}
	u->s = s;
	s->priv = u;
	u->all_next = unix_all;
	unix_all = u;
	return u;
}

static void link_pair(struct usock *a, struct usock *b)
{
	a->peer = b;
	b->peer = a;
	a->st = b->st = U_CONNECTED;
	a->was_connected = b->was_connected = true;
}

static int unix_listen(struct sock *s, int backlog)
{
	struct usock *u = U(s);
	if (is_dgram(u))
		return -EOPNOTSUPP;
	if (u->st == U_CONNECTED)
		return -EINVAL;
	if (!u->namelen)
		return -EINVAL;
	u->st = U_LISTEN;
	u->acc.backlog = backlog;
	sock_wake(s, POLL_KEY_ALL);
	return 0;
}

static bool unix_listening(struct sock *s) { return U(s)->st == U_LISTEN; }

static int unix_accept(struct sock *s, struct sock **out, bool nonblock)
{
	struct usock *u = U(s);
	if (is_dgram(u))
		return -EOPNOTSUPP;
	int e = acceptq_take(s, &u->acc, unix_listening, nonblock, out);
	if (!e)
		sock_wake(s, POLL_KEY_OUT); /* room in the backlog for connectors */
	return e;
}

static int unix_connect(struct sock *s, const void *a, unsigned len, bool nonblock)
{
	struct usock *u = U(s);
	if (is_dgram(u)) {
		if (len >= sizeof(uint16_t) &&
		    ((const struct sockaddr_un *)a)->sun_family == AF_UNSPEC) {
			u->peer = NULL;
			return 0;
		}
		struct usock *t;
		int e = unix_lookup(a, len, s->type, &t);
		if (e)
			return e;
		u->peer = t;
		u->peer_gone = false;
		return 0;
	}
	if (u->st == U_CONNECTED)
		return -EISCONN;
	if (u->st == U_LISTEN)
		return -EINVAL;
	for (;;) {
		struct usock *t;
		int e = unix_lookup(a, len, s->type, &t);
		if (e)
			return e;
		if (t->st != U_LISTEN)
			return -ECONNREFUSED;
		if (acceptq_full(&t->acc)) {
			if (nonblock)
				return -EAGAIN;
			e = sock_wait(t->s, false, s->sndtimeo);
			if (e)
				return e;
			continue;
		}
		struct usock *n = usock_new(s->type);
		if (!n)
			return -ENOMEM;
		memcpy(n->name, t->name, t->namelen);
		n->namelen = t->namelen;
		link_pair(u, n);
		acceptq_push(&t->acc, n->s);
		sock_wake(t->s, POLL_KEY_IN);
		sock_wake(s, POLL_KEY_OUT);
		return 0;
	}
}

/* ---- data */

static bool room_in(struct usock *t, size_t n)
{
	return t->queued == 0 || t->queued + n <= UNIX_QUEUE_MAX;
}

static ssize_t unix_send(struct sock *s, const void *buf, size_t n, bool user, const void *addr,
			 unsigned alen, struct sock_msg *sm, bool nonblock)
{
	struct usock *u = U(s);
	if (!is_stream(u) && !is_dgram(u) && addr && u->st != U_CONNECTED)
		addr = NULL;
	if (is_dgram(u)) {
		struct usock *t = u->peer;
		if (addr) {
			int e = unix_lookup(addr, alen, s->type, &t);
			if (e)
				return e;
		} else if (!t) {
			return u->peer_gone ? -ECONNREFUSED : -ENOTCONN;
		}
		if (n > UNIX_DGRAM_MAX)
			return -EMSGSIZE;
		if (t->peer && t->peer != u && t->peer->s->type == SOCK_DGRAM && !addr)
			return -EPERM;
		while (!room_in(t, n)) {
			int e = sock_wait(t->s, nonblock, s->sndtimeo);
			if (e)
				return e;
		}
		while (sockmem_over(n)) { /* all sockets together hold too much */
			int e = sockmem_wait(s, nonblock);
			if (e)
				return e;
		}
		int e;
		struct umsg *m = msg_new(u, buf, n, user, sm, &e);
		if (!m)
			return e;
		q_push(t, m);
		sock_wake(t->s, POLL_KEY_IN);
		return (ssize_t)n;
	}
	/* stream and seqpacket: the connected peer; a stream takes no address
	 * (Linux: EISCONN connected, else EOPNOTSUPP) */
	if (is_stream(u) && addr && alen)
		return u->st == U_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (u->st != U_CONNECTED)
		return u->was_connected ? (sock_sigpipe(sm->flags), -EPIPE) : -ENOTCONN;
	if (s->type == SOCK_SEQPACKET && n > UNIX_DGRAM_MAX)
		return -EMSGSIZE;
	size_t done = 0;
	do {
		struct usock *t = u->peer;
		if (u->shut_wr || u->peer_gone || !t || t->shut_rd) {
			if (done)
				break;
			sock_sigpipe(sm->flags);
			return -EPIPE;
		}
		size_t k = s->type == SOCK_STREAM ? MIN(n - done, (size_t)UNIX_CHUNK) : n;
		if (!room_in(t, k)) {
			if (done && nonblock)
				break;
			int e = sock_wait(s, nonblock, s->sndtimeo);
			if (e)
				return done ? (ssize_t)done : e;
			continue;
		}
		if (s->type == SOCK_STREAM && t->queued)
			k = MIN(k, UNIX_QUEUE_MAX - t->queued);
		if (sockmem_over(k)) { /* all sockets together hold too much */
			if (done && nonblock)
				break;
			int e = sockmem_wait(s, nonblock);
			if (e)
				return done ? (ssize_t)done : e;
			continue;
		}
		int e;
		struct umsg *m = msg_new(u, (const uint8_t *)buf + done, k, user, sm, &e);
		if (!m)
			return done ? (ssize_t)done : e;
		q_push(t, m);
		done += k;
		sock_wake(t->s, POLL_KEY_IN);
	} while (done < n);
	return (ssize_t)done;
}

static void take_files(struct umsg *m, struct sock_msg *sm)
{
	if (!m->nfiles)
		return;
	sm->files = m->files;
	sm->nfiles = m->nfiles;
	m->files = NULL;
	m->nfiles = 0;
}

static ssize_t unix_recv(struct sock *s, void *buf, size_t n, bool user, struct sock_msg *sm,
			 bool nonblock)
{
	struct usock *u = U(s);
	bool peek = sm->flags & MSG_PEEK;
	if (sm->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (!is_dgram(u) && u->st != U_CONNECTED && !u->was_connected)
		return u->st == U_LISTEN || !is_stream(u) ? -ENOTCONN : -EINVAL;
	for (;;) {
again:
		if (u->q) {
			if (!is_stream(u)) { /* one message */
				struct umsg *m = u->q;
				size_t c = MIN(m->len, n);
				/* no fault that sleeps while m is used: another
				 * reader could take it (see fault_in_user) */
				size_t got = xcopy_out_nosleep(buf, m->data, c, user);
				if (got < c) {
					if (fault_in_user((uint8_t *)buf + got, true))
						return -EFAULT;
					continue;
				}
				memcpy(sm->addr, m->from, m->fromlen);
				sm->addrlen = m->fromlen;
				if (c < m->len)
					sm->msg_flags |= MSG_TRUNC;
				size_t len = m->len;
				if (!peek) {
					take_files(m, sm);
					u->queued -= len;
					q_pop(u);
					if (u->peer)
						sock_wake(u->peer->s, POLL_KEY_OUT);
					sock_wake(s, POLL_KEY_OUT);
				}
				return (ssize_t)((sm->flags & MSG_TRUNC) ? len : c);
			}
			size_t done = 0;
			for (struct umsg *m = u->q; m && done < n;) {
				if (m->nfiles && done)
					break; /* files start a read of their own */
				size_t c = MIN(m->len - m->off, n - done);
				size_t got = xcopy_out_nosleep((uint8_t *)buf + done,
							       m->data + m->off, c, user);
				if (got < c) {
					if (done)
						break; /* what came so far */
					if (fault_in_user((uint8_t *)buf + got, true))
						return -EFAULT;
					goto again;
				}
				done += c;
				if (peek) {
					m = m->next;
					continue;
				}
				take_files(m, sm);
				m->off += c;
				u->queued -= c;
				if (m->off == m->len) {
					m = m->next;
					q_pop(u);
				}
				if (sm->nfiles)
					break;
			}
			if (!peek && u->peer)
				sock_wake(u->peer->s, POLL_KEY_OUT);
			if (done == n || !(sm->flags & MSG_WAITALL) || peek || u->peer_gone)
				return (ssize_t)done;
			n -= done;
			buf = (uint8_t *)buf + done;
			/* MSG_WAITALL: the rest is counted by the caller's next turn */
			ssize_t more = unix_recv(s, buf, n, user, sm, nonblock);
			return more < 0 ? (ssize_t)done : (ssize_t)done + more;
		}
		if (u->shut_rd || (!is_dgram(u) && (u->peer_gone || (u->peer && u->peer->shut_wr))))
			return 0;
		int e = sock_wait(s, nonblock, s->rcvtimeo);
		if (e)
			return e;
	}
}

static int unix_shutdown(struct sock *s, int how)
{
	struct usock *u = U(s);
	if (u->st != U_CONNECTED && !(is_dgram(u) && u->peer))
		return -ENOTCONN;
	if (how != SHUT_WR)
		u->shut_rd = true;
	if (how != SHUT_RD)
		u->shut_wr = true;
	sock_wake(s, POLL_KEY_ALL);
	if (u->peer)
		sock_wake(u->peer->s, POLL_KEY_ALL);
	return 0;
}

static unsigned unix_poll(struct sock *s)
{
	struct usock *u = U(s);
	unsigned m = 0;
	if (u->st == U_LISTEN)
		return u->acc.head ? EPOLLIN | EPOLLRDNORM : 0;
	if (u->q)
		m |= EPOLLIN | EPOLLRDNORM;
	bool peer_wr_shut = u->peer && u->peer->shut_wr;
	if (u->shut_rd || (!is_dgram(u) && (u->peer_gone || peer_wr_shut)))
		m |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (is_dgram(u)) {
		if (!u->peer || room_in(u->peer, 1))
			m |= EPOLLOUT | EPOLLWRNORM;
		return m;
	}
	if (u->st != U_CONNECTED) {
		return m | EPOLLOUT | EPOLLWRNORM | EPOLLHUP;
	}
	if ((u->shut_wr || u->peer_gone) && (u->shut_rd || u->peer_gone || peer_wr_shut))
		m |= EPOLLHUP;
	if (u->peer_gone || u->shut_wr || !u->peer || room_in(u->peer, 1))
		m |= EPOLLOUT | EPOLLWRNORM;
	return m;
}

static int unix_nread(struct sock *s)
{
	struct usock *u = U(s);
	if (u->st == U_LISTEN)
		return -EINVAL;
	if (!is_stream(u))
		return u->q ? (int)u->q->len : 0;
	return (int)MIN(u->queued, (size_t)INT32_MAX);
}

static int unix_getopt(struct sock *s, int level, int name, void *val, unsigned *len)
{
	struct usock *u = U(s);
	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (name == SO_ACCEPTCONN) {
		int v = u->st == U_LISTEN;
		memcpy(val, &v, sizeof(v));
		*len = sizeof(v);
		return 0;
	}
	if (name == SO_PEERCRED) {
		struct k_ucred c = { 0, 0, 0 };
		if (u->peer && (u->st == U_CONNECTED || u->was_connected))
			c.pid = current ? current->pid : 1;
		else
			c.uid = c.gid = (unsigned)-1;
		memcpy(val, &c, sizeof(c));
		*len = sizeof(c);
		return 0;
	}
	return -ENOPROTOOPT;
}

static int unix_setopt(struct sock *s, int level, int name, const void *val, unsigned len)
{
	return level == SOL_SOCKET ? 0 : -EOPNOTSUPP;
}

static void unix_release(struct sock *s)
{
	struct usock *u = U(s);
	acceptq_drain(&u->acc); /* connections never accepted */
	for (struct usock **pp = &unix_all; *pp; pp = &(*pp)->all_next)
		if (*pp == u) {
			*pp = u->all_next;
			break;
		}
	for (struct usock *o = unix_all; o; o = o->all_next)
		if (o->peer == u) {
			o->peer = NULL;
			o->peer_gone = true;
			sock_wake(o->s, POLL_KEY_ALL);
		}
	while (u->q)
		q_pop(u);
	if (u->ino)
		inode_put(u->ino);
	kfree(u);
}

static const struct sock_ops unix_ops = {
	.bind = unix_bind,
	.listen = unix_listen,
	.accept = unix_accept,
	.connect = unix_connect,
	.send = unix_send,
	.recv = unix_recv,
	.shutdown = unix_shutdown,
	.getname = unix_getname,
	.poll = unix_poll,
	.nread = unix_nread,
	.setopt = unix_setopt,
	.getopt = unix_getopt,
	.release = unix_release,
};

static int check_type(int *type, int protocol)
{
	if (*type == SOCK_RAW)
		*type = SOCK_DGRAM; /* as Linux does for AF_UNIX */
	int t = *type;
	if (t != SOCK_STREAM && t != SOCK_DGRAM && t != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	return 0;
}

int unix_create(int type, int protocol, struct sock **out)
{
	int e = check_type(&type, protocol);
	if (e)
		return e;
	struct usock *u = usock_new(type);
	if (!u)
		return -ENOMEM;
	*out = u->s;
	return 0;
}

int unix_pair(int type, int protocol, struct sock **a, struct sock **b)
{
	int e = check_type(&type, protocol);
	if (e)
		return e;
	struct usock *x = usock_new(type), *y = x ? usock_new(type) : NULL;
	if (!y) {
		if (x) {
			unix_release(x->s);
			kfree(x->s);
		}
		return -ENOMEM;
	}
	link_pair(x, y);
	*a = x->s;
	*b = y->s;
	return 0;
}
