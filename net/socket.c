/* socket.c: the socket system calls: socket files (S_IFSOCK inodes with
 * read, write, poll and ioctl), the calls that act on them (bind, listen,
 * accept, connect, send/recv in all their forms, shutdown, socket
 * options, names), and the common blocking and wake-up helpers. The
 * families do the protocol work: net/inet.c (TCP and UDP over lwIP) and
 * net/unix.c (AF_UNIX). */
#include "net/socket.h"
#include "net/abi.h"
#include "net/stack.h"
#include "kernel/syscall.h"
#include "kernel/signal.h"
#include <linux/uio.h>
#include <linux/time_types.h>
#include <asm/ioctls.h>

#define SOCK_DEV 0x8u             /* st_dev of sockets: major 0, minor 8 */
#define GATHER_MAX ((size_t)1 << 20)   /* one sendmsg/recvmsg with iovecs at a time */

struct sock_inode {
	struct inode vi;
	char name[32];                /* "socket:[INO]" */
	struct sock *s;
};

static const struct file_ops sock_fops;

/* ---- records, files, waiting */

struct sock *sock_alloc(int family, int type, int protocol, const struct sock_ops *ops)
{
	struct sock *s = kzalloc(sizeof(*s));
	if (!s)
		return NULL;
	s->family = family;
	s->type = type;
	s->protocol = protocol;
	s->ops = ops;
	return s;
}

static void sock_free(struct sock *s)
{
	if (s->ops->release)
		s->ops->release(s);
	kfree(s);
}

static void sock_evict(struct inode *ino)
{
	kfree(ino);
}

static const struct inode_ops sock_iops = {
	.evict = sock_evict,
};

int sock_install(struct sock *s, unsigned flags, bool cloexec)
{
	struct sock_inode *si = kzalloc(sizeof(*si));
	if (!si) {
		sock_free(s);
		return -ENOMEM;
	}
	inode_init(&si->vi, S_IFSOCK | 0777, SOCK_DEV);
	si->vi.nlink = 1;
	si->vi.transient = true;
	si->vi.ops = &sock_iops;
	si->vi.fops = &sock_fops;
	si->s = s;
	ksnprintf(si->name, sizeof(si->name), "socket:[%lu]", (unsigned long)si->vi.ino);
	si->vi.name = si->name;
	struct file *f = file_open_inode(&si->vi, O_RDWR | (flags & O_NONBLOCK));
	if (!f) {
		kfree(si);
		sock_free(s);
		return -ENOMEM;
	}
	f->flags &= ~(unsigned)O_LARGEFILE;
	f->priv = s;
	s->file = f;
	return fd_alloc(f, 0, cloexec);
}

/* The socket behind fd, held (its file referenced) until sock_put: one
 * lookup for the whole call, and another thread closing fd meanwhile
 * does not free the socket under a call that blocks. */
struct sock *sock_get(int fd, int *err)
{
	*err = 0;
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH)) {
		*err = -EBADF;
		return NULL;
	}
	if (f->ops != &sock_fops) {
		*err = -ENOTSOCK;
		return NULL;
	}
	file_get(f);
	return f->priv;
}

void sock_put(struct sock *s)
{
	file_put(s->file);
}

int sock_wait(struct sock *s, bool nonblock, uint64_t timeo)
{
	if (nonblock)
		return -EAGAIN;
	uint64_t now = time_ns();
	uint64_t end = timeo ? now + timeo : 0;
	uint64_t dl = end;
	bool lwip = (s->family == AF_INET || s->family == AF_INET6) && !net_ticking();
	if (lwip && (!dl || dl > now + 10000000))
		dl = now + 10000000;     /* without the tick hook lwIP's timers run from here */
	int r = waitq_wait(&s->wq, dl);
	if (r == WAKE_SIGNAL)
		return -EINTR;
	if (lwip)
		net_poll();
	if (r == WAKE_TIMEOUT && end && time_ns() >= end)
		return -EAGAIN;
	return 0;
}

void sock_wake(struct sock *s, unsigned key)
{
	waitq_wake_all(&s->wq);
	poll_notify(&s->src, key);
}

void sock_sigpipe(int flags)
{
	if (!(flags & MSG_NOSIGNAL))
		signal_send_thread(cur_thread, SIGPIPE);
}

