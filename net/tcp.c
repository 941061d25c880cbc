/* tcp.c: TCP sockets (AF_INET and AF_INET6) over lwIP's raw API: the
 * pcb callbacks (data, acknowledgements, errors, connections completed
 * and accepted) and the socket operations: bind, listen, accept,
 * connect (again after a failed one, as Linux), send, recv, shutdown,
 * poll, and close. Options: net/tcpopt.c; shared address and queue
 * helpers: net/inet.c. */
#include "net/inet.h"
#include "lwip/priv/tcp_priv.h"

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
	/* past the global limit only an empty queue takes more (Linux
	 * guarantees each socket a little): lwIP keeps the data, offers it
	 * again later and takes no more meanwhile (the window closes) */
	if (in->queued && sockmem_over(p->tot_len))
		return ERR_MEM;
	struct pkt *k = kzalloc(sizeof(*k));
	if (!k)
		return ERR_MEM; /* lwIP keeps it and offers it again */
	k->p = p;
	inet_rq_push(in, k);
	sock_wake(in->s, POLL_KEY_IN);
	return ERR_OK;
}

static void snd_uncharge(struct inet *in, size_t len)
{
	len = MIN(len, in->snd_charged);
	in->snd_charged -= len;
	sockmem_uncharge(len);
}

static err_t tcp_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct inet *in = arg;
	if (in) {
		snd_uncharge(in, len);
		sock_wake(in->s, POLL_KEY_OUT);
	}
	return ERR_OK;
}

static void tcp_err_cb(void *arg, err_t err)
{
	struct inet *in = arg;
	if (!in)
		return;
	in->tcp = NULL; /* lwIP has freed it */
	snd_uncharge(in, in->snd_charged);
	in->s->error = in->st == I_CONNECTING ? ECONNREFUSED : -inet_errno(err);
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

void inet_tcp_hook(struct inet *in, struct tcp_pcb *pcb)
{
	in->tcp = pcb;
	tcp_arg(pcb, in);
	tcp_recv(pcb, tcp_recv_cb);
	tcp_sent(pcb, tcp_sent_cb);
	tcp_err(pcb, tcp_err_cb);
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
	struct inet *in = inet_new(l->s->family, SOCK_STREAM, &inet_tcp_ops);
	if (!in) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	inet_tcp_hook(in, pcb);
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
	bool busy = !in->tcp || in->st != I_NEW || in->tcp->local_port;
	int e = inet_bind_addr(s, a, len, busy, false, &ip, &port);
	if (e)
		return e;
	if (s->reuseaddr)
		ip_set_option(in->tcp, SOF_REUSEADDR);
	e = inet_errno(tcp_bind(in->tcp, &ip, port));
	if (!e) {
		in->laddr = in->tcp->local_ip;
		in->lport = in->tcp->local_port;
		in->bound_port = port != 0;
		in->bound_addr = !ip_addr_isany(&ip);
	}
	return e;
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
		int e = inet_errno(tcp_bind(in->tcp, inet_any(s), 0));
		if (e)
			return e;
	}
	err_t err;
	struct tcp_pcb *l = tcp_listen_with_backlog_and_err(in->tcp, 255, &err);
	if (!l)
		return inet_errno(err);
	in->tcp = l; /* the old pcb is gone */
	tcp_arg(l, in);
	tcp_accept(l, tcp_accept_cb);
	in->st = I_LISTEN;
	in->acc.backlog = backlog;
	return 0;
}

static bool tcp_listening(struct sock *s) { return I(s)->st == I_LISTEN; }

static int tcp_accept_op(struct sock *s, struct sock **out, bool nonblock)
{
	return acceptq_take(s, &I(s)->acc, tcp_listening, nonblock, out);
}

/* After a connect failed (refused, timed out, reset before it was
 * established), Linux's inet_stream_connect disconnects the socket: it is
 * unconnected again and may connect anew, keeping the address and the
 * port bind(2) named (one it chose, or connect did, goes). lwIP freed the pcb: a fresh one takes
 * the socket's options. e, the failure, is passed through. */
static int tcp_disconnect(struct sock *s, int e)
{
	struct inet *in = I(s);
	if (in->tcp || in->st != I_CLOSED || in->was_connected)
		return e;
	struct tcp_pcb *pcb = tcp_new_ip_type(inet_v6(s) ? IPADDR_TYPE_ANY : IPADDR_TYPE_V4);
	if (!pcb)
		return e;
	inet_tcp_hook(in, pcb);
	if (s->reuseaddr)
		ip_set_option(pcb, SOF_REUSEADDR);
	if ((in->bound_port || in->bound_addr) &&
	    tcp_bind(pcb, &in->laddr, in->bound_port ? in->lport : 0) != ERR_OK) {
		tcp_abort(pcb);
		in->tcp = NULL;
		return e;
	}
	in->stale_port = in->bound_port ? 0 : in->lport; /* getsockname shows it, as Linux */
	if (s->keepalive)
		ip_set_option(pcb, SOF_KEEPALIVE);
	inet_tcp_keepalive_apply(in);
	if (in->nodelay)
		tcp_nagle_disable(pcb);
	in->st = I_NEW;
	in->eof = in->rd_shut = in->wr_shut = in->connect_pending = false;
	return e;
}

