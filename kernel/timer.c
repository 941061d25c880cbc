/* timer.c: the timers that send signals: setitimer's three per process
 * (ITIMER_REAL sends SIGALRM; ITIMER_VIRTUAL and ITIMER_PROF count real
 * time too, the program having the CPU to itself) and POSIX timers (on
 * CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME, notifying by
 * SIGEV_SIGNAL, SIGEV_THREAD_ID or SIGEV_NONE), with their overrun counts.
 * Expiry is checked at each timer interrupt (signal_timers_tick), which
 * comes at the earliest expiry (timer_wake_at, signal_timers_next) or
 * sooner. Deadlines are kept on the monotonic clock (time_ns()). Each
 * process has its own timers (struct proc, and ptimer->owner); a forked
 * child starts with none. kernel/sys/itimer.c holds the system calls. */
#include "kernel/kernel.h"
#include "kernel/signal.h"
#include "kernel/sched.h"
#include "kernel/proc.h"
#include "kernel/timer.h"
#include <linux/time.h>

static const int itimer_sig[3] = { SIGALRM, SIGVTALRM, SIGPROF };

struct ptimer {
	int id;
	struct proc *owner;
	int clock;
	int notify; /* SIGEV_* */
	int signo;
	int tid; /* SIGEV_THREAD_ID: the thread */
	sigval_t value;
	uint64_t expires, interval;
	int overrun;      /* expiries since the queued signal was sent */
	int overrun_last; /* timer_getoverrun: of the last signal taken */
	bool queued;      /* its signal is pending */
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
			return; /* the thread is gone */
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
			if (pr->state == P_ALIVE && pr->it_expires[i] &&
			    (!best || pr->it_expires[i] < best))
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

static uint64_t remaining(uint64_t expires, uint64_t now)
{
	if (!expires)
		return 0;
	/* Expired but not yet seen by the tick: still armed. */
	return expires > now ? expires - now : 1;
}

/* ---- setitimer's timers: ITIMER_REAL, _VIRTUAL, _PROF of current */

void itimer_read(int which, uint64_t *left, uint64_t *interval)
{
	*left = remaining(current->it_expires[which], time_ns());
	*interval = current->it_interval[which];
}

void itimer_arm(int which, uint64_t value, uint64_t interval)
{
	current->it_interval[which] = interval;
	current->it_expires[which] = value ? time_ns() + value : 0;
	if (value) {
		timer_start();
		timer_wake_at(current->it_expires[which]);
	}
}

/* ---- POSIX timers of current */

static struct ptimer *find_ptimer(int id)
{
	for (struct ptimer *p = ptimers; p; p = p->next)
		if (p->id == id && p->owner == current)
			return p;
	return NULL;
}

int ptimer_create(int clock, int notify, int signo, int tid, const sigval_t *value)
{
	struct ptimer *p = kzalloc(sizeof(*p));
	if (!p)
		return -EAGAIN;
	p->id = next_timer_id++;
	p->owner = current;
	p->clock = clock;
	p->notify = notify;
	p->signo = signo;
	p->tid = tid;
	if (value)
		p->value = *value;
	else
		p->value.sival_ptr = NULL, p->value.sival_int = p->id;
	p->next = ptimers;
	ptimers = p;
	return p->id;
}

int ptimer_read(int id, uint64_t *left, uint64_t *interval)
{
	struct ptimer *p = find_ptimer(id);
	if (!p)
		return -EINVAL;
	*left = remaining(p->expires, time_ns());
	*interval = p->interval;
	return 0;
}

int ptimer_arm(int id, bool abstime, uint64_t value, uint64_t interval)
{
	struct ptimer *p = find_ptimer(id);
	if (!p)
		return -EINVAL;
	uint64_t now = time_ns();
	p->interval = value ? interval : 0;
	p->overrun = 0;
	if (!value) {
		p->expires = 0;
	} else if (abstime) {
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
	return 0;
}

int ptimer_overrun(int id)
{
	struct ptimer *p = find_ptimer(id);
	return p ? p->overrun_last : -EINVAL;
}

int ptimer_delete(int id)
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