/* ---- accept queues */

void acceptq_push(struct acceptq *q, struct sock *n)
{
	if (q->tail)
		q->tail->acc_next = n;
	else
		q->head = n;
	q->tail = n;
	q->n++;
}

struct sock *acceptq_pop(struct acceptq *q)
{
	struct sock *n = q->head;
	if (!n)
		return NULL;
	q->head = n->acc_next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	n->acc_next = NULL;
	return n;
}

int acceptq_take(struct sock *s, struct acceptq *q, bool (*listening)(struct sock *s),
		 bool nonblock, struct sock **out)
{
	for (;;) {
		if (!listening(s))
			return -EINVAL;
		if ((*out = acceptq_pop(q)))
			return 0;
		int e = sock_wait(s, nonblock, s->rcvtimeo);
		if (e)
			return e;
	}
}

void acceptq_drain(struct acceptq *q)
{
	struct sock *n;
	while ((n = acceptq_pop(q)))
		sock_free(n);
}

/* ---- the socket file */

static struct sock *S(struct file *f) { return f->priv; }

static ssize_t sock_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct sock *s = S(f);
	struct sock_msg m = { 0 };
	ssize_t r = s->ops->recv(s, buf, n, user, &m, f->flags & O_NONBLOCK);
	net_poll();
	return r;
}

static ssize_t sock_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	struct sock *s = S(f);
	struct sock_msg m = { 0 };
	ssize_t r = s->ops->send(s, buf, n, user, NULL, 0, &m, f->flags & O_NONBLOCK);
	net_poll();
	return r;
}

static unsigned sock_poll(struct file *f)
{
	return S(f)->ops->poll(S(f));
}

static long sock_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	struct sock *s = S(f);
	if (req == FIONREAD || req == TIOCOUTQ) {
		int v = req == FIONREAD && s->ops->nread ? s->ops->nread(s) : 0;
		if (v < 0)
			return v;
		return copy_to_user((void *)arg, &v, sizeof(v));
	}
	return -ENOTTY;
}

static void sock_release(struct file *f)
{
	struct sock *s = S(f);
	poll_release(f);
	s->file = NULL;
	sock_free(s);
	net_poll();
}

static const struct file_ops sock_fops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.ioctl = sock_ioctl,
	.release = sock_release,
	.flags = FOP_STREAM | FOP_POLLSRC,
};

/* ---- socket, socketpair */

static int create(int family, int type, int protocol, struct sock **out)
{
	switch (family) {
	case AF_INET:
	case AF_INET6:
		return inet_create(family, type, protocol, out);
	case AF_UNIX:
		return unix_create(type, protocol, out);
	default:
		return -EAFNOSUPPORT;
	}
}

long sys_socket(int family, int type, int protocol)
{
	int flags = type & ~SOCK_TYPE_MASK;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	struct sock *s;
	int e = create(family, type & SOCK_TYPE_MASK, protocol, &s);
	if (e)
		return e;
	return sock_install(s, (unsigned)flags, flags & SOCK_CLOEXEC);
}

long sys_socketpair(int family, int type, int protocol, int *usv)
{
	int flags = type & ~SOCK_TYPE_MASK;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (family != AF_UNIX)
		return family == AF_INET || family == AF_INET6 ? -EOPNOTSUPP : -EAFNOSUPPORT;
	if (!access_ok(usv, 2 * sizeof(int)))
		return -EFAULT;
	struct sock *a, *b;
	int e = unix_pair(type & SOCK_TYPE_MASK, protocol, &a, &b);
	if (e)
		return e;
	bool cloexec = flags & SOCK_CLOEXEC;
	int fa = sock_install(a, (unsigned)flags, cloexec);
	if (fa < 0) {
		sock_free(b);
		return fa;
	}
	int fb = sock_install(b, (unsigned)flags, cloexec);
	if (fb < 0) {
		fd_close(fa);
		return fb;
	}
	int sv[2] = { fa, fb };
	if (copy_to_user(usv, sv, sizeof(sv))) {
		fd_close(fa);
		fd_close(fb);
		return -EFAULT;
	}
	return 0;
}

/* ---- addresses */

