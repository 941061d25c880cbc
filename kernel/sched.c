/* sched.c: the scheduler: a run queue per CPU (FIFO, woken threads
 * first; an idle CPU steals from the busiest; affinity masks), wait
 * queues with deadlines,
 * sleeping, the idle loop, and the timer interrupt that wakes sleepers
 * and fires timers (brought forward to the earliest deadline, so on time)
 * and preempts the program's threads round-robin at each 4 ms tick.
 *
 * With one CPU, schedule() halts in the blocked thread's own context when
 * nothing can run. With several (smp_on), each CPU has an idle thread
 * that halts, out of the big kernel lock (kernel/bkl.c), until an IPI
 * says there is work (sched_make_runnable() wakes one halted CPU the
 * thread may run on) or an interrupt comes; a thread woken for a signal
 * while it runs on another CPU gets an IPI too. CPU 0 keeps the clock:
 * the console poll and the drivers' tick work run there; a halted CPU
 * other than 0 takes no ticks. */
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "kernel/cputime.h"
#include "kernel/signal.h"
#include "kernel/irq.h"
#include "kernel/bkl.h"
#include "kernel/spinlock.h"
#include "kernel/proc.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/trap.h"

/* A run queue per CPU: FIFO, but threads woken from a wait go first,
 * after the others woken before them (so they keep their order). */
struct runq {
	struct thread *head, *tail;
	struct thread *woken_tail; /* the last of the woken ones, a prefix */
	int n;
};
static struct runq rqs[MAX_CPUS];
/* Threads on every queue: a halted CPU reads it without the lock. */
static int nrunnable;

/* The queue t goes on: its CPU's (where it ran last), or the first it may
 * run on. */
static inline struct runq *rq_for(struct thread *t)
{
	if (!smp_on) { /* one CPU: every thread is CPU 0's */
		t->cpu = 0;
		return &rqs[0];
	}
	unsigned c = t->cpu;
	uint64_t may = t->affinity & sched_cpus_mask();
	if (!(may & (1UL << c)))
		c = may ? (unsigned)__builtin_ctzl(may) : 0;
	t->cpu = c;
	return &rqs[c];
}

static void enqueue(struct thread *t)
{
	struct runq *q = rq_for(t);
	t->state = T_RUNNABLE;
	t->run_next = NULL;
	if (q->tail)
		q->tail->run_next = t;
	else
		q->head = t;
	q->tail = t;
	q->n++;
	__atomic_add_fetch(&nrunnable, 1, __ATOMIC_RELEASE);
}

/* A thread that was waiting goes first: it runs at the next switch (the
 * waker blocking, or its tick) rather than after every thread that is
 * using its time slices (a woken lock waiter behind CPU-bound ones waited
 * 15 ms with two of them). The threads it passes lose at most that; one
 * preempted goes to the tail, so none waits more than a tick per woken
 * thread ahead of it. */
static void enqueue_front(struct thread *t)
{
	struct runq *q = rq_for(t);
	t->state = T_RUNNABLE;
	struct thread **pp = q->woken_tail ? &q->woken_tail->run_next : &q->head;
	t->run_next = *pp;
	*pp = t;
	if (q->tail == q->woken_tail)
		q->tail = t;
	q->woken_tail = t;
	q->n++;
	__atomic_add_fetch(&nrunnable, 1, __ATOMIC_RELEASE);
}

/* Unlinks t, which follows prev (NULL: the head) on q. */
static inline void rq_unlink(struct runq *q, struct thread *prev, struct thread *t)
{
	if (prev)
		prev->run_next = t->run_next;
	else
		q->head = t->run_next;
	if (q->tail == t)
		q->tail = prev;
	if (q->woken_tail == t)
		q->woken_tail = prev;
	t->run_next = NULL;
	q->n--;
	__atomic_sub_fetch(&nrunnable, 1, __ATOMIC_RELAXED);
}

/* Takes the first thread of q that may run on CPU cpu, if any. */
static inline struct thread *rq_take(struct runq *q, unsigned cpu)
{
	uint64_t bit = 1UL << cpu;
	struct thread *prev = NULL;
	for (struct thread *t = q->head; t; prev = t, t = t->run_next)
		if (t->affinity & bit) {
			rq_unlink(q, prev, t);
			t->cpu = cpu;
			return t;
		}
	return NULL;
}

/* Takes t off q if it waits there: whether it did. */
static bool rq_remove(struct runq *q, struct thread *t)
{
	struct thread *prev = NULL;
	for (struct thread *x = q->head; x; prev = x, x = x->run_next)
		if (x == t) {
			rq_unlink(q, prev, t);
			return true;
		}
	return false;
}

/* The queue (not this CPU's) with the most waiting threads, and at least
 * min of them. */
static struct runq *busiest(unsigned me, int min)
{
	struct runq *best = NULL;
	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (i != me && rqs[i].n >= min && (!best || rqs[i].n > best->n))
			best = &rqs[i];
	return best;
}

