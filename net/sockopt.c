/* sockopt.c: setsockopt and getsockopt on a held socket (net/socket.c
 * looks the descriptor up): the SOL_SOCKET options kept in struct sock
 * (buffers, timeouts, linger, flags), the rest handed to the family. */
#include "net/socket.h"
#include "net/abi.h"
#include "net/stack.h"
#include "kernel/syscall.h"
#include "kernel/signal.h"
#include <linux/uio.h>
#include <linux/time_types.h>

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

long sock_setsockopt(struct sock *s, int level, int name, const void *uval, int ulen)
{
	int e;
	if (ulen < 0)
		return -EINVAL;
	unsigned len = (unsigned)ulen;
	int v = 0;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR:
		case SO_REUSEPORT:
		case SO_KEEPALIVE:
		case SO_BROADCAST:
		case SO_PASSCRED:
		case SO_SNDBUF:
		case SO_RCVBUF:
		case SO_SNDBUFFORCE:
		case SO_RCVBUFFORCE:
		case SO_PRIORITY:
		case SO_RCVLOWAT:
		case SO_OOBINLINE:
		case SO_DONTROUTE:
		case SO_MARK:
		case SO_ZEROCOPY:
		case SO_BUSY_POLL:
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
		case SO_RCVTIMEO_OLD: return timeo_in(uval, len, &s->rcvtimeo);
		case SO_SNDTIMEO_OLD: return timeo_in(uval, len, &s->sndtimeo);
		case SO_BINDTODEVICE:
		case SO_ATTACH_FILTER:
		case SO_DETACH_FILTER: return 0;
		default: return -ENOPROTOOPT;
		}
		switch (name) {
		case SO_REUSEADDR: s->reuseaddr = v; break;
		case SO_REUSEPORT: s->reuseport = v; break;
		case SO_KEEPALIVE: s->keepalive = v; break;
		case SO_BROADCAST: s->broadcast = v; break;
		case SO_PASSCRED: s->passcred = v; break;
		case SO_SNDBUF:
		case SO_SNDBUFFORCE:
			s->sndbuf = v < 2304 ? 2304 : v > 0x7fffffff / 2 ? 0x7fffffff / 2 : v;
			break;
		case SO_RCVBUF:
		case SO_RCVBUFFORCE:
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

static int default_buf(struct sock *s, bool rcv)
{
	if (s->family == AF_UNIX)
		return 212992;
	if (s->type == SOCK_STREAM)
		return rcv ? 131072 : 16384;
	return 212992;
}

long sock_getsockopt(struct sock *s, int level, int name, void *uval, int *ulen)
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
			v = s->protocol || s->family == AF_NETLINK ? s->protocol
			    : s->family == AF_UNIX                 ? 0
			    : s->type == SOCK_STREAM               ? IPPROTO_TCP
								   : IPPROTO_UDP;
			break;
		case SO_ERROR:
			v = s->error;
			s->error = 0;
			break;
		case SO_REUSEADDR: v = s->reuseaddr; break;
		case SO_REUSEPORT: v = s->reuseport; break;
		case SO_KEEPALIVE: v = s->keepalive; break;
		case SO_BROADCAST: v = s->broadcast; break;
		case SO_PASSCRED: v = s->passcred; break;
		case SO_SNDBUF: v = s->sndbuf ? 2 * s->sndbuf : default_buf(s, false); break;
		case SO_RCVBUF: v = s->rcvbuf ? 2 * s->rcvbuf : default_buf(s, true); break;
		case SO_RCVLOWAT:
		case SO_SNDLOWAT: v = 1; break;
		case SO_PRIORITY:
		case SO_OOBINLINE:
		case SO_DONTROUTE: v = 0; break;
		case SO_LINGER: {
			struct k_linger l = { s->linger_on, s->linger_secs };
			memcpy(k, &l, sizeof(l));
			len = sizeof(l);
			goto out;
		}
		case SO_RCVTIMEO_OLD:
		case SO_SNDTIMEO_OLD: {
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