static int addr_in(uint8_t *k, const void *uaddr, int len)
{
	if (len < 0 || len > SOCK_ADDR_MAX)
		return -EINVAL;
	if (len && copy_from_user(k, uaddr, (size_t)len))
		return -EFAULT;
	return 0;
}

/* Copies an address of len bytes out to (uaddr, *ulen) as Linux does:
 * truncated to the caller's room, the full length written back (a NULL
 * uaddr is the caller's to skip: getsockname copies to it, and fails). */
static int addr_out(const uint8_t *k, int len, void *uaddr, int *ulen)
{
	int room;
	if (copy_from_user(&room, ulen, sizeof(room)))
		return -EFAULT;
	if (room < 0)
		return -EINVAL;
	if (len && copy_to_user(uaddr, k, (size_t)MIN(room, len)))
		return -EFAULT;
	return copy_to_user(ulen, &len, sizeof(len));
}

static long do_bind(struct sock *s, const void *uaddr, int len)
{
	int e;
	uint8_t a[SOCK_ADDR_MAX];
	if ((e = addr_in(a, uaddr, len)))
		return e;
	e = s->ops->bind(s, a, (unsigned)len);
	net_poll();
	return e;
}

long sys_bind(int fd, const void *uaddr, int len)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	if (!s)
		return e;
	long r = do_bind(s, uaddr, len);
	sock_put(s);
	return r;
}

static long do_listen(struct sock *s, int backlog)
{
	int e;
	if (!s->ops->listen)
		return -EOPNOTSUPP;
	if (backlog < 0 || backlog > 4096)
		backlog = 4096;
	e = s->ops->listen(s, backlog);
	net_poll();
	return e;
}

long sys_listen(int fd, int backlog)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	if (!s)
		return e;
	long r = do_listen(s, backlog);
	sock_put(s);
	return r;
}

static long do_accept4(struct sock *s, void *uaddr, int *ulen, int flags)
{
	int e;
	if (!s->ops->accept)
		return -EOPNOTSUPP;
	struct sock *n;
	net_poll();
	e = s->ops->accept(s, &n, s->file->flags & O_NONBLOCK);
	if (e)
		return e;
	uint8_t a[SOCK_ADDR_MAX];
	int alen = n->ops->getname(n, a, true);
	int nfd = sock_install(n, (unsigned)flags, flags & SOCK_CLOEXEC);
	if (nfd < 0)
		return nfd;
	if (alen < 0)
		alen = 0;
	if (uaddr && (e = addr_out(a, alen, uaddr, ulen))) {
		fd_close(nfd);
		return e;
	}
	net_poll();
	return nfd;
}

long sys_accept(int fd, void *uaddr, int *ulen)
{
	return sys_accept4(fd, uaddr, ulen, 0);
}

static long do_connect(struct sock *s, const void *uaddr, int len)
{
	int e;
	uint8_t a[SOCK_ADDR_MAX];
	if ((e = addr_in(a, uaddr, len)))
		return e;
	e = s->ops->connect(s, a, (unsigned)len, s->file->flags & O_NONBLOCK);
	net_poll();
	return e;
}

static long do_getname(struct sock *s, void *uaddr, int *ulen, bool peer)
{
	uint8_t a[SOCK_ADDR_MAX];
	int len = s->ops->getname(s, a, peer);
	if (len < 0)
		return len;
	return addr_out(a, len, uaddr, ulen);
}

static long getname(int fd, void *uaddr, int *ulen, bool peer)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	if (!s)
		return e;
	long r = do_getname(s, uaddr, ulen, peer);
	sock_put(s);
	return r;
}

long sys_getsockname(int fd, void *uaddr, int *ulen)
{
	return getname(fd, uaddr, ulen, false);
}

long sys_getpeername(int fd, void *uaddr, int *ulen)
{
	return getname(fd, uaddr, ulen, true);
}

static long do_shutdown(struct sock *s, int how)
{
	int e;
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	e = s->ops->shutdown(s, how);
	net_poll();
	return e;
}

long sys_shutdown(int fd, int how)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	if (!s)
		return e;
	long r = do_shutdown(s, how);
	sock_put(s);
	return r;
}

/* ---- sending and receiving */

static bool nonblocking(struct sock *s, int flags)
{
	return (flags & MSG_DONTWAIT) || (s->file && (s->file->flags & O_NONBLOCK));
}