/* Wakes the CPU t's queue belongs to if it is halted, else one halted CPU
 * t may run on, which takes it from there (none: t waits for a tick). */
static void kick_idle(const struct thread *t)
{
	unsigned me = this_cpu_id();
	uint64_t online = smp_online_mask();
	if (t->cpu != me && cpus[t->cpu].halted) {
		cpus[t->cpu].halted = 0;
		ipi_send(t->cpu, T_IPI_RESCHED);
		return;
	}
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		struct percpu *c = &cpus[i];
		if (i == me || !(online & (1UL << i)) || !(t->affinity & (1UL << i)) || !c->halted)
			continue;
		c->halted = 0; /* claimed: the next wake-up looks further */
		ipi_send(i, T_IPI_RESCHED);
		return;
	}
}

void sched_make_runnable(struct thread *t)
{
	enqueue(t);
	if (smp_on)
		kick_idle(t);
}

/* The next thread for this CPU: its own queue's first, else one taken
 * from the busiest other queue (load balancing by stealing). */
static inline struct thread *take_runnable(void)
{
	unsigned me = this_cpu_id();
	struct thread *t = rq_take(&rqs[me], me);
	struct runq *q;
	if (!t && smp_on && (q = busiest(me, 1)))
		t = rq_take(q, me);
	return t;
}

/* Whether this CPU should switch at its tick: a thread waits on its
 * queue, or another queue has two or more waiting (then one moves here). */
static bool runnable_here(void)
{
	unsigned me = this_cpu_id();
	if (rqs[me].n)
		return true;
	return smp_on && busiest(me, 2);
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
	enqueue_front(t);
	if (smp_on)
		kick_idle(t);
}

/* Wakes the threads whose deadline has passed. */
static void wake_expired(uint64_t now)
{
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->state == T_BLOCKED && t->deadline && t->deadline <= now)
			wake(t, WAKE_TIMEOUT);
}

/* In schedule()'s wait for work (one CPU): a tick then samples nobody's time. */
static bool idle;

static void schedule_smp(void);

void schedule(void)
{
	struct thread *prev = cur_thread;

	LOCK_CHECK_SLEEP("schedule()"); /* debug builds: kernel/spinlock.c */
	if (smp_on) {
		schedule_smp();
		return;
	}
	cputime_stop(prev);
	if (prev->state == T_RUNNABLE)
		enqueue(prev);
	for (;;) {
		struct thread *next = take_runnable();
		if (next) {
			if (next != prev) {
				if (prev->state == T_RUNNABLE)
					prev->nivcsw++;
				thread_switch(prev, next);
			}
			cputime_resume(cur_thread); /* prev again, resumed */
			return;
		}
		/* Nothing to run: wait for the next interrupt (the tick). */
		timer_start();
		idle = true;
		cputime_halt_begin(); /* /proc/stat's idle time */
		__asm__ volatile("sti; hlt; cli" ::: "memory");
		cputime_halt_end();
		idle = false;
		cputime_idle_end(); /* the idle time is nobody's */
	}
}

static int block_on(struct waitq *q, uint64_t deadline);

int waitq_wait(struct waitq *q, uint64_t deadline)
{
	LOCK_CHECK_SLEEP("waitq_wait");
	if (signal_pending(cur_thread))
		return WAKE_SIGNAL;
	if (deadline && deadline <= time_ns())
		return WAKE_TIMEOUT;
	return block_on(q, deadline);
}

int waitq_wait_nosig(struct waitq *q)
{
	LOCK_CHECK_SLEEP("waitq_wait_nosig");
	return block_on(q, 0);
}

