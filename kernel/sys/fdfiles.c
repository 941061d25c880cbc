/* sys/fdfiles.c: the calls that make, set or lock a file of a kind of
 * their own: eventfd, eventfd2 (fs/eventfd.c), memfd_create (fs/memfd.c),
 * timerfd_create, _settime, _gettime (fs/timerfd.c), signalfd, signalfd4
 * (fs/signalfd.c) and flock
 * (fs/flock.c): flags checked, names and times copied in and out,
 * descriptors given. */
#include "kernel/syscall.h"
#include "fs/vfs.h"
#include "fs/fdfiles.h"
#include "kernel/signal.h"
#include <linux/memfd.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/timerfd.h>
#include <linux/signalfd.h>

#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC O_CLOEXEC
#define EFD_NONBLOCK O_NONBLOCK

long sys_eventfd2(unsigned count, int flags)
{
	if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
		return -EINVAL;
	struct file *f = eventfd_new(count, flags & EFD_SEMAPHORE, (unsigned)flags);
	if (!f)
		return -ENOMEM;
	return fd_alloc(f, 0, flags & EFD_CLOEXEC);
}

long sys_eventfd(unsigned count) { return sys_eventfd2(count, 0); }

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define MFD_PREFIX "memfd:"
#define MFD_NAME_MAX (NAME_MAX - (sizeof(MFD_PREFIX) - 1)) /* 249 */

long sys_memfd_create(const char *uname, unsigned flags)
{
	char name[NAME_MAX + 1] = MFD_PREFIX;
	const size_t plen = sizeof(MFD_PREFIX) - 1;

	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC | MFD_HUGETLB |
		      (MFD_HUGE_MASK << MFD_HUGE_SHIFT)))
		return -EINVAL;
	if (!(flags & MFD_HUGETLB) && (flags & (MFD_HUGE_MASK << MFD_HUGE_SHIFT)))
		return -EINVAL;
	if ((flags & MFD_NOEXEC_SEAL) && (flags & MFD_EXEC))
		return -EINVAL;
	if (flags & MFD_HUGETLB)
		return -EINVAL; /* no huge pages here */
	long len = strncpy_from_user(name + plen, uname, MFD_NAME_MAX + 1);
	if (len == -ENAMETOOLONG)
		return -EINVAL;
	if (len < 0)
		return len;
	struct file *f;
	int e = memfd_new(name, plen + (size_t)len, (flags & MFD_NOEXEC_SEAL) ? 0666 : 0777, &f);
	if (e)
		return e;
	return fd_alloc(f, 0, flags & MFD_CLOEXEC);
}

/* ---- timerfd */

#define NS 1000000000ull

long sys_timerfd_create(int clock, int flags)
{
	if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
		return -EINVAL;
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_REALTIME_ALARM: /* the program is root: it may wake the */
	case CLOCK_BOOTTIME_ALARM: /* system, which never sleeps here */ break;
	default: return -EINVAL;
	}
	struct file *f = timerfd_new(clock, (unsigned)flags);
	if (!f)
		return -ENOMEM;
	return fd_alloc(f, 0, flags & TFD_CLOEXEC);
}

static uint64_t ts_ns(const struct __kernel_timespec *ts)
{
	if ((uint64_t)ts->tv_sec >= TIMERFD_FOREVER / NS)
		return TIMERFD_FOREVER;
	return (uint64_t)ts->tv_sec * NS + (uint64_t)ts->tv_nsec;
}

static bool ts_valid(const struct __kernel_timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (long long)NS;
}

static void ns_ts(uint64_t ns, struct __kernel_timespec *ts)
{
	ts->tv_sec = (long long)(ns / NS);
	ts->tv_nsec = (long long)(ns % NS);
}

/* The current setting: time to the next expiry and the period. */
static void get_setting(struct timerfd *t, struct __kernel_itimerspec *its)
{
	uint64_t left, interval;
	timerfd_setting(t, &left, &interval);
	ns_ts(left, &its->it_value);
	ns_ts(interval, &its->it_interval);
}

long sys_timerfd_settime(int fd, int flags, const struct __kernel_itimerspec *unew,
			 struct __kernel_itimerspec *uold)
{
	long err = 0;
	struct timerfd *t = timerfd_of(fd, &err);
	struct __kernel_itimerspec its, old;
	if (!t)
		return err;
	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (copy_from_user(&its, unew, sizeof(its)))
		return -EFAULT;
	if (!ts_valid(&its.it_value) || !ts_valid(&its.it_interval))
		return -EINVAL;
	get_setting(t, &old);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	timerfd_arm(t, flags & TFD_TIMER_ABSTIME, ts_ns(&its.it_value), ts_ns(&its.it_interval));
	return 0;
}

long sys_timerfd_gettime(int fd, struct __kernel_itimerspec *ucur)
{
	long err = 0;
	struct timerfd *t = timerfd_of(fd, &err);
	struct __kernel_itimerspec its;
	if (!t)
		return err;
	get_setting(t, &its);
	return copy_to_user(ucur, &its, sizeof(its));
}

/* ---- signalfd */

long sys_signalfd4(int fd, const uint64_t *umask, size_t sizemask, int flags)
{
	uint64_t mask;
	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;
	if (sizemask != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	mask &= ~SIG_UNBLOCKABLE;
	if (fd != -1) {
		int e = signalfd_set(fd, mask);
		return e ? e : fd;
	}
	struct file *f = signalfd_new(mask, (unsigned)flags);
	if (!f)
		return -ENOMEM;
	return fd_alloc(f, 0, flags & SFD_CLOEXEC);
}

long sys_signalfd(int fd, const uint64_t *mask, size_t sizemask)
{
	return sys_signalfd4(fd, mask, sizemask, 0);
}

/* ---- flock */

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

long sys_flock(int fd, unsigned op)
{
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	bool nb = op & LOCK_NB;
	op &= ~(unsigned)LOCK_NB;
	if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN)
		return -EINVAL;
	return flock_file(f, op != LOCK_UN, op == LOCK_EX, nb);
}