static long do_sendto(struct sock *s, const void *buf, size_t n, int flags, const void *uaddr,
		      int alen)
{
	int e;
	uint8_t a[SOCK_ADDR_MAX];
	if (uaddr && (e = addr_in(a, uaddr, alen)))
		return e;
	struct sock_msg m = { .flags = flags };   /* the copy checks buf, after the size */
	ssize_t r = s->ops->send(s, buf, MIN(n, (size_t)0x7ffff000), true, uaddr ? a : NULL,
				 uaddr ? (unsigned)alen : 0, &m, nonblocking(s, flags));
	net_poll();
	return r;
}

static long do_recvfrom(struct sock *s, void *buf, size_t n, int flags, void *uaddr, int *ulen)
{
	int e;
	if (!access_ok(buf, MIN(n, (size_t)0x7ffff000)))
		return -EFAULT;
	struct sock_msg m = { .flags = flags };
	net_poll();
	ssize_t r = s->ops->recv(s, buf, MIN(n, (size_t)0x7ffff000), true, &m, nonblocking(s, flags));
	net_poll();
	if (r >= 0 && uaddr && (e = addr_out(m.addr, (int)m.addrlen, uaddr, ulen)))
		return e;
	return r;
}

/* Reads and checks a user iovec array: a kernel copy (kfree it) and the
 * total length. */
static struct iovec *iov_in(const struct iovec *uiov, size_t cnt, bool to_user, size_t *total,
			    int *err)
{
	if (cnt > UIO_MAXIOV) {
		*err = -EMSGSIZE;
		return NULL;
	}
	struct iovec *v = kmalloc(sizeof(*v) * (cnt ? cnt : 1));
	if (!v) {
		*err = -ENOMEM;
		return NULL;
	}
	if (copy_from_user(v, uiov, sizeof(*v) * cnt)) {
		kfree(v);
		*err = -EFAULT;
		return NULL;
	}
	*total = 0;
	for (size_t i = 0; i < cnt; i++) {
		if (v[i].iov_len > 0x7ffff000 - *total || !access_ok(v[i].iov_base, v[i].iov_len)) {
			kfree(v);
			*err = v[i].iov_len > 0x7ffff000 ? -EINVAL : -EFAULT;
			return NULL;
		}
		*total += v[i].iov_len;
	}
	return v;
}

static void drop_files(struct sock_msg *m)
{
	for (int i = 0; i < m->nfiles; i++)
		if (m->files[i])
			file_put(m->files[i]);
	kfree(m->files);
	m->files = NULL;
	m->nfiles = 0;
}

/* SCM_RIGHTS in a sendmsg's control data: the files to pass. */
static int control_in(struct sock *s, const struct k_msghdr *h, struct sock_msg *m)
{
	if (!h->msg_controllen)
		return 0;    /* else copied in even from NULL (EFAULT), as Linux */
	if (h->msg_controllen > 65536)
		return -ENOBUFS;
	uint8_t *c = kmalloc(h->msg_controllen);
	if (!c)
		return -ENOMEM;
	int e = 0;
	if (copy_from_user(c, h->msg_control, h->msg_controllen)) {
		kfree(c);
		return -EFAULT;
	}
	for (size_t at = 0; at + sizeof(struct k_cmsghdr) <= h->msg_controllen;) {
		struct k_cmsghdr *ch = (struct k_cmsghdr *)(c + at);
		if (ch->cmsg_len < sizeof(*ch) || ch->cmsg_len > h->msg_controllen - at) {
			e = -EINVAL;
			break;
		}
		if (ch->cmsg_level == SOL_SOCKET && ch->cmsg_type == SCM_RIGHTS) {
			if (s->family != AF_UNIX) {
				e = -EINVAL;
				break;
			}
			int n = (int)((ch->cmsg_len - CMSG_HDR_K) / sizeof(int));
			const int *fds = (const int *)(c + at + CMSG_HDR_K);
			if (n > 253 || m->nfiles + n > 253) {
				e = -EINVAL;
				break;
			}
			struct file **nf = krealloc(m->files, sizeof(*nf) * (size_t)(m->nfiles + n));
			if (!nf) {
				e = -ENOMEM;
				break;
			}
			m->files = nf;
			for (int i = 0; i < n; i++) {
				struct file *f = fd_get(fds[i]);
				if (!f) {
					e = -EBADF;
					break;
				}
				m->files[m->nfiles++] = file_get(f);
			}
			if (e)
				break;
		} else if (ch->cmsg_level == SOL_SOCKET && ch->cmsg_type == SCM_CREDENTIALS) {
			/* credentials are always root's here: nothing to check */
		} else if (ch->cmsg_level == SOL_SOCKET) {
			e = -EINVAL;
			break;
		}
		at += CMSG_ALIGN_K(ch->cmsg_len);
	}
	kfree(c);
	if (e)
		drop_files(m);
	return e;
}

