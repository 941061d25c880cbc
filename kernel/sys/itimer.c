/* sys/itimer.c: timers that send signals: alarm, setitimer/getitimer
 * (ITIMER_REAL sends SIGALRM; ITIMER_VIRTUAL and ITIMER_PROF count real
 * time too, the program having the CPU to itself) and POSIX timers
 * (timer_create on CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME with
 * SIGEV_SIGNAL, SIGEV_THREAD_ID or SIGEV_NONE). Expiry is checked at each
 * timer interrupt (signal_timers_tick), which comes at the earliest expiry
 * (timer_wake_at, signal_timers_next) or sooner. Deadlines are kept on the monotonic clock (time_ns()).
 * Each process has its own timers (struct proc, and ptimer->owner); a
 * forked child starts with none. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/signal.h"
#include "kernel/sched.h"
#include "kernel/proc.h"
#include <linux/time.h>
#include <linux/time_types.h>

#define NS 1000000000UL
#define US 1000UL

static const int itimer_sig[3] = { SIGALRM, SIGVTALRM, SIGPROF };

struct ptimer {
	int id;
	struct proc *owner;
	int clock;
	int notify;          /* SIGEV_* */
	int signo;
	int tid;             /* SIGEV_THREAD_ID: the thread */
	sigval_t value;
	uint64_t expires, interval;
	int overrun;         /* expiries since the queued signal was sent */
	int overrun_last;    /* timer_getoverrun: of the last signal taken */
	bool queued;         /* its signal is pending */
	struct ptimer *next;
};

static struct ptimer *ptimers;
static int next_timer_id;

/* Expiries of a periodic timer at *expires up to now: moves *expires past
 * now and returns how many were missed beyond the first. */
static uint64_t forward(uint64_t *expires, uint64_t interval, uint64_t now)
{
	if (!interval) {
		*expires = 0;
		return 0;
	}
	uint64_t missed = (now - *expires) / interval;
	*expires += (missed + 1) * interval;
	return missed;
}

static void fire_ptimer(struct ptimer *p, uint64_t now)
{
	uint64_t missed = forward(&p->expires, p->interval, now);
	if (p->notify == SIGEV_NONE)
		return;
	if (p->queued) {
		p->overrun += 1 + (int)MIN(missed, (uint64_t)INT32_MAX);
		return;
	}
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_signo = p->signo;
	info.si_code = SI_TIMER;
	info.si_tid = p->id;
	info.si_value = p->value;
	struct thread *t = NULL;
	if (p->notify == (SIGEV_SIGNAL | SIGEV_THREAD_ID)) {
		t = thread_find(p->tid);
		if (!t)
			return;   /* the thread is gone */
	}
	p->overrun = (int)MIN(missed, (uint64_t)INT32_MAX);
	p->queued = signal_send_to(p->owner, t, &info) == 1;
}

void itimer_proc_exit(struct proc *owner)
{
	for (struct ptimer **pp = &ptimers; *pp;)
		if ((*pp)->owner == owner) {
			struct ptimer *p = *pp;
			*pp = p->next;
			kfree(p);
		} else {
			pp = &(*pp)->next;
		}
}

void signal_timers_tick(uint64_t now)
{
	for (struct proc *pr = all_procs; pr; pr = pr->all_next)
		for (int i = 0; i < 3; i++)
			if (pr->state == P_ALIVE && pr->it_expires[i] && pr->it_expires[i] <= now) {
				forward(&pr->it_expires[i], pr->it_interval[i], now);
				siginfo_t info;
				memset(&info, 0, sizeof(info));
				info.si_signo = itimer_sig[i];
				info.si_code = SI_KERNEL;
				signal_send_to(pr, NULL, &info);
			}
	for (struct ptimer *p = ptimers; p; p = p->next)
		if (p->expires && p->expires <= now)
			fire_ptimer(p, now);
}

uint64_t signal_timers_next(void)
{
	uint64_t best = 0;
	for (struct proc *pr = all_procs; pr; pr = pr->all_next)
		for (int i = 0; i < 3; i++)
			if (pr->state == P_ALIVE && pr->it_expires[i] && (!best || pr->it_expires[i] < best))
				best = pr->it_expires[i];
	for (struct ptimer *p = ptimers; p; p = p->next)
		if (p->expires && (!best || p->expires < best))
			best = p->expires;
	return best;
}

void timer_signal_taken(siginfo_t *info)
{
	for (struct ptimer *p = ptimers; p; p = p->next)
		if (p->id == info->si_tid && p->owner == current && p->queued) {
			info->si_overrun = p->overrun;
			p->overrun_last = p->overrun;
			p->overrun = 0;
			p->queued = false;
			return;
		}
}

/* ---- alarm, setitimer, getitimer */

static uint64_t remaining(uint64_t expires, uint64_t now)
{
	if (!expires)
		return 0;
	/* Expired but not yet seen by the tick: still armed. */
	return expires > now ? expires - now : 1;
}

