/* sys/time.c: clock_gettime and friends over the calibrated TSC, the wall
 * clock from the RTC at boot, the CPU-time clocks (kernel/cputime.c),
 * sleeping, and setting the wall clock (clock_settime, settimeofday,
 * adjtimex). */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/cputime.h"
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/timex.h>

#define NS 1000000000L

static struct timezone sys_tz; /* settimeofday's, as gettimeofday reports it */

/* Linux's encoding of CPU-time clocks (clock_getcpuclockid,
 * pthread_getcpuclockid): ~pid << 3, 4 for one thread, and which time. */
#define CPUCLOCK_PERTHREAD 4
#define CPUCLOCK_PROF 0  /* user + system */
#define CPUCLOCK_VIRT 1  /* user */
#define CPUCLOCK_SCHED 2 /* user + system, ns precision */
#define CPUCLOCK_HZ 250  /* the resolution Linux gives PROF and VIRT */

/* A CPU-time clock's time in ns, or -EINVAL: CLOCK_PROCESS_CPUTIME_ID,
 * CLOCK_THREAD_CPUTIME_ID, or an encoded one (clk < 0). As Linux, a
 * thread's clock is readable only inside its process, a process's by
 * anyone (pid 0 or the caller's tid: the caller's own process). */
static int64_t cpu_clock(int clk)
{
	int which = CPUCLOCK_SCHED, pid = 0;
	bool thread = clk == CLOCK_THREAD_CPUTIME_ID;
	if (clk < 0) {
		which = clk & 3;
		thread = clk & CPUCLOCK_PERTHREAD;
		pid = (~clk >> 3);
		if (which == 3)
			return -EINVAL;
	}
	struct cputime c;
	if (thread) {
		struct thread *t = pid ? thread_find(pid) : cur_thread;
		if (!t || t->proc != current)
			return -EINVAL;
		c = cputime_thread(t);
	} else {
		struct proc *p = !pid || pid == cur_thread->tid ? current : proc_find(pid);
		if (!p)
			return -EINVAL;
		c = cputime_proc(p);
	}
	return (int64_t)(which == CPUCLOCK_VIRT ? c.user : c.user + c.sys);
}

static bool is_cpu_clock(int clk)
{
	return clk < 0 || clk == CLOCK_PROCESS_CPUTIME_ID || clk == CLOCK_THREAD_CPUTIME_ID;
}

/* ns on clock clk, or -EINVAL. */
static int64_t clock_now(int clk)
{
	if (is_cpu_clock(clk))
		return cpu_clock(clk);
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI: return realtime_boot_ns() + (int64_t)time_ns();
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME: return (int64_t)time_ns();
	default: return -EINVAL;
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
	int64_t res = 1;
	if (clk < 0 && (clk & 3) != CPUCLOCK_SCHED)
		res = (NS + CPUCLOCK_HZ - 1) / CPUCLOCK_HZ;
	return ts ? put_ts(ts, res) : 0;
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

/* Sleeps until CPU clock clk reaches end. It runs no faster than the
 * monotonic clock (one CPU), so sleeping for what is left, then looking
 * again, never wakes early. -EINTR on a signal (rem: the CPU time left). */
static long cpu_sleep(int clk, int64_t end, struct __kernel_timespec *rem)
{
	for (;;) {
		int64_t now = clock_now(clk);
		if (now < 0)
			return now; /* the thread or process is gone */
		if (now >= end)
			return 0;
		if (sched_sleep_until(time_ns() + (uint64_t)(end - now)) == WAKE_SIGNAL) {
			now = clock_now(clk);
			if (rem && put_ts(rem, now >= 0 && now < end ? end - now : 0))
				return -EFAULT;
			return -EINTR;
		}
	}
}

long sys_clock_nanosleep(int clk, int flags, const struct __kernel_timespec *req,
			 struct __kernel_timespec *rem)
{
	/* as Linux: never on the caller's own thread CPU clock */
	if (clk == CLOCK_THREAD_CPUTIME_ID)
		return -EOPNOTSUPP;
	if (clk < 0 && (clk & CPUCLOCK_PERTHREAD) &&
	    ((~clk >> 3) == 0 || (~clk >> 3) == cur_thread->tid))
		return -EINVAL;
	int64_t now = clock_now(clk);
	if (now < 0)
		return now;
	int64_t ns = get_ts(req);
	if (ns < 0)
		return ns;
	if (is_cpu_clock(clk))
		return cpu_sleep(clk, flags & TIMER_ABSTIME ? ns : now + ns,
				 flags & TIMER_ABSTIME ? NULL : rem);
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
		return -EINVAL; /* the others cannot be set */
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
#define ADJ_ADJTIME 0x8000 /* adjtime(3)'s modes */
#endif
#define TIME_ERROR_STATE 5 /* TIME_ERROR: STA_UNSYNC is set */
#define NTP_PHASE_LIMIT_US 16000000L
#define USER_TICK_US 10000L /* 1e6 / USER_HZ */

static long do_adjtimex(struct timex *t)
{
	unsigned m = t->modes;
	if (m & ADJ_ADJTIME) {
		if (!(m & 1)) /* the kernel's own "single shot" bit */
			return -EINVAL;
		if (m != ADJ_OFFSET_SS_READ)
			return -EPERM; /* adjtime(3)'s slewing: not kept */
	} else {
		if ((m & ADJ_TICK) && (t->tick < 900000 / 100 || t->tick > 1100000 / 100))
			return -EINVAL;
		if (m & ADJ_SETOFFSET) {
			long lim = (m & ADJ_NANO) ? NS : 1000000;
			if (t->time.tv_usec < 0 || t->time.tv_usec >= lim)
				return -EINVAL;
		}
		if (m & ~(unsigned)(ADJ_SETOFFSET | ADJ_NANO))
			return -EPERM; /* the NTP discipline is not kept */
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
	t->tolerance = 500L << 16; /* MAXFREQ_SCALED / PPM_SCALE */
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