static long do_sendmsg(struct sock *s, const struct k_msghdr *uh, int flags)
{
	struct k_msghdr h;
	if (copy_from_user(&h, uh, sizeof(h)))
		return -EFAULT;
	uint8_t a[SOCK_ADDR_MAX];
	int e;
	if (h.msg_name && (e = addr_in(a, h.msg_name, h.msg_namelen)))
		return e;
	size_t total;
	struct iovec *v = iov_in(h.msg_iov, h.msg_iovlen, false, &total, &e);
	if (!v)
		return e;
	struct sock_msg m = { .flags = flags };
	if ((e = control_in(s, &h, &m))) {
		kfree(v);
		return e;
	}
	const void *addr = h.msg_name ? a : NULL;
	unsigned alen = h.msg_name ? (unsigned)h.msg_namelen : 0;
	bool nb = nonblocking(s, flags);
	ssize_t r;
	size_t used = 0;
	for (size_t i = 0; i < h.msg_iovlen; i++)
		used += v[i].iov_len != 0;
	if (used <= 1) {
		const void *p = NULL;
		for (size_t i = 0; i < h.msg_iovlen; i++)
			if (v[i].iov_len)
				p = v[i].iov_base;
		r = s->ops->send(s, p, total, true, addr, alen, &m, nb);
	} else {
		/* Gathered into one buffer: a datagram stays one datagram. */
		size_t n = s->type == SOCK_STREAM ? MIN(total, GATHER_MAX) : total;
		uint8_t *k = kmalloc(n ? n : 1);
		if (!k) {
			r = -ENOMEM;
		} else {
			size_t at = 0;
			r = 0;
			for (size_t i = 0; i < h.msg_iovlen && at < n; i++) {
				size_t c = MIN(v[i].iov_len, n - at);
				if (copy_from_user(k + at, v[i].iov_base, c)) {
					r = -EFAULT;
					break;
				}
				at += c;
			}
			if (r == 0)
				r = s->ops->send(s, k, n, false, addr, alen, &m, nb);
			kfree(k);
		}
	}
	drop_files(&m);
	kfree(v);
	net_poll();
	return r;
}

/* Writes the files received into the control buffer as SCM_RIGHTS (as
 * many as fit, the rest closed and MSG_CTRUNC set); the length used. */
static size_t control_out(struct k_msghdr *h, struct sock_msg *m, int flags)
{
	if (!m->nfiles)
		return 0;
	size_t room = h->msg_control ? h->msg_controllen : 0;
	int fit = room < CMSG_HDR_K ? 0 : (int)((room - CMSG_HDR_K) / sizeof(int));
	if (fit > m->nfiles)
		fit = m->nfiles;
	if (fit < m->nfiles)
		m->msg_flags |= MSG_CTRUNC;
	if (fit == 0)
		return 0;
	int fds[253];
	int got = 0;
	for (int i = 0; i < fit; i++) {
		int fd = fd_alloc(m->files[i], 0, flags & MSG_CMSG_CLOEXEC);
		m->files[i] = NULL;     /* consumed by fd_alloc */
		if (fd < 0) {
			m->msg_flags |= MSG_CTRUNC;
			break;
		}
		fds[got++] = fd;
	}
	struct k_cmsghdr ch = {
		.cmsg_len = CMSG_HDR_K + sizeof(int) * (size_t)got,
		.cmsg_level = SOL_SOCKET,
		.cmsg_type = SCM_RIGHTS,
	};
	if (!got || copy_to_user(h->msg_control, &ch, sizeof(ch)) ||
	    copy_to_user((uint8_t *)h->msg_control + CMSG_HDR_K, fds, sizeof(int) * (size_t)got))
		return 0;
	return CMSG_ALIGN_K(ch.cmsg_len) <= room ? CMSG_ALIGN_K(ch.cmsg_len) : ch.cmsg_len;
}