static int block_on(struct waitq *q, uint64_t deadline)
{
	struct thread *t = cur_thread;

	if (!this_cpu()->timer_on)
		timer_start(); /* the first wait: the tick starts */
	if (deadline)
		timer_wake_at(deadline);
	t->state = T_BLOCKED;
	t->deadline = deadline;
	t->wake_reason = WAKE_EVENT;
	t->waiting_on = q;
	t->wait_next = NULL;
	t->nvcsw++;
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

void thread_interrupt(struct thread *t)
{
	wake(t, WAKE_SIGNAL);
	sched_kick(t); /* running on another CPU: to look at its signals */
}

void sched_yield_cpu(void)
{
	if (runnable_here())
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
	struct percpu *c = this_cpu();
	bool idle_now = smp_on ? c->thread == c->idle_thread : idle;
	if (!idle_now)
		cputime_tick(from_user); /* kernel/cputime.c */
	if (idle_now && c->id != 0) {
		timer_stop(); /* a halted CPU but 0 takes no ticks */
	} else {
		timer_rearm(); /* the next tick */
	}
	wake_expired(time_ns());
	signal_timers_tick(time_ns()); /* alarm, setitimer, timer_create */
	if (c->id == 0) {
		sched_report(); /* if an NMI asked for it (kernel/sched_report.c) */
		console_poll();
		tick_hooks_run(); /* drivers and protocol timers */
	}
	if (!idle_now || c->id == 0)
		timer_wake_at(next_deadline()); /* or sooner */
	/* Preempt: the running thread had its tick; others wait. */
	if (from_user && runnable_here())
		schedule();
}

int sched_queue_len(unsigned cpu) { return rqs[cpu].n; }

/* ---- several CPUs */

static void schedule_smp(void)
{
	struct percpu *c = this_cpu();
	struct thread *prev = c->thread, *idle_t = c->idle_thread;

	if (prev != idle_t) {
		cputime_stop(prev);
		if (prev->state == T_RUNNABLE)
			enqueue(prev);
	}
	struct thread *next = take_runnable();
	if (!next)
		next = idle_t;
	if (prev != idle_t && prev->state == T_RUNNABLE && next != prev) {
		prev->nivcsw++;
		kick_idle(prev); /* it may go on elsewhere */
	}
	if (next != prev)
		thread_switch(prev, next);
	if (cur_thread != this_cpu()->idle_thread)
		cputime_resume(cur_thread); /* prev again, resumed (on this CPU or another) */
}

/* Each CPU's idle thread: runs what it finds, else halts without the
 * lock until there may be something (an IPI, an interrupt that woke a
 * thread). It holds the lock whenever it runs the queue. */
static __attribute__((noreturn)) void idle_loop(void)
{
	struct percpu *c = this_cpu();
	if (!c->bkl_held)
		bkl_lock();
	timer_start(); /* this CPU's timer: ticks while it runs a thread */
	for (;;) {
		struct thread *next = take_runnable();
		if (next) {
			cputime_idle_end(); /* the idle time is nobody's */
			timer_rearm();
			thread_switch(c->idle_thread, next);
			continue;
		}
		c->halted = 1;
		cputime_halt_begin(); /* /proc/stat's idle time */
		bkl_unlock();
		for (;;) {
			__asm__ volatile("sti; hlt; cli" ::: "memory");
			if (!__atomic_load_n(&c->halted, __ATOMIC_RELAXED) ||
			    __atomic_load_n(&nrunnable, __ATOMIC_ACQUIRE))
				break;
		}
		cputime_halt_end();
		bkl_lock();
		c->halted = 0;
	}
}

/* A thread record for CPU c's idle thread, with a stack that starts in
 * idle_loop (as thread_create's do in thread_entry). */
static struct thread *idle_thread_make(struct percpu *c)
{
	struct thread *t = thread_make_kernel(idle_loop);
	if (!t)
		panic("out of memory for CPU %u's idle thread", c->id);
	t->affinity = 1UL << c->id;
	c->idle_thread = t;
	return t;
}

void sched_smp_start(void)
{
	uint64_t online = smp_online_mask();
	if (online == 1 || smp_on)
		return;
	struct proc *p = current; /* pid 1 (the program, or init): its end ends the VM */
	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (online & (1UL << i)) {
			idle_thread_make(&cpus[i])->proc = p;
			cpus[i].proc = i ? p : cpus[i].proc;
		}
	uint64_t now = rdtsc();
	for (unsigned i = 1; i < MAX_CPUS; i++)
		if (online & (1UL << i))
			cputime_cpu_up(&cpus[i], now); /* /proc/stat counts from here */
	timer_start();                                 /* calibrated once, here, for all */
	smp_on = true;
	bkl_lock(); /* CPU 0 is in the kernel */
	smp_release_aps();
}

void sched_ap_enter(void)
{
	struct percpu *c = this_cpu();
	struct thread *t = c->idle_thread;
	uint64_t dummy;
	c->thread = t;
	switch_to(&dummy, t->ksp); /* into idle_loop, on its own stack */
	panic("CPU %u left its idle thread", c->id);
}

void sched_kick(struct thread *t)
{
	if (!smp_on || t->state != T_RUNNABLE)
		return;
	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (cpus[i].thread == t && &cpus[i] != this_cpu()) {
			ipi_send(i, T_IPI_RESCHED);
			return;
		}
}

/* ---- what programs are told */

uint64_t sched_cpus_mask(void) { return smp_online_mask(); } /* all join at the first thread */

unsigned sched_cpu_count(void) { return (unsigned)__builtin_popcountl(sched_cpus_mask()); }

int sched_set_affinity(struct thread *t, uint64_t mask)
{
	mask &= sched_cpus_mask();
	if (!mask)
		return -EINVAL; /* no CPU of the mask is online */
	t->affinity = mask;
	if (t != cur_thread && t->state == T_RUNNABLE && !(mask & (1UL << t->cpu))) {
		/* waiting on a queue of a CPU it may no longer use: move it */
		if (rq_remove(&rqs[t->cpu], t))
			sched_make_runnable(t);
	}
	if (t == cur_thread && !(mask & (1UL << this_cpu_id())))
		schedule(); /* on to a CPU it may run on */
	else
		sched_kick(t); /* running elsewhere: moves at its IPI */
	return 0;
}

void sched_ipi_user(void)
{
	if (!(cur_thread->affinity & (1UL << this_cpu_id())))
		schedule();
}
