/* sched.c: the scheduler: a FIFO run queue, wait queues with deadlines,
 * sleeping, the idle loop, and the timer interrupt that wakes sleepers
 * and fires timers (brought forward to the earliest deadline, so on time)
 * and preempts the program's threads round-robin at each 4 ms tick. */
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "kernel/cputime.h"
#include "kernel/signal.h"
#include "kernel/irq.h"
#include "arch/x86_64/cpu.h"

static struct thread *run_head, *run_tail;

void sched_make_runnable(struct thread *t)
{
	t->state = T_RUNNABLE;
	t->run_next = NULL;
	if (run_tail)
		run_tail->run_next = t;
	else
		run_head = t;
	run_tail = t;
}

static struct thread *take_runnable(void)
{
	struct thread *t = run_head;
	if (t) {
		run_head = t->run_next;
		if (!run_head)
			run_tail = NULL;
		t->run_next = NULL;
	}
	return t;
}

static void unlink_waiter(struct thread *t)
{
	struct waitq *q = t->waiting_on;
	if (!q)
		return;
	for (struct thread **pp = &q->head; *pp; pp = &(*pp)->wait_next)
		if (*pp == t) {
			*pp = t->wait_next;
			break;
		}
	t->wait_next = NULL;
	t->waiting_on = NULL;
}

static void wake(struct thread *t, int reason)
{
	if (t->state != T_BLOCKED)
		return;
	unlink_waiter(t);
	t->deadline = 0;
	t->wake_reason = reason;
	sched_make_runnable(t);
}

/* Wakes the threads whose deadline has passed. */
static void wake_expired(uint64_t now)
{
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->state == T_BLOCKED && t->deadline && t->deadline <= now)
			wake(t, WAKE_TIMEOUT);
}

/* In schedule()'s wait for work: a tick then samples nobody's time. */
static bool idle;

void schedule(void)
{
	struct thread *prev = cur_thread;

	cputime_stop(prev);
	if (prev->state == T_RUNNABLE)
		sched_make_runnable(prev);
	for (;;) {
		struct thread *next = take_runnable();
		if (next) {
			if (next != prev)
				thread_switch(prev, next);
			cputime_resume(cur_thread); /* prev again, resumed */
			return;
		}
		/* Nothing to run: wait for the next interrupt (the tick). */
		timer_start();
		idle = true;
		__asm__ volatile("sti; hlt; cli" ::: "memory");
		idle = false;
		cputime_idle_end(); /* the idle time is nobody's */
	}
}

static int block_on(struct waitq *q, uint64_t deadline);

int waitq_wait(struct waitq *q, uint64_t deadline)
{
	if (signal_pending(cur_thread))
		return WAKE_SIGNAL;
	if (deadline && deadline <= time_ns())
		return WAKE_TIMEOUT;
	return block_on(q, deadline);
}

int waitq_wait_nosig(struct waitq *q) { return block_on(q, 0); }

static int block_on(struct waitq *q, uint64_t deadline)
{
	struct thread *t = cur_thread;

	timer_start();
	timer_wake_at(deadline);
	t->state = T_BLOCKED;
	t->deadline = deadline;
	t->wake_reason = WAKE_EVENT;
	t->waiting_on = q;
	t->wait_next = NULL;
	if (q) {
		struct thread **pp = &q->head;
		while (*pp)
			pp = &(*pp)->wait_next;
		*pp = t;
	}
	schedule();
	return t->wake_reason;
}

int waitq_wake(struct waitq *q, int n)
{
	int woken = 0;
	while (q->head && (n < 0 || woken < n)) {
		wake(q->head, WAKE_EVENT);
		woken++;
	}
	return woken;
}

void thread_interrupt(struct thread *t) { wake(t, WAKE_SIGNAL); }

void sched_yield_cpu(void)
{
	if (run_head)
		schedule();
}

int sched_sleep_until(uint64_t deadline)
{
	for (;;) {
		int r = waitq_wait(NULL, deadline);
		if (r == WAKE_SIGNAL)
			return r;
		if (time_ns() >= deadline)
			return WAKE_TIMEOUT;
	}
}

/* The earliest deadline of a sleeper or a timer, 0 if none. */
static uint64_t next_deadline(void)
{
	uint64_t best = signal_timers_next();
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->state == T_BLOCKED && t->deadline && (!best || t->deadline < best))
			best = t->deadline;
	return best;
}

void sched_tick(bool from_user)
{
	if (!idle)
		cputime_tick(from_user); /* kernel/cputime.c */
	timer_rearm();                   /* the next tick */
	wake_expired(time_ns());
	signal_timers_tick(time_ns()); /* alarm, setitimer, timer_create */
	console_poll();
	tick_hooks_run();               /* drivers and protocol timers */
	timer_wake_at(next_deadline()); /* or sooner */
	/* Preempt: the running thread had its tick; others wait. */
	if (from_user && run_head)
		schedule();
}
