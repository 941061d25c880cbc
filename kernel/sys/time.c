/* sys/time.c: clock_gettime and friends over the calibrated TSC, the wall
 * clock from the RTC at boot, sleeping, and setting the wall clock
 * (clock_settime, settimeofday, adjtimex). */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/timex.h>

#define NS 1000000000L

static struct timezone sys_tz;    /* settimeofday's, as gettimeofday reports it */

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
	if (tz && copy_to_user(tz, &sys_tz, sizeof(sys_tz)))
		return -EFAULT;
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

/* ---- setting the clock: we are root (CAP_SYS_TIME) */

/* Linux's timespec64_valid_settod: a time the wall clock may be set to. */
static bool settod_ok(int64_t sec, int64_t nsec)
{
	return sec >= 0 && nsec >= 0 && nsec < NS && sec < INT64_MAX / NS - 30LL * 365 * 86400;
}

long sys_clock_settime(int clk, const struct __kernel_timespec *uts)
{
	struct __kernel_timespec ts;
	if (clk != CLOCK_REALTIME)
		return -EINVAL;           /* the others cannot be set */
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (!settod_ok(ts.tv_sec, ts.tv_nsec))
		return -EINVAL;
	realtime_set_ns(ts.tv_sec * NS + ts.tv_nsec);
	return 0;
}

long sys_settimeofday(const struct __kernel_old_timeval *utv, const struct timezone *utz)
{
	struct __kernel_old_timeval tv;
	struct timezone tz;
	if (utv) {
		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_usec > 1000000 || tv.tv_usec < 0)
			return -EINVAL;
	}
	if (utz && copy_from_user(&tz, utz, sizeof(tz)))
		return -EFAULT;
	if (utv && !settod_ok(tv.tv_sec, tv.tv_usec * 1000))
		return -EINVAL;
	if (utz) {
		if (tz.tz_minuteswest > 15 * 60 || tz.tz_minuteswest < -15 * 60)
			return -EINVAL;
		sys_tz = tz;
	}
	if (utv)
		realtime_set_ns(tv.tv_sec * NS + tv.tv_usec * 1000);
	return 0;
}

/* adjtimex: the NTP state of a clock nobody disciplines (unsynchronized,
 * as Linux's at boot), and ADJ_SETOFFSET, which steps the clock. */
#ifndef ADJ_ADJTIME
#define ADJ_ADJTIME 0x8000                /* adjtime(3)'s modes */
#endif
#define TIME_ERROR_STATE 5                /* TIME_ERROR: STA_UNSYNC is set */
#define NTP_PHASE_LIMIT_US 16000000L
#define USER_TICK_US 10000L               /* 1e6 / USER_HZ */

static long do_adjtimex(struct timex *t)
{
	unsigned m = t->modes;
	if (m & ADJ_ADJTIME) {
		if (!(m & 1))             /* the kernel's own "single shot" bit */
			return -EINVAL;
		if (m != ADJ_OFFSET_SS_READ)
			return -EPERM;    /* adjtime(3)'s slewing: not kept */
	} else {
		if ((m & ADJ_TICK) && (t->tick < 900000 / 100 || t->tick > 1100000 / 100))
			return -EINVAL;
		if (m & ADJ_SETOFFSET) {
			long lim = (m & ADJ_NANO) ? NS : 1000000;
			if (t->time.tv_usec < 0 || t->time.tv_usec >= lim)
				return -EINVAL;
		}
		if (m & ~(unsigned)(ADJ_SETOFFSET | ADJ_NANO))
			return -EPERM;    /* the NTP discipline is not kept */
		if (m & ADJ_SETOFFSET) {
			int64_t d = t->time.tv_sec * NS +
				    t->time.tv_usec * ((m & ADJ_NANO) ? 1 : 1000);
			realtime_set_ns(clock_now(CLOCK_REALTIME) + d);
		}
	}
	int64_t now = clock_now(CLOCK_REALTIME);
	memset(t, 0, sizeof(*t));
	t->maxerror = NTP_PHASE_LIMIT_US;
	t->esterror = NTP_PHASE_LIMIT_US;
	t->status = STA_UNSYNC;
	t->constant = 2;
	t->precision = 1;
	t->tolerance = 500L << 16;        /* MAXFREQ_SCALED / PPM_SCALE */
	t->time.tv_sec = now / NS;
	t->time.tv_usec = (now % NS) / 1000;
	t->tick = USER_TICK_US;
	return TIME_ERROR_STATE;
}

long sys_adjtimex(struct timex *ut)
{
	struct timex t;
	if (copy_from_user(&t, ut, sizeof(t)))
		return -EFAULT;
	long r = do_adjtimex(&t);
	if (r >= 0 && copy_to_user(ut, &t, sizeof(t)))
		return -EFAULT;
	return r;
}

long sys_clock_adjtime(int clk, struct timex *ut)
{
	if (clock_now(clk) < 0)
		return -EINVAL;
	if (clk != CLOCK_REALTIME)
		return -EOPNOTSUPP;
	return sys_adjtimex(ut);
}
