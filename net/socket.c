/* socket.c: the socket system calls: socket files (S_IFSOCK inodes with
 * read, write, poll and ioctl), the calls that act on them (bind, listen,
 * accept, connect, send/recv in all their forms, shutdown, socket
 * options, names), and the common blocking and wake-up
 * helpers. sendmsg/recvmsg's msghdr handling is net/sockmsg.c's, the
 * socket options net/sockopt.c's. The
 * families do the protocol work: net/inet.c (TCP and UDP over lwIP) and
 * net/unix.c (AF_UNIX), net/netlink.c (AF_NETLINK). */
#include "net/socket.h"
#include "net/abi.h"
#include "net/stack.h"
#include "kernel/syscall.h"
#include "kernel/signal.h"
#include "kernel/proc.h"
#include <linux/capability.h>
#include <linux/uio.h>
#include <linux/time_types.h>
#include <asm/ioctls.h>

#define SOCK_DEV 0x8u /* st_dev of sockets: major 0, minor 8 */

struct sock_inode {
	struct inode vi;
	char name[32]; /* "socket:[INO]" */
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

void sock_free(struct sock *s)
{
	if (s->ops->release)
		s->ops->release(s);
	kfree(s);
}

static void sock_evict(struct inode *ino) { kfree(ino); }

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
		return file_open_err();
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
	if (s) /* NULL: sock_get failed, nothing held */
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
		dl = now + 10000000; /* without the tick hook lwIP's timers run from here */
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

void sock_sent(struct sock *s, ssize_t r)
{
	if (r == -EAGAIN)
		s->src.async_nospace = true; /* room appearing now signals O_ASYNC owners */
}

void sock_sigpipe(int flags)
{
	if (!(flags & MSG_NOSIGNAL))
		signal_send_thread(cur_thread, SIGPIPE);
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
	sock_sent(s, r);
	return r;
}

static unsigned sock_poll(struct file *f) { return S(f)->ops->poll(S(f)); }

static long sock_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	struct sock *s = S(f);
	if (req == FIONREAD || req == TIOCOUTQ) {
		int v = req == FIONREAD && s->ops->nread ? s->ops->nread(s) : 0;
		if (v < 0)
			return v;
		return copy_to_user((void *)arg, &v, sizeof(v));
	}
	if (req == FIOSETOWN || req == SIOCSPGRP) { /* F_SETOWN's work */
		int pid;
		if (copy_from_user(&pid, (void *)arg, sizeof(pid)))
			return -EFAULT;
		return fown_setown(f, pid);
	}
	if (req == FIOGETOWN || req == SIOCGPGRP) {
		int pid = fown_getown(f);
		return copy_to_user((void *)arg, &pid, sizeof(pid));
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
	.flags = FOP_STREAM | FOP_POLLSRC | FOP_FASYNC,
};

/* ---- socket, socketpair */

static int create(int family, int type, int protocol, struct sock **out)
{
	switch (family) {
	case AF_INET:
	case AF_INET6: return inet_create(family, type, protocol, out);
	case AF_UNIX: return unix_create(type, protocol, out);
	case AF_NETLINK: return netlink_create(type, protocol, out);
	default: return -EAFNOSUPPORT;
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

int sock_addr_in(uint8_t *k, const void *uaddr, int len)
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
	if ((e = sock_addr_in(a, uaddr, len)))
		return e;
	/* ports below 1024 take CAP_NET_BIND_SERVICE (a well-formed address) */
	uint16_t fam = (uint16_t)(a[0] | a[1] << 8), port = (uint16_t)(a[2] << 8 | a[3]);
	if ((s->family == AF_INET || s->family == AF_INET6) && fam == s->family &&
	    len >= (s->family == AF_INET ? 16 : 24) && port && port < 1024 &&
	    !capable(CAP_NET_BIND_SERVICE))
		return -EACCES;
	e = s->ops->bind(s, a, (unsigned)len);
	net_poll();
	return e;
}

long sys_bind(int fd, const void *uaddr, int len)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	long r = s ? do_bind(s, uaddr, len) : e;
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
	long r = s ? do_listen(s, backlog) : e;
	sock_put(s);
	return r;
}

static long do_accept4(struct sock *s, void *uaddr, int *ulen, int flags, bool nonblock)
{
	int e;
	if (!s->ops->accept)
		return -EOPNOTSUPP;
	struct sock *n;
	if (!fd_slot_free())
		return -EMFILE; /* as Linux: before the connection is taken */
	net_poll();
	e = s->ops->accept(s, &n, nonblock || (s->file->flags & O_NONBLOCK));
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

long sys_accept(int fd, void *uaddr, int *ulen) { return sys_accept4(fd, uaddr, ulen, 0); }

static long do_connect(struct sock *s, const void *uaddr, int len, bool nonblock)
{
	int e;
	uint8_t a[SOCK_ADDR_MAX];
	if ((e = sock_addr_in(a, uaddr, len)))
		return e;
	e = s->ops->connect(s, a, (unsigned)len, nonblock || (s->file->flags & O_NONBLOCK));
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
	long r = s ? do_getname(s, uaddr, ulen, peer) : e;
	sock_put(s);
	return r;
}

long sys_getsockname(int fd, void *uaddr, int *ulen) { return getname(fd, uaddr, ulen, false); }

long sys_getpeername(int fd, void *uaddr, int *ulen) { return getname(fd, uaddr, ulen, true); }

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
	long r = s ? do_shutdown(s, how) : e;
	sock_put(s);
	return r;
}

/* ---- sending and receiving */

bool sock_nonblocking(struct sock *s, int flags)
{
	return (flags & MSG_DONTWAIT) || (s->file && (s->file->flags & O_NONBLOCK));
}

static long do_sendto(struct sock *s, const void *buf, size_t n, int flags, const void *uaddr,
		      int alen)
{
	int e;
	uint8_t a[SOCK_ADDR_MAX];
	if (!access_ok(buf, MIN(n, (size_t)0x7ffff000)))
		return -EFAULT; /* as Linux, before the address */
	if (uaddr && (e = sock_addr_in(a, uaddr, alen)))
		return e;
	struct sock_msg m = { .flags = flags }; /* the copy checks buf, after the size */
	ssize_t r = s->ops->send(s, buf, MIN(n, (size_t)0x7ffff000), true, uaddr ? a : NULL,
				 uaddr ? (unsigned)alen : 0, &m, sock_nonblocking(s, flags));
	net_poll();
	sock_sent(s, r);
	return r;
}

static long do_recvfrom(struct sock *s, void *buf, size_t n, int flags, void *uaddr, int *ulen)
{
	int e;
	if (!access_ok(buf, MIN(n, (size_t)0x7ffff000)))
		return -EFAULT;
	struct sock_msg m = { .flags = flags };
	net_poll();
	ssize_t r = s->ops->recv(s, buf, MIN(n, (size_t)0x7ffff000), true, &m,
				 sock_nonblocking(s, flags));
	net_poll();
	if (r >= 0 && uaddr && (e = addr_out(m.addr, (int)m.addrlen, uaddr, ulen)))
		return e;
	return r;
}

/* ---- options (net/sockopt.c) */

long sys_setsockopt(int fd, int level, int name, const void *uval, int ulen)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	long r = s ? sock_setsockopt(s, level, name, uval, ulen) : e;
	sock_put(s);
	return r;
}