static long do_recvmsg(struct sock *s, struct k_msghdr *uh, int flags)
{
	struct k_msghdr h;
	if (copy_from_user(&h, uh, sizeof(h)))
		return -EFAULT;
	int e;
	size_t total;
	struct iovec *v = iov_in(h.msg_iov, h.msg_iovlen, true, &total, &e);
	if (!v)
		return e;
	struct sock_msg m = { .flags = flags };
	m.ctl_room = h.msg_control ? (unsigned)h.msg_controllen : 0;
	bool nb = nonblocking(s, flags);
	ssize_t r;
	size_t used = 0;
	for (size_t i = 0; i < h.msg_iovlen; i++)
		used += v[i].iov_len != 0;
	net_poll();
	if (used <= 1) {
		void *p = NULL;
		for (size_t i = 0; i < h.msg_iovlen; i++)
			if (v[i].iov_len)
				p = v[i].iov_base;
		r = s->ops->recv(s, p, total, true, &m, nb);
	} else {
		size_t n = MIN(total, GATHER_MAX);
		uint8_t *k = kmalloc(n);
		if (!k) {
			r = -ENOMEM;
		} else {
			r = s->ops->recv(s, k, n, false, &m, nb);
			size_t at = 0, got = r > 0 ? (size_t)r : 0;
			if (got > n)          /* MSG_TRUNC: the real length */
				got = n;
			for (size_t i = 0; i < h.msg_iovlen && at < got; i++) {
				size_t c = MIN(v[i].iov_len, got - at);
				if (copy_to_user(v[i].iov_base, k + at, c)) {
					r = -EFAULT;
					break;
				}
				at += c;
			}
			kfree(k);
		}
	}
	kfree(v);
	net_poll();
	if (r < 0) {
		drop_files(&m);
		return r;
	}
	if (h.msg_name) {
		int len = (int)m.addrlen;
		if (h.msg_namelen < 0) {
			drop_files(&m);
			return -EINVAL;
		}
		if (len && copy_to_user(h.msg_name, m.addr, (size_t)MIN(len, h.msg_namelen))) {
			drop_files(&m);
			return -EFAULT;
		}
		h.msg_namelen = len;
	}
	h.msg_controllen = control_out(&h, &m, flags);
	drop_files(&m);
	h.msg_flags = (int)m.msg_flags;
	if (copy_to_user(&uh->msg_namelen, &h.msg_namelen, sizeof(h.msg_namelen)) ||
	    copy_to_user(&uh->msg_controllen, &h.msg_controllen, sizeof(h.msg_controllen)) ||
	    copy_to_user(&uh->msg_flags, &h.msg_flags, sizeof(h.msg_flags)))
		return -EFAULT;
	return r;
}

static long do_sendmmsg(struct sock *s, struct k_mmsghdr *uv, unsigned n, int flags)
{
	if (n > UIO_MAXIOV)
		n = UIO_MAXIOV;
	unsigned i;
	for (i = 0; i < n; i++) {
		long r = do_sendmsg(s, &uv[i].msg_hdr, flags);
		if (r < 0)
			return i ? (long)i : r;
		unsigned len = (unsigned)r;
		if (copy_to_user(&uv[i].msg_len, &len, sizeof(len)))
			return i ? (long)i : -EFAULT;
	}
	return i;
}

static long do_recvmmsg(struct sock *s, struct k_mmsghdr *uv, unsigned n, int flags, void *timeout)
{
	if (n > UIO_MAXIOV)
		n = UIO_MAXIOV;
	unsigned i;
	for (i = 0; i < n; i++) {
		long r = do_recvmsg(s, &uv[i].msg_hdr, i ? flags | MSG_DONTWAIT : flags);
		if (r < 0)
			return i ? (long)i : r;
		unsigned len = (unsigned)r;
		if (copy_to_user(&uv[i].msg_len, &len, sizeof(len)))
			return i ? (long)i : -EFAULT;
	}
	return i;
}

/* ---- options */

static int opt_int(const void *uval, unsigned len, int *v)
{
	if (len < sizeof(int))
		return -EINVAL;
	return copy_from_user(v, uval, sizeof(int));
}