static long get_tv(const struct __kernel_old_timeval *tv, uint64_t *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EINVAL;
	*ns = tv->tv_sec > (long)(INT64_MAX / NS / 2) ? INT64_MAX / 2
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
	v->it_value = to_tv(remaining(current->it_expires[which], time_ns()));
	v->it_interval = to_tv(current->it_interval[which]);
}

static void itimer_set(int which, uint64_t value, uint64_t interval)
{
	current->it_interval[which] = interval;
	current->it_expires[which] = value ? time_ns() + value : 0;
	if (value) {
		timer_start();
		timer_wake_at(current->it_expires[which]);
	}
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
	memset(&n, 0, sizeof(n));   /* a NULL new value disarms, as Linux */
	if (unew && copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	uint64_t value, interval;
	if (get_tv(&n.it_value, &value) || get_tv(&n.it_interval, &interval))
		return -EINVAL;
	itimer_get(which, &old);
	itimer_set(which, value, interval);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_alarm(unsigned int seconds)
{
	struct __kernel_old_itimerval old;
	itimer_get(ITIMER_REAL, &old);
	itimer_set(ITIMER_REAL, (uint64_t)seconds * NS, 0);
	long left = old.it_value.tv_sec;
	if ((!left && old.it_value.tv_usec) || old.it_value.tv_usec >= 500000)
		left++;
	return left;
}

/* ---- POSIX timers */

static struct ptimer *find_ptimer(int id)
{
	for (struct ptimer *p = ptimers; p; p = p->next)
		if (p->id == id && p->owner == current)
			return p;
	return NULL;
}

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
	case SIGEV_NONE:
		break;
	default:
		return -EINVAL;
	}
	struct ptimer *p = kzalloc(sizeof(*p));
	if (!p)
		return -EAGAIN;
	p->id = next_timer_id++;
	p->owner = current;
	p->clock = clock;
	p->notify = ev.sigev_notify == SIGEV_THREAD ? SIGEV_SIGNAL : ev.sigev_notify;
	p->signo = ev.sigev_signo;
	p->tid = ev.sigev_notify_thread_id;
	p->value = ev.sigev_value;
	if (!usev)
		p->value.sival_ptr = NULL, p->value.sival_int = p->id;
	if (copy_to_user(uid, &p->id, sizeof(p->id))) {
		kfree(p);
		return -EFAULT;
	}
	p->next = ptimers;
	ptimers = p;
	return 0;
}

static long get_its(const struct __kernel_timespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long long)NS)
		return -EINVAL;
	*ns = ts->tv_sec > (long long)(INT64_MAX / NS / 2) ? INT64_MAX / 2
		: (uint64_t)ts->tv_sec * NS + (uint64_t)ts->tv_nsec;
	return 0;
}

static void ptimer_get(const struct ptimer *p, struct __kernel_itimerspec *v)
{
	uint64_t rem = remaining(p->expires, time_ns());
	v->it_value.tv_sec = (long long)(rem / NS);
	v->it_value.tv_nsec = (long long)(rem % NS);
	v->it_interval.tv_sec = (long long)(p->interval / NS);
	v->it_interval.tv_nsec = (long long)(p->interval % NS);
}

long sys_timer_settime(int id, int flags, const struct __kernel_itimerspec *unew,
		       struct __kernel_itimerspec *uold)
{
	struct ptimer *p = find_ptimer(id);
	if (!p)
		return -EINVAL;
	if (!unew)
		return -EINVAL;
	struct __kernel_itimerspec n, old;
	if (copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	uint64_t value, interval;
	if (get_its(&n.it_value, &value) || get_its(&n.it_interval, &interval))
		return -EINVAL;
	ptimer_get(p, &old);
	uint64_t now = time_ns();
	p->interval = value ? interval : 0;
	p->overrun = 0;
	if (!value) {
		p->expires = 0;
	} else if (flags & TIMER_ABSTIME) {
		/* value is a time on the timer's clock; make it monotonic. */
		int64_t mono = (int64_t)value;
		if (p->clock == CLOCK_REALTIME)
			mono -= realtime_boot_ns();
		p->expires = mono > (int64_t)now ? (uint64_t)mono : now;
		if (!p->expires)
			p->expires = 1;
	} else {
		p->expires = now + value;
	}
	if (p->expires) {
		timer_start();
		timer_wake_at(p->expires);
	}
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_timer_gettime(int id, struct __kernel_itimerspec *uv)
{
	struct ptimer *p = find_ptimer(id);
	if (!p)
		return -EINVAL;
	struct __kernel_itimerspec v;
	ptimer_get(p, &v);
	return copy_to_user(uv, &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_timer_getoverrun(int id)
{
	struct ptimer *p = find_ptimer(id);
	return p ? p->overrun_last : -EINVAL;
}

long sys_timer_delete(int id)
{
	for (struct ptimer **pp = &ptimers; *pp; pp = &(*pp)->next)
		if ((*pp)->id == id && (*pp)->owner == current) {
			struct ptimer *p = *pp;
			*pp = p->next;
			signal_unqueue_timer(id);
			kfree(p);
			return 0;
		}
	return -EINVAL;
}