long sys_getsockopt(int fd, int level, int name, void *uval, int *ulen)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	long r = s ? sock_getsockopt(s, level, name, uval, ulen) : e;
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
	long r = s ? do_accept4(s, uaddr, ulen, flags, false) : e;
	sock_put(s);
	return r;
}

long sys_connect(int fd, const void *uaddr, int len)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	long r = s ? do_connect(s, uaddr, len, false) : e;
	sock_put(s);
	return r;
}

long sys_sendto(int fd, const void *buf, size_t n, int flags, const void *uaddr, int alen)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	long r = s ? do_sendto(s, buf, n, flags, uaddr, alen) : e;
	sock_put(s);
	return r;
}

long sys_recvfrom(int fd, void *buf, size_t n, int flags, void *uaddr, int *ulen)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	long r = s ? do_recvfrom(s, buf, n, flags, uaddr, ulen) : e;
	sock_put(s);
	return r;
}

long sys_sendmsg(int fd, const struct k_msghdr *uh, int flags)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	long r = s ? sock_sendmsg(s, uh, flags) : e;
	sock_put(s);
	return r;
}

long sys_recvmsg(int fd, struct k_msghdr *uh, int flags)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	long r = s ? sock_recvmsg(s, uh, flags) : e;
	sock_put(s);
	return r;
}

long sys_sendmmsg(int fd, struct k_mmsghdr *uv, unsigned n, int flags)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	long r = s ? sock_sendmmsg(s, uv, n, flags) : e;
	sock_put(s);
	return r;
}

long sys_recvmmsg(int fd, struct k_mmsghdr *uv, unsigned n, int flags, void *timeout)
{
	int e;
	struct sock *s = sock_get(fd, &e);
	long r = s ? sock_recvmmsg(s, uv, n, flags, timeout) : e;
	sock_put(s);
	return r;
}

/* ---- io_uring's calls (kernel/sys/io_uring_ops.c): on an open file
 * rather than a descriptor, never waiting (-EAGAIN, -EINPROGRESS) */

long sock_file_call(struct file *f, int call, void *a, void *b, uint64_t n, int flags)
{
	if (f->ops != &sock_fops)
		return -ENOTSOCK;
	struct sock *s = f->priv;
	long r = -EINVAL;
	file_get(f);
	switch (call) {
	case SOCK_CALL_ACCEPT:
		r = (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) ? -EINVAL
							      : do_accept4(s, a, b, flags, true);
		break;
	case SOCK_CALL_CONNECT: r = do_connect(s, a, (int)n, true); break;
	case SOCK_CALL_SEND: r = do_sendto(s, a, n, flags | MSG_DONTWAIT, NULL, 0); break;
	case SOCK_CALL_RECV: r = do_recvfrom(s, a, n, flags | MSG_DONTWAIT, NULL, NULL); break;
	case SOCK_CALL_SENDMSG: r = sock_sendmsg(s, a, flags | MSG_DONTWAIT); break;
	case SOCK_CALL_RECVMSG: r = sock_recvmsg(s, a, flags | MSG_DONTWAIT); break;
	case SOCK_CALL_SHUTDOWN: r = do_shutdown(s, (int)n); break;
	}
	file_put(f);
	return r;
}