static int timeo_in(const void *uval, unsigned len, uint64_t *ns)
{
	struct __kernel_old_timeval tv;
	if (len < sizeof(tv))
		return -EINVAL;
	if (copy_from_user(&tv, uval, sizeof(tv)))
		return -EFAULT;
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	*ns = tv.tv_sec < 0 ? 0 : (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
	return 0;
}

static long do_setsockopt(struct sock *s, int level, int name, const void *uval, int ulen)
{
	int e;
	if (ulen < 0)
		return -EINVAL;
	unsigned len = (unsigned)ulen;
	int v = 0;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR: case SO_REUSEPORT: case SO_KEEPALIVE: case SO_BROADCAST:
		case SO_PASSCRED: case SO_SNDBUF: case SO_RCVBUF: case SO_SNDBUFFORCE:
		case SO_RCVBUFFORCE: case SO_PRIORITY: case SO_RCVLOWAT: case SO_OOBINLINE:
		case SO_DONTROUTE: case SO_MARK: case SO_ZEROCOPY: case SO_BUSY_POLL:
			if ((e = opt_int(uval, len, &v)))
				return e;
			break;
		case SO_LINGER: {
			struct k_linger l;
			if (len < sizeof(l))
				return -EINVAL;
			if (copy_from_user(&l, uval, sizeof(l)))
				return -EFAULT;
			s->linger_on = l.l_onoff != 0;
			s->linger_secs = l.l_linger;
			return 0;
		}
		case SO_RCVTIMEO_OLD:
			return timeo_in(uval, len, &s->rcvtimeo);
		case SO_SNDTIMEO_OLD:
			return timeo_in(uval, len, &s->sndtimeo);
		case SO_BINDTODEVICE: case SO_ATTACH_FILTER: case SO_DETACH_FILTER:
			return 0;
		default:
			return -ENOPROTOOPT;
		}
		switch (name) {
		case SO_REUSEADDR: s->reuseaddr = v; break;
		case SO_REUSEPORT: s->reuseport = v; break;
		case SO_KEEPALIVE: s->keepalive = v; break;
		case SO_BROADCAST: s->broadcast = v; break;
		case SO_PASSCRED: s->passcred = v; break;
		case SO_SNDBUF: case SO_SNDBUFFORCE:
			s->sndbuf = v < 2304 ? 2304 : v > 0x7fffffff / 2 ? 0x7fffffff / 2 : v;
			break;
		case SO_RCVBUF: case SO_RCVBUFFORCE:
			s->rcvbuf = v < 1152 ? 1152 : v > 0x7fffffff / 2 ? 0x7fffffff / 2 : v;
			break;
		}
		if (s->ops->setopt)
			s->ops->setopt(s, level, name, &v, sizeof(v));
		return 0;
	}
	if (!s->ops->setopt)
		return -ENOPROTOOPT;
	uint8_t k[64];
	if (len > sizeof(k))
		len = sizeof(k);
	if (len && copy_from_user(k, uval, len))
		return -EFAULT;
	e = s->ops->setopt(s, level, name, k, len);
	net_poll();
	return e;
}

long sys_setsockopt(int fd, int level, int name, const void *uval, int ulen)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	if (!s)
		return e;
	long r = do_setsockopt(s, level, name, uval, ulen);
	sock_put(s);
	return r;
}

static int default_buf(struct sock *s, bool rcv)
{
	if (s->family == AF_UNIX)
		return 212992;
	if (s->type == SOCK_STREAM)
		return rcv ? 131072 : 16384;
	return 212992;
}

