/* sys/itimer.c: alarm, setitimer/getitimer and the POSIX timer calls
 * (timer_create, _settime, _gettime, _getoverrun, _delete): their
 * arguments checked and converted between timevals/timespecs and
 * nanoseconds. The timers themselves are kernel/timer.c's. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/signal.h"
#include "kernel/sched.h"
#include "kernel/proc.h"
#include "kernel/timer.h"
#include <linux/time.h>
#include <linux/time_types.h>

#define NS 1000000000UL
#define US 1000UL

/* ---- alarm, setitimer, getitimer */

static long get_tv(const struct __kernel_old_timeval *tv, uint64_t *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EINVAL;
	*ns = tv->tv_sec > (long)(INT64_MAX / NS / 2)
		      ? INT64_MAX / 2
		      : (uint64_t)tv->tv_sec * NS + (uint64_t)tv->tv_usec * US;
	return 0;
}

static struct __kernel_old_timeval to_tv(uint64_t ns)
{
	/* Round up, so that a timer still armed never reads as 0. */
	uint64_t us = (ns + US - 1) / US;
	struct __kernel_old_timeval tv = { (long)(us / 1000000), (long)(us % 1000000) };
	return tv;
}

static void itimer_get(int which, struct __kernel_old_itimerval *v)
{
	uint64_t left, interval;
	itimer_read(which, &left, &interval);
	v->it_value = to_tv(left);
	v->it_interval = to_tv(interval);
}

long sys_getitimer(int which, struct __kernel_old_itimerval *uv)
{
	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	struct __kernel_old_itimerval v;
	itimer_get(which, &v);
	return copy_to_user(uv, &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_setitimer(int which, const struct __kernel_old_itimerval *unew,
		   struct __kernel_old_itimerval *uold)
{
	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	struct __kernel_old_itimerval n, old;
	memset(&n, 0, sizeof(n)); /* a NULL new value disarms, as Linux */
	if (unew && copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	uint64_t value, interval;
	if (get_tv(&n.it_value, &value) || get_tv(&n.it_interval, &interval))
		return -EINVAL;
	itimer_get(which, &old);
	itimer_arm(which, value, interval);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_alarm(unsigned int seconds)
{
	struct __kernel_old_itimerval old;
	itimer_get(ITIMER_REAL, &old);
	itimer_arm(ITIMER_REAL, (uint64_t)seconds * NS, 0);
	long left = old.it_value.tv_sec;
	if ((!left && old.it_value.tv_usec) || old.it_value.tv_usec >= 500000)
		left++;
	return left;
}

/* ---- POSIX timers */

long sys_timer_create(int clock, const struct sigevent *usev, int *uid)
{
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME)
		return -EINVAL;
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	if (usev) {
		if (copy_from_user(&ev, usev, sizeof(ev)))
			return -EFAULT;
	} else {
		ev.sigev_notify = SIGEV_SIGNAL;
		ev.sigev_signo = SIGALRM;
	}
	switch (ev.sigev_notify) {
	case SIGEV_SIGNAL | SIGEV_THREAD_ID:
		if (!thread_find(ev.sigev_notify_thread_id))
			return -EINVAL;
		/* fall through */
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:
		if (ev.sigev_signo <= 0 || ev.sigev_signo >= NSIGNALS)
			return -EINVAL;
		break;
	case SIGEV_NONE: break;
	default: return -EINVAL;
	}
	int notify = ev.sigev_notify == SIGEV_THREAD ? SIGEV_SIGNAL : ev.sigev_notify;
	int id = ptimer_create(clock, notify, ev.sigev_signo, ev.sigev_notify_thread_id,
			       usev ? &ev.sigev_value : NULL);
	if (id < 0)
		return id;
	if (copy_to_user(uid, &id, sizeof(id))) {
		ptimer_delete(id);
		return -EFAULT;
	}
	return 0;
}

static long get_its(const struct __kernel_timespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long long)NS)
		return -EINVAL;
	*ns = ts->tv_sec > (long long)(INT64_MAX / NS / 2)
		      ? INT64_MAX / 2
		      : (uint64_t)ts->tv_sec * NS + (uint64_t)ts->tv_nsec;
	return 0;
}

static int ptimer_get(int id, struct __kernel_itimerspec *v)
{
	uint64_t rem, interval;
	int err = ptimer_read(id, &rem, &interval);
	if (err)
		return err;
	v->it_value.tv_sec = (long long)(rem / NS);
	v->it_value.tv_nsec = (long long)(rem % NS);
	v->it_interval.tv_sec = (long long)(interval / NS);
	v->it_interval.tv_nsec = (long long)(interval % NS);
	return 0;
}

long sys_timer_settime(int id, int flags, const struct __kernel_itimerspec *unew,
		       struct __kernel_itimerspec *uold)
{
	struct __kernel_itimerspec n, old;
	if (ptimer_get(id, &old))
		return -EINVAL;
	if (!unew)
		return -EINVAL;
	if (copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	uint64_t value, interval;
	if (get_its(&n.it_value, &value) || get_its(&n.it_interval, &interval))
		return -EINVAL;
	ptimer_arm(id, flags & TIMER_ABSTIME, value, interval);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_timer_gettime(int id, struct __kernel_itimerspec *uv)
{
	struct __kernel_itimerspec v;
	if (ptimer_get(id, &v))
		return -EINVAL;
	return copy_to_user(uv, &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_timer_getoverrun(int id) { return ptimer_overrun(id); }

long sys_timer_delete(int id) { return ptimer_delete(id); }
