/* cputime.c: CPU time accounting (see cputime.h). Times are kept in TSC
 * ticks, so that counting never forces the TSC's calibration (it is done
 * the first time a program asks for a time), and turned into ns when read.
 * The kernel is not preemptive and runs with interrupts off, so a thread's
 * time moves between "user" and "system" only at the entry and exit hooks
 * and stops in schedule(). */
#include "kernel/cputime.h"
#include "kernel/sched.h"
#include "kernel/proc.h"
#include "arch/x86_64/cpu.h"

void cputime_enter(void)
{
	struct thread *t = cur_thread;
	uint64_t now = rdtsc();
	t->utime_tsc += now - t->acct_tsc;
	t->acct_tsc = now;
}

void cputime_leave(void)
{
	struct thread *t = cur_thread;
	uint64_t now = rdtsc();
	t->stime_tsc += now - t->acct_tsc;
	t->acct_tsc = now;
}

void cputime_stop(struct thread *t)
{
	uint64_t now = rdtsc();
	t->stime_tsc += now - t->acct_tsc;
	t->acct_tsc = now;
}

void cputime_start(struct thread *t) { t->acct_tsc = rdtsc(); }

void cputime_thread_gone(struct thread *t)
{
	cputime_stop(t);
	t->proc->cpu.utime_tsc += t->utime_tsc;
	t->proc->cpu.stime_tsc += t->stime_tsc;
	t->utime_tsc = t->stime_tsc = 0;
}

void cputime_reaped(struct proc *parent, const struct proc *child)
{
	parent->cpu.cutime_tsc += child->cpu.utime_tsc + child->cpu.cutime_tsc;
	parent->cpu.cstime_tsc += child->cpu.stime_tsc + child->cpu.cstime_tsc;
}

void cputime_not_charged(uint64_t since_tsc)
{
	if (cur_thread)
		cur_thread->acct_tsc += rdtsc() - since_tsc;
}

void cputime_fork(struct proc *p) { memset(&p->cpu, 0, sizeof(p->cpu)); }

static struct cputime to_ns(uint64_t user, uint64_t sys)
{
	return (struct cputime){ tsc_to_ns(user), tsc_to_ns(sys) };
}

struct cputime cputime_thread(struct thread *t)
{
	if (t == cur_thread)
		cputime_stop(t); /* the time in this system call so far */
	return to_ns(t->utime_tsc, t->stime_tsc);
}

struct cputime cputime_proc(struct proc *p)
{
	uint64_t user = p->cpu.utime_tsc, sys = p->cpu.stime_tsc;
	cputime_stop(cur_thread);
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->proc == p) {
			user += t->utime_tsc;
			sys += t->stime_tsc;
		}
	return to_ns(user, sys);
}

struct cputime cputime_children(struct proc *p)
{
	return to_ns(p->cpu.cutime_tsc, p->cpu.cstime_tsc);
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
}