static long do_getsockopt(struct sock *s, int level, int name, void *uval, int *ulen)
{
	int e;
	int room;
	if (copy_from_user(&room, ulen, sizeof(room)))
		return -EFAULT;
	if (room < 0)
		return -EINVAL;
	uint8_t k[64];
	unsigned len = sizeof(int);
	int v = 0;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_TYPE: v = s->type; break;
		case SO_DOMAIN: v = s->family; break;
		case SO_PROTOCOL:
			v = s->protocol ? s->protocol : s->family == AF_UNIX ? 0 :
			    s->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
			break;
		case SO_ERROR: v = s->error; s->error = 0; break;
		case SO_REUSEADDR: v = s->reuseaddr; break;
		case SO_REUSEPORT: v = s->reuseport; break;
		case SO_KEEPALIVE: v = s->keepalive; break;
		case SO_BROADCAST: v = s->broadcast; break;
		case SO_PASSCRED: v = s->passcred; break;
		case SO_SNDBUF: v = s->sndbuf ? 2 * s->sndbuf : default_buf(s, false); break;
		case SO_RCVBUF: v = s->rcvbuf ? 2 * s->rcvbuf : default_buf(s, true); break;
		case SO_RCVLOWAT: case SO_SNDLOWAT: v = 1; break;
		case SO_PRIORITY: case SO_OOBINLINE: case SO_DONTROUTE: v = 0; break;
		case SO_LINGER: {
			struct k_linger l = { s->linger_on, s->linger_secs };
			memcpy(k, &l, sizeof(l));
			len = sizeof(l);
			goto out;
		}
		case SO_RCVTIMEO_OLD: case SO_SNDTIMEO_OLD: {
			uint64_t ns = name == SO_RCVTIMEO_OLD ? s->rcvtimeo : s->sndtimeo;
			struct __kernel_old_timeval tv = { (long)(ns / 1000000000u),
							   (long)(ns % 1000000000u / 1000u) };
			memcpy(k, &tv, sizeof(tv));
			len = sizeof(tv);
			goto out;
		}
		default:
			/* SO_ACCEPTCONN, SO_PEERCRED, ...: the family's */
			if (!s->ops->getopt)
				return -ENOPROTOOPT;
			len = sizeof(k);
			e = s->ops->getopt(s, level, name, k, &len);
			if (e)
				return e;
			goto out;
		}
		memcpy(k, &v, sizeof(v));
		goto out;
	}
	if (!s->ops->getopt)
		return -ENOPROTOOPT;
	len = sizeof(k);
	if ((e = s->ops->getopt(s, level, name, k, &len)))
		return e;
out:
	if ((unsigned)room < len)
		len = (unsigned)room;
	if (copy_to_user(uval, k, len) || copy_to_user(ulen, &len, sizeof(int)))
		return -EFAULT;
	return 0;
}

long sys_getsockopt(int fd, int level, int name, void *uval, int *ulen)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	if (!s)
		return e;
	long r = do_getsockopt(s, level, name, uval, ulen);
	sock_put(s);
	return r;
}

/* ---- the calls that may block, each holding its socket */

long sys_accept4(int fd, void *uaddr, int *ulen, int flags)
{
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	int e;
	struct sock *s = sock_get(fd, &e);
	if (!s)
		return e;
	long r = do_accept4(s, uaddr, ulen, flags);
	sock_put(s);
	return r;
}

long sys_connect(int fd, const void *uaddr, int len)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	if (!s)
		return e;
	long r = do_connect(s, uaddr, len);
	sock_put(s);
	return r;
}

long sys_sendto(int fd, const void *buf, size_t n, int flags, const void *uaddr, int alen)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	if (!s)
		return e;
	long r = do_sendto(s, buf, n, flags, uaddr, alen);
	sock_put(s);
	return r;
}

long sys_recvfrom(int fd, void *buf, size_t n, int flags, void *uaddr, int *ulen)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	if (!s)
		return e;
	long r = do_recvfrom(s, buf, n, flags, uaddr, ulen);
	sock_put(s);
	return r;
}

long sys_sendmsg(int fd, const struct k_msghdr *uh, int flags)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	if (!s)
		return e;
	long r = do_sendmsg(s, uh, flags);
	sock_put(s);
	return r;
}

long sys_recvmsg(int fd, struct k_msghdr *uh, int flags)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	if (!s)
		return e;
	long r = do_recvmsg(s, uh, flags);
	sock_put(s);
	return r;
}

long sys_sendmmsg(int fd, struct k_mmsghdr *uv, unsigned n, int flags)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	if (!s)
		return e;
	long r = do_sendmmsg(s, uv, n, flags);
	sock_put(s);
	return r;
}

long sys_recvmmsg(int fd, struct k_mmsghdr *uv, unsigned n, int flags, void *timeout)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	if (!s)
		return e;
	long r = do_recvmmsg(s, uv, n, flags, timeout);
	sock_put(s);
	return r;
}
