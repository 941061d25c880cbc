/* cputime.c: CPU time accounting (see cputime.h). Times are kept in TSC
 * ticks, so that counting never forces the TSC's calibration (it is done
 * the first time a program asks for a time), and turned into ns when read.
 * A thread's run time starts and stops in schedule() (the kernel is not
 * preemptive); the timer tick samples whether it is in user mode or in
 * the kernel, and the samples split the run time when it is read. */
#include "kernel/cputime.h"
#include "kernel/sched.h"
#include "kernel/proc.h"
#include "arch/x86_64/cpu.h"

/* ---- a CPU's times (/proc/stat)
 *
 * A CPU's time since it began counting is busy or halted in its idle
 * loop. Halted time is measured with the TSC (a halted CPU other than 0
 * takes no ticks); busy time is the rest, given at each tick (and before
 * a halt) to user or system time as that tick (the last one) found the
 * CPU: the tick-based split Linux makes, over exact totals. The kernel
 * runs with interrupts off, so a tick due during a system call is taken
 * on the way back to user mode and counts as user time: system time is
 * what ticks find in the kernel's own waits (as for threads' times). */

/* Idle TSC ticks so far, the halt in progress included: read without the
 * big lock (the CPU itself updates them without it). */
static uint64_t idle_now(const struct percpu *c, uint64_t now)
{
	for (;;) {
		unsigned seq = __atomic_load_n(&c->stat_seq, __ATOMIC_ACQUIRE);
		uint64_t idle = __atomic_load_n(&c->stat_idle_tsc, __ATOMIC_RELAXED);
		uint64_t halt = __atomic_load_n(&c->stat_halt_tsc, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (seq & 1 || __atomic_load_n(&c->stat_seq, __ATOMIC_RELAXED) != seq) {
			cpu_relax();
			continue;
		}
		return idle + (halt && halt < now ? now - halt : 0);
	}
}

/* Busy TSC ticks not yet given to user or system time. */
static uint64_t busy_pending(const struct percpu *c, uint64_t now)
{
	if (!c->stat_up_tsc || now < c->stat_up_tsc)
		return 0;
	uint64_t idle = idle_now(c, now), total = now - c->stat_up_tsc;
	uint64_t busy = idle < total ? total - idle : 0;
	return busy > c->stat_busy_tsc ? busy - c->stat_busy_tsc : 0;
}

static void account(struct percpu *c, bool user)
{
	uint64_t d = busy_pending(c, rdtsc());
	c->stat_busy_tsc += d;
	if (user)
		c->stat_user_tsc += d;
	else
		c->stat_sys_tsc += d;
	c->stat_last_user = user;
}

void cputime_tick(bool user)
{
	struct thread *t = cur_thread;
	if (user)
		t->uticks++;
	else
		t->sticks++;
	account(this_cpu(), user);
}

/* Until a tick says otherwise, busy time is user time (as a thread's, when
 * no tick found it in the kernel: split()). */
void cputime_cpu_up(struct percpu *c, uint64_t tsc)
{
	c->stat_up_tsc = tsc;
	c->stat_last_user = 1;
}

static void seq_bump(struct percpu *c) { __atomic_add_fetch(&c->stat_seq, 1, __ATOMIC_SEQ_CST); }

void cputime_halt_begin(void)
{
	struct percpu *c = this_cpu();
	account(c, c->stat_last_user);
	seq_bump(c);
	c->stat_halt_tsc = rdtsc();
	seq_bump(c);
}

void cputime_halt_end(void)
{
	struct percpu *c = this_cpu();
	uint64_t now = rdtsc();
	seq_bump(c);
	if (c->stat_halt_tsc && now > c->stat_halt_tsc)
		c->stat_idle_tsc += now - c->stat_halt_tsc;
	c->stat_halt_tsc = 0;
	seq_bump(c);
}

void cputime_cpu(unsigned cpu, uint64_t ns[3])
{
	struct percpu *c = &cpus[cpu];
	uint64_t now = rdtsc(), d = busy_pending(c, now);
	uint64_t v[3] = { c->stat_user_tsc, c->stat_sys_tsc,
			  c->stat_up_tsc ? idle_now(c, now) : 0 };
	v[c->stat_last_user ? 0 : 1] += d;
	for (int i = 0; i < 3; i++) {
		ns[i] = tsc_to_ns(v[i]);
		if (ns[i] < c->stat_seen[i])
			ns[i] = c->stat_seen[i]; /* the pending part went the other way */
		c->stat_seen[i] = ns[i];
	}
}

/* The TSC read when the running thread last stopped (per CPU:
 * percpu.switch_tsc): one read ends the outgoing thread's stretch and
 * starts the incoming one's (rdtsc is a helper call under TCG, a context
 * switch pays one). */
void cputime_stop(struct thread *t)
{
	uint64_t now = rdtsc();
	t->run_tsc += now - t->acct_tsc;
	t->acct_tsc = now;
	this_cpu()->switch_tsc = now;
}

void cputime_resume(struct thread *t) { t->acct_tsc = this_cpu()->switch_tsc; }

void cputime_start(struct thread *t) { t->acct_tsc = this_cpu()->switch_tsc = rdtsc(); }

void cputime_idle_end(void) { this_cpu()->switch_tsc = rdtsc(); }

/* t's run time split by its tick samples (Linux's cputime_adjust): all
 * user time when no tick found it in the kernel, all system time when
 * none found it in user mode. */
static void split(const struct thread *t, uint64_t *user, uint64_t *sys)
{
	uint64_t r = t->run_tsc, u = t->uticks, s = t->sticks;
	*sys = !s ? 0 : !u ? r : (uint64_t)((unsigned __int128)r * s / (u + s));
	*user = r - *sys;
}

void cputime_thread_gone(struct thread *t)
{
	cputime_stop(t);
	uint64_t user, sys;
	split(t, &user, &sys);
	t->proc->cpu.utime_tsc += user;
	t->proc->cpu.stime_tsc += sys;
	t->proc->cpu.nvcsw += t->nvcsw;
	t->proc->cpu.nivcsw += t->nivcsw;
	t->nvcsw = t->nivcsw = 0;
	t->run_tsc = 0;
	t->uticks = t->sticks = 0;
}

void cputime_reaped(struct proc *parent, const struct proc *child)
{
	parent->cpu.cutime_tsc += child->cpu.utime_tsc + child->cpu.cutime_tsc;
	parent->cpu.cstime_tsc += child->cpu.stime_tsc + child->cpu.cstime_tsc;
	parent->cpu.cnvcsw += child->cpu.nvcsw + child->cpu.cnvcsw;
	parent->cpu.cnivcsw += child->cpu.nivcsw + child->cpu.cnivcsw;
}

void cputime_not_charged(uint64_t since_tsc)
{
	if (cur_thread)
		cur_thread->acct_tsc += rdtsc() - since_tsc;
}

void cputime_fork(struct proc *p) { memset(&p->cpu, 0, sizeof(p->cpu)); }

static struct cputime to_ns(uint64_t user, uint64_t sys, uint64_t nvcsw, uint64_t nivcsw)
{
	return (struct cputime){ tsc_to_ns(user), tsc_to_ns(sys), nvcsw, nivcsw };
}

struct cputime cputime_thread(struct thread *t)
{
	if (t == cur_thread)
		cputime_stop(t); /* the time in this system call so far */
	uint64_t user, sys;
	split(t, &user, &sys);
	return to_ns(user, sys, t->nvcsw, t->nivcsw);
}

struct cputime cputime_proc(struct proc *p)
{
	uint64_t user = p->cpu.utime_tsc, sys = p->cpu.stime_tsc;
	uint64_t nv = p->cpu.nvcsw, niv = p->cpu.nivcsw;
	cputime_stop(cur_thread);
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->proc == p) {
			uint64_t u, s;
			split(t, &u, &s);
			user += u;
			sys += s;
			nv += t->nvcsw;
			niv += t->nivcsw;
		}
	return to_ns(user, sys, nv, niv);
}

struct cputime cputime_children(struct proc *p)
{
	return to_ns(p->cpu.cutime_tsc, p->cpu.cstime_tsc, p->cpu.cnvcsw, p->cpu.cnivcsw);
}

static struct __kernel_old_timeval to_tv(uint64_t ns)
{
	return (struct __kernel_old_timeval){ ns / 1000000000, (ns % 1000000000) / 1000 };
}

void cputime_rusage(struct rusage *r, struct cputime c)
{
	memset(r, 0, sizeof(*r));
	r->ru_utime = to_tv(c.user);
	r->ru_stime = to_tv(c.sys);
	r->ru_nvcsw = (long)c.nvcsw;
	r->ru_nivcsw = (long)c.nivcsw;
}
