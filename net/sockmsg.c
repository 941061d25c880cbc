/* sockmsg.c: sendmsg, recvmsg, sendmmsg and recvmmsg on a held socket
 * (net/socket.c looks the descriptor up): the user msghdr and iovec
 * array read and checked, several iovecs gathered through a kernel
 * buffer, SCM_RIGHTS control data in and out, and the name, lengths and
 * flags written back. */
#include "net/socket.h"
#include "net/abi.h"
#include "net/stack.h"
#include "kernel/syscall.h"
#include "kernel/signal.h"
#include <linux/uio.h>
#include <linux/time_types.h>

#define GATHER_MAX ((size_t)1 << 20) /* one sendmsg/recvmsg with iovecs at a time */

/* Reads and checks a user iovec array: a kernel copy (kfree it) and the
 * total length (at most Linux's MAX_RW_COUNT; as Linux, EMSGSIZE for too
 * many entries). */
static struct iovec *iov_in(const struct iovec *uiov, size_t cnt, size_t *total, int *err)
{
	long e;
	struct iovec *v = iov_from_user(uiov, cnt, -EMSGSIZE, 0x7ffff000, true, total, &e);
	*err = (int)e;
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
		return 0; /* else copied in even from NULL (EFAULT), as Linux */
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
			struct file **nf = krealloc(m->files,
						    sizeof(*nf) * (size_t)(m->nfiles + n));
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

long sock_sendmsg(struct sock *s, const struct k_msghdr *uh, int flags)
{
	struct k_msghdr h;
	if (copy_from_user(&h, uh, sizeof(h)))
		return -EFAULT;
	uint8_t a[SOCK_ADDR_MAX];
	int e;
	if (h.msg_name && (e = sock_addr_in(a, h.msg_name, h.msg_namelen)))
		return e;
	size_t total;
	struct iovec *v = iov_in(h.msg_iov, h.msg_iovlen, &total, &e);
	if (!v)
		return e;
	struct sock_msg m = { .flags = flags };
	if ((e = control_in(s, &h, &m))) {
		kfree(v);
		return e;
	}
	const void *addr = h.msg_name ? a : NULL;
	unsigned alen = h.msg_name ? (unsigned)h.msg_namelen : 0;
	bool nb = sock_nonblocking(s, flags);
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
	sock_sent(s, r);
	return r;
}

void sock_cmsg_put(struct sock_msg *m, int level, int type, const void *data, size_t n)
{
	struct k_cmsghdr ch = { .cmsg_len = CMSG_HDR_K + n,
				.cmsg_level = level,
				.cmsg_type = type };
	if (m->cmsg_len + CMSG_ALIGN_K(ch.cmsg_len) > sizeof(m->cmsg))
		return;
	memset(m->cmsg + m->cmsg_len, 0, CMSG_ALIGN_K(ch.cmsg_len));
	memcpy(m->cmsg + m->cmsg_len, &ch, sizeof(ch));
	memcpy(m->cmsg + m->cmsg_len + CMSG_HDR_K, data, n);
	m->cmsg_len += (unsigned)CMSG_ALIGN_K(ch.cmsg_len);
}

/* The family's control messages out, as Linux's put_cmsg: each one cut
 * to the room left (MSG_CTRUNC), none without room for a header. */
static size_t cmsg_out(struct k_msghdr *h, struct sock_msg *m)
{
	size_t room = h->msg_control ? h->msg_controllen : 0, used = 0;
	for (unsigned at = 0; at < m->cmsg_len;) {
		struct k_cmsghdr ch;
		memcpy(&ch, m->cmsg + at, sizeof(ch));
		size_t full = ch.cmsg_len, len = full;
		at += (unsigned)CMSG_ALIGN_K(full);
		if (room - used < sizeof(ch)) {
			m->msg_flags |= MSG_CTRUNC;
			break;
		}
		if (room - used < len) {
			m->msg_flags |= MSG_CTRUNC;
			len = room - used;
		}
		ch.cmsg_len = len;
		uint8_t *u = (uint8_t *)h->msg_control + used;
		if (copy_to_user(u, &ch, sizeof(ch)) ||
		    copy_to_user(u + sizeof(ch), m->cmsg + at - CMSG_ALIGN_K(full) + sizeof(ch),
				 len - sizeof(ch)))
			return used;
		used += MIN(CMSG_ALIGN_K(full), room - used);
	}
	return used;
}

/* Writes the files received into the control buffer as SCM_RIGHTS (as
 * many as fit, the rest closed and MSG_CTRUNC set); the length used. */
static size_t control_out(struct k_msghdr *h, struct sock_msg *m, int flags)
{
	if (m->cmsg_len)
		return cmsg_out(h, m);
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
		m->files[i] = NULL; /* consumed by fd_alloc */
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

long sock_recvmsg(struct sock *s, struct k_msghdr *uh, int flags)
{
	struct k_msghdr h;
	if (copy_from_user(&h, uh, sizeof(h)))
		return -EFAULT;
	int e;
	size_t total;
	struct iovec *v = iov_in(h.msg_iov, h.msg_iovlen, &total, &e);
	if (!v)
		return e;
	struct sock_msg m = { .flags = flags };
	m.ctl_room = h.msg_control ? (unsigned)h.msg_controllen : 0;
	bool nb = sock_nonblocking(s, flags);
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
			if (got > n) /* MSG_TRUNC: the real length */
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

long sock_sendmmsg(struct sock *s, struct k_mmsghdr *uv, unsigned n, int flags)
{
	if (n > UIO_MAXIOV)
		n = UIO_MAXIOV;
	unsigned i;
	for (i = 0; i < n; i++) {
		long r = sock_sendmsg(s, &uv[i].msg_hdr, flags);
		if (r < 0)
			return i ? (long)i : r;
		unsigned len = (unsigned)r;
		if (copy_to_user(&uv[i].msg_len, &len, sizeof(len)))
			return i ? (long)i : -EFAULT;
	}
	return i;
}

long sock_recvmmsg(struct sock *s, struct k_mmsghdr *uv, unsigned n, int flags, void *timeout)
{
	/* the timeout is read first (Linux), checked after each datagram
	 * and written back with the time left */
	int64_t left = 0;
	uint64_t end = 0;
	if (timeout) {
		int e = timespec_from_user(timeout, &left);
		if (e)
			return e;
		end = time_ns() + (uint64_t)left;
	}
	if (n > UIO_MAXIOV)
		n = UIO_MAXIOV;
	unsigned i;
	for (i = 0; i < n; i++) {
		long r = sock_recvmsg(s, &uv[i].msg_hdr, i ? flags | MSG_DONTWAIT : flags);
		if (r < 0)
			return i ? (long)i : r;
		unsigned len = (unsigned)r;
		if (copy_to_user(&uv[i].msg_len, &len, sizeof(len)))
			return i ? (long)i : -EFAULT;
		if (timeout && time_ns() >= end) {
			i++;
			break;
		}
	}
	if (timeout && i) {
		uint64_t now = time_ns();
		uint64_t rest = now < end ? end - now : 0;
		struct __kernel_timespec ts = { (int64_t)(rest / 1000000000),
						(int64_t)(rest % 1000000000) };
		if (copy_to_user(timeout, &ts, sizeof(ts)))
			return -EFAULT;
	}
	return i;
}