static int tcp_connect_op(struct sock *s, const void *a, unsigned len, bool nonblock)
{
	struct inet *in = I(s);
	ip_addr_t ip;
	uint16_t port;
	int e = inet_addr_parse(s, a, len, &ip, &port, true);
	if (e)
		return e;
	switch (in->st) {
	case I_CONNECTING: return -EALREADY;
	case I_CONNECTED:
		if (in->connect_pending) { /* the first connect after EINPROGRESS says 0 */
			in->connect_pending = false;
			return 0;
		}
		return -EISCONN;
	case I_LISTEN: return -EISCONN;
	case I_CLOSED:
		if (s->error) {
			e = -s->error;
			s->error = 0;
			return tcp_disconnect(s, e);
		}
		return in->was_connected ? -EISCONN : tcp_disconnect(s, -ECONNABORTED);
	}
	if (!in->tcp)
		return -EINVAL;
	if (!IP_IS_ANY_TYPE_VAL(in->tcp->local_ip) &&
	    IP_GET_TYPE(&in->tcp->local_ip) != IP_GET_TYPE(&ip))
		return -ENETUNREACH; /* bound to the other version, or v6only and IPv4 */
	if (in->v6only && IP_IS_V4(&ip))
		return -ENETUNREACH;
	in->raddr = ip;
	in->rport = port;
	in->st = I_CONNECTING;
	e = inet_errno(tcp_connect(in->tcp, &ip, port, tcp_connected_cb));
	if (e) {
		in->st = I_NEW;
		return e == -ENETUNREACH ? -ENETUNREACH : e;
	}
	in->lport = in->tcp->local_port; /* the pcb may go in net_poll */
	net_poll();
	in->connect_pending = true;
	if (nonblock)
		return -EINPROGRESS; /* as Linux says even when loopback has finished */
	while (in->st == I_CONNECTING) {
		e = sock_wait(s, false, s->sndtimeo);
		if (e == -EAGAIN)
			return -EINPROGRESS;
		if (e)
			return e;
	}
	in->connect_pending = false;
	if (in->st == I_CONNECTED)
		return 0;
	e = s->error ? -s->error : -ECONNREFUSED;
	s->error = 0;
	return tcp_disconnect(s, e);
}

static ssize_t tcp_send_op(struct sock *s, const void *buf, size_t n, bool user, const void *addr,
			   unsigned alen, struct sock_msg *m, bool nonblock)
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
		sock_sigpipe(m->flags); /* Linux: EPIPE whatever the state */
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
		if (sockmem_over(k)) { /* all sockets together hold too much */
			tcp_output(in->tcp);
			if (done && nonblock)
				break;
			int e = sockmem_wait(s, nonblock);
			if (e)
				return done ? (ssize_t)done : e;
			continue;
		}
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
			return done ? (ssize_t)done : inet_errno(err);
		in->snd_charged += k;
		sockmem_charge(k);
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
		uint8_t *fault = NULL; /* a page to fault in, holding nothing */
		while (k && done < n && !fault) {
			size_t avail = k->p->tot_len - at;
			size_t c = MIN(avail, n - done);
			size_t got = pbuf_out(k->p, at, (uint8_t *)buf + done, c, user);
			if (got < c) {
				fault = (uint8_t *)buf + done + got;
				if (peek)
					got = done = 0; /* peeked again from the start */
				if (!got)
					break;
				c = got; /* what was copied is read */
			}
			done += c;
			if (peek) {
				at = 0;
				k = k->next;
				continue;
			}
			in->queued -= c;
			if (c == avail) {
				k = k->next;
				inet_rq_pop(in);
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
		if (fault) {
			if (fault_in_user(fault, true))
				return done ? (ssize_t)done : -EFAULT;
			continue;
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
	case I_NEW: return EPOLLOUT | EPOLLWRNORM | EPOLLHUP;
	case I_LISTEN: return in->acc.head ? EPOLLIN | EPOLLRDNORM : 0;
	case I_CONNECTING: return s->error ? EPOLLERR : 0;
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
		snd_uncharge(in, in->snd_charged);
		tcp_arg(pcb, NULL);
		tcp_recv(pcb, NULL);
		tcp_sent(pcb, NULL);
		tcp_err(pcb, NULL);
		bool unread = in->queued != 0;
		inet_rq_clear(in);
		if ((s->linger_on && s->linger_secs == 0) || unread || in->st == I_CONNECTING)
			tcp_abort(pcb);
		else if (tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
	}
	inet_rq_clear(in);
	kfree(in);
}

const struct sock_ops inet_tcp_ops = {
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
	.setopt = inet_tcp_setopt,
	.getopt = inet_tcp_getopt,
	.release = tcp_release_op,
};
