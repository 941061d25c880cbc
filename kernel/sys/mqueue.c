/* sys/mqueue.c: the POSIX message queue calls (mq_open, mq_unlink,
 * mq_timedsend, mq_timedreceive, mq_notify, mq_getsetattr): names and
 * attributes read, timeouts (absolute, CLOCK_REALTIME) turned into
 * deadlines, descriptors checked; the queues are fs/mqueue.c's. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "fs/mqueue.h"
#include "net/socket.h"
#include "net/abi.h"

static long get_name(const char *uname, char name[NAME_MAX + 1])
{
	long n = strncpy_from_user(name, uname, NAME_MAX + 1);
	if (n < 0)
		return n;
	return strchr(name, '/') ? -EACCES : 0; /* Linux's lookup of such a name */
}

long sys_mq_open(const char *name, int oflag, unsigned mode, const struct mq_attr *attr)
{
	char kname[NAME_MAX + 1];
	struct mq_attr a;
	/* as Linux: the attributes are read first, whatever oflag says */
	if (attr && copy_from_user(&a, attr, sizeof(a)))
		return -EFAULT;
	long e = get_name(name, kname);
	if (e)
		return e;
	struct file *f;
	e = mqueue_open(kname, oflag, mode, (oflag & O_CREAT) && attr ? &a : NULL, &f);
	if (e)
		return e;
	return fd_alloc(f, 0, oflag & O_CLOEXEC);
}

long sys_mq_unlink(const char *name)
{
	char kname[NAME_MAX + 1];
	long e = get_name(name, kname);
	return e ? e : mqueue_unlink(kname);
}

/* An absolute CLOCK_REALTIME timeout as a time_ns() deadline: 0 (none),
 * or -EFAULT, -EINVAL. */
static int64_t deadline_of(const struct __kernel_timespec *uts)
{
	int64_t ns;
	if (!uts)
		return 0;
	int e = timespec_from_user(uts, &ns);
	if (e)
		return e;
	ns -= realtime_boot_ns();
	return ns > 0 ? ns : 1;
}

static struct file *mq_file(int fd)
{
	struct file *f = fd_get(fd);
	return mqueue_is(f) ? f : NULL;
}

long sys_mq_timedsend(int mqdes, const char *msg, size_t len, unsigned prio,
		      const struct __kernel_timespec *abs_timeout)
{
	if (prio >= MQ_PRIO_MAX)
		return -EINVAL;
	int64_t dl = deadline_of(abs_timeout);
	if (dl < 0)
		return dl;
	struct file *f = mq_file(mqdes);
	if (!f)
		return -EBADF;
	return mqueue_send(f, msg, len, prio, (uint64_t)dl);
}

long sys_mq_timedreceive(int mqdes, char *msg, size_t len, unsigned *prio,
			 const struct __kernel_timespec *abs_timeout)
{
	int64_t dl = deadline_of(abs_timeout);
	if (dl < 0)
		return dl;
	struct file *f = mq_file(mqdes);
	if (!f)
		return -EBADF;
	unsigned p;
	long r = mqueue_receive(f, msg, len, &p, (uint64_t)dl);
	if (r >= 0 && prio && put_user(p, prio))
		return -EFAULT;
	return r;
}

long sys_mq_notify(int mqdes, const struct sigevent *sevp)
{
	struct sigevent ev;
	struct sock *s = NULL;
	uint8_t cookie[NOTIFY_COOKIE_LEN];
	if (sevp) {
		if (copy_from_user(&ev, sevp, sizeof(ev)))
			return -EFAULT;
		switch (ev.sigev_notify) {
		case SIGEV_NONE: break;
		case SIGEV_SIGNAL:
			if (ev.sigev_signo < 0 || ev.sigev_signo >= NSIGNALS)
				return -EINVAL;
			break;
		case SIGEV_THREAD: {
			/* the cookie goes to a netlink socket (sigev_signo),
			 * whose reader (the C library's thread) runs the
			 * function */
			int err;
			if (copy_from_user(cookie, ev.sigev_value.sival_ptr, sizeof(cookie)))
				return -EFAULT;
			s = sock_get(ev.sigev_signo, &err);
			if (!s)
				return err;
			if (s->family != AF_NETLINK) {
				sock_put(s);
				return -EINVAL;
			}
			break;
		}
		default: return -EINVAL;
		}
	}
	struct file *f = mq_file(mqdes);
	if (!f) {
		if (s)
			sock_put(s);
		return -EBADF;
	}
	return mqueue_notify(f, sevp ? &ev : NULL, s, cookie);
}

long sys_mq_getsetattr(int mqdes, const struct mq_attr *newattr, struct mq_attr *oldattr)
{
	struct mq_attr n, o;
	if (newattr) {
		if (copy_from_user(&n, newattr, sizeof(n)))
			return -EFAULT;
		if (n.mq_flags & ~(long)O_NONBLOCK)
			return -EINVAL;
	}
	struct file *f = mq_file(mqdes);
	if (!f)
		return -EBADF;
	mqueue_getattr(f, &o);
	if (newattr)
		f->flags = (f->flags & ~(unsigned)O_NONBLOCK) | (unsigned)(n.mq_flags & O_NONBLOCK);
	if (oldattr && copy_to_user(oldattr, &o, sizeof(o)))
		return -EFAULT;
	return 0;
}
