/* sys/epoll.c: epoll_create, epoll_create1, epoll_ctl, epoll_wait,
 * epoll_pwait, epoll_pwait2: their arguments (flags, the event copied in,
 * timeouts, the signal mask). The epoll instances are fs/eventpoll.c's. */
#include "kernel/syscall.h"
#include "fs/vfs.h"
#include "fs/poll.h"
#include "fs/eventpoll.h"
#include <linux/time_types.h>

long sys_epoll_create1(int flags)
{
	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	struct file *f = epoll_new();
	if (!f)
		return -ENOMEM;
	return fd_alloc(f, 0, flags & EPOLL_CLOEXEC);
}

long sys_epoll_create(int size)
{
	if (size <= 0)
		return -EINVAL;
	return sys_epoll_create1(0);
}

long sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *uevent)
{
	struct epoll_event ev = { 0, 0 };
	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uevent, sizeof(ev)))
		return -EFAULT;
	return epoll_ctl(epfd, op, fd, ev);
}

static uint64_t ms_deadline(int ms) { return ms > 0 ? time_ns() + (uint64_t)ms * 1000000ull : 0; }

long sys_epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
	return epoll_wait_user(epfd, events, maxevents, ms_deadline(timeout), timeout == 0);
}

long sys_epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout,
		     const uint64_t *sigmask, size_t sigsetsize)
{
	long e = poll_sigmask_set(sigmask, sigsetsize);
	if (e)
		return e;
	long ret = epoll_wait_user(epfd, events, maxevents, ms_deadline(timeout), timeout == 0);
	poll_sigmask_done(sigmask, ret);
	return ret;
}

long sys_epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
		      const struct __kernel_timespec *utimeout, const uint64_t *sigmask,
		      size_t sigsetsize)
{
	uint64_t deadline = 0;
	bool nowait = false;
	if (utimeout) {
		struct __kernel_timespec ts;
		if (copy_from_user(&ts, utimeout, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		nowait = ts.tv_sec == 0 && ts.tv_nsec == 0;
		if (!nowait) {
			uint64_t ns = (uint64_t)ts.tv_sec >= (uint64_t)INT64_MAX / 1000000000ull
					      ? (uint64_t)INT64_MAX
					      : (uint64_t)ts.tv_sec * 1000000000ull +
							(uint64_t)ts.tv_nsec;
			uint64_t now = time_ns();
			deadline = ns >= (uint64_t)INT64_MAX - now ? (uint64_t)INT64_MAX : now + ns;
		}
	}
	long e = poll_sigmask_set(sigmask, sigsetsize);
	if (e)
		return e;
	long ret = epoll_wait_user(epfd, events, maxevents, deadline, nowait);
	poll_sigmask_done(sigmask, ret);
	return ret;
}
