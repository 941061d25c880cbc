/* sys/time.c: clock_gettime and friends over the calibrated TSC, the wall
 * clock from the RTC at boot, and sleeping. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include <linux/time.h>
#include <linux/time_types.h>

#define NS 1000000000L

/* ns on clock clk, or -EINVAL. */
static int64_t clock_now(int clk)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		return realtime_boot_ns() + (int64_t)time_ns();
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		return (int64_t)time_ns();
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		/* The program has the CPU to itself. */
		return (int64_t)(time_ns() - current->start_ns);
	default:
		return -EINVAL;
	}
}

static int put_ts(struct __kernel_timespec *uts, int64_t ns)
{
	struct __kernel_timespec ts = { ns / NS, ns % NS };
	return copy_to_user(uts, &ts, sizeof(ts));
}

/* Reads a timespec and checks it: ns, or -EFAULT / -EINVAL. */
static int64_t get_ts(const struct __kernel_timespec *uts)
{
	struct __kernel_timespec ts;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NS)
		return -EINVAL;
	if (ts.tv_sec > INT64_MAX / NS - 1)
		return INT64_MAX;
	return ts.tv_sec * NS + ts.tv_nsec;
}

long sys_clock_gettime(int clk, struct __kernel_timespec *ts)
{
	int64_t now = clock_now(clk);
	if (now < 0)
		return now;
	return put_ts(ts, now);
}

long sys_clock_getres(int clk, struct __kernel_timespec *ts)
{
	int64_t now = clock_now(clk);
	if (now < 0)
		return now;
	return ts ? put_ts(ts, 1) : 0;
}

long sys_gettimeofday(struct __kernel_old_timeval *tv, struct timezone *tz)
{
	int64_t now = clock_now(CLOCK_REALTIME);
	if (tv) {
		struct __kernel_old_timeval v = { now / NS, (now % NS) / 1000 };
		if (copy_to_user(tv, &v, sizeof(v)))
			return -EFAULT;
	}
	if (tz) {
		struct timezone z = { 0, 0 };
		if (copy_to_user(tz, &z, sizeof(z)))
			return -EFAULT;
	}
	return 0;
}

long sys_time(long *t)
{
	long now = clock_now(CLOCK_REALTIME) / NS;
	if (t && copy_to_user(t, &now, sizeof(now)))
		return -EFAULT;
	return now;
}

/* Sleeps until the monotonic time end; on a signal, -EINTR and the time
 * left in rem (if given). */
static long sleep_until(uint64_t end, struct __kernel_timespec *rem)
{
	if (sched_sleep_until(end) != WAKE_SIGNAL)
		return 0;
	uint64_t now = time_ns();
	if (rem && put_ts(rem, end > now ? end - now : 0))
		return -EFAULT;
	return -EINTR;
}

long sys_nanosleep(const struct __kernel_timespec *req, struct __kernel_timespec *rem)
{
	int64_t ns = get_ts(req);
	if (ns < 0)
		return ns;
	return sleep_until(time_ns() + ns, rem);
}

long sys_clock_nanosleep(int clk, int flags, const struct __kernel_timespec *req,
			 struct __kernel_timespec *rem)
{
	if (clk == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	int64_t now = clock_now(clk);
	if (now < 0)
		return now;
	int64_t ns = get_ts(req);
	if (ns < 0)
		return ns;
	if (flags & TIMER_ABSTIME)
		return sleep_until(time_ns() + (ns > now ? ns - now : 0), NULL);
	return sleep_until(time_ns() + ns, rem);
}
