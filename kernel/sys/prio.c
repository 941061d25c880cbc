/* sys/prio.c: each process's scheduling settings: nice values
 * (getpriority/setpriority over a process, a process group or a user),
 * scheduling policies (sched_setscheduler and friends) and I/O priorities
 * (ioprio_set/get). They are kept in struct proc (kernel/proc.h) and
 * reported by /proc/<pid>/stat; with one CPU and the I/O all in RAM they
 * are recorded and reported, and every thread is run round-robin. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include <linux/capability.h>
#include "kernel/sched.h"
#include <linux/sched.h>
#include <linux/sched/types.h>
#include <linux/resource.h>
#include <linux/time_types.h>

/* ---- the processes a call names */

/* The process with thread or process id id (0: the caller), a zombie
 * too until it is reaped, as Linux finds it. */
static struct proc *task_proc(int id)
{
	if (id == 0 || id == current->pid)
		return current;
	struct proc *p = proc_find(id);
	if (p)
		return p;
	struct thread *t = thread_find(id); /* another thread's id */
	return t && t->state != T_DEAD ? t->proc : NULL;
}

/* Linux's check for changing another process's nice, policy or I/O
 * priority: the caller is privileged or its euid is p's uid or euid. */
static bool may_change(const struct proc *p)
{
	return capable(CAP_SYS_NICE) || current->euid == p->uid || current->euid == p->euid;
}

/* May the caller lower p's nice to niceval (RLIMIT_NICE, or privilege)? */
static bool can_nice(int niceval)
{
	return capable(CAP_SYS_NICE) || (uint64_t)(20 - niceval) <= rlimit_cur(RLIMIT_NICE);
}

/* Does p belong to the set that (which, who) names, who already made
 * concrete (a pgid or uid)? */
static bool in_set(const struct proc *p, int which, int who)
{
	return which == PRIO_PGRP ? p->pgid == who : p->uid == who;
}

/* ---- nice values: PRIO_PROCESS one process, PRIO_PGRP a process group,
 * PRIO_USER a user's processes (who 0: the caller's) */

static long set_one_nice(struct proc *p, int niceval)
{
	if (!may_change(p))
		return -EPERM;
	if (niceval < p->set.nice && !can_nice(niceval))
		return -EACCES;
	p->set.nice = niceval;
	return 0;
}

long sys_getpriority(int which, int who)
{
	if (which == PRIO_PROCESS) {
		struct proc *p = task_proc(who);
		return p ? 20 - p->set.nice : -ESRCH;
	}
	if (which != PRIO_PGRP && which != PRIO_USER)
		return -EINVAL;
	if (who == 0)
		who = which == PRIO_PGRP ? current->pgid : current->uid;
	int best = 0; /* the highest priority, as 20 - nice (1..40) */
	for (struct proc *p = all_procs; p; p = p->all_next)
		if (in_set(p, which, who) && 20 - p->set.nice > best)
			best = 20 - p->set.nice;
	return best ? best : -ESRCH; /* the raw call answers 40..1 for nice -20..19 */
}

long sys_setpriority(int which, int who, int niceval)
{
	if (which != PRIO_PROCESS && which != PRIO_PGRP && which != PRIO_USER)
		return -EINVAL;
	if (niceval < -20)
		niceval = -20;
	if (niceval > 19)
		niceval = 19;
	if (which == PRIO_PROCESS) {
		struct proc *p = task_proc(who);
		return p ? set_one_nice(p, niceval) : -ESRCH;
	}
	if (who == 0)
		who = which == PRIO_PGRP ? current->pgid : current->uid;
	long err = -ESRCH;
	for (struct proc *p = all_procs; p; p = p->all_next)
		if (in_set(p, which, who))
			err = set_one_nice(p, niceval); /* the last one's answer, as Linux */
	return err;
}

/* ---- scheduling policies: recorded and reported; every thread is run
 * round-robin whatever its policy */

static bool policy_ok(int p)
{
	return p == SCHED_NORMAL || p == SCHED_FIFO || p == SCHED_RR || p == SCHED_BATCH ||
	       p == SCHED_IDLE;
}

static bool prio_ok(int p, int prio)
{
	if (p == SCHED_FIFO || p == SCHED_RR)
		return prio >= 1 && prio <= 99;
	return prio == 0;
}

/* Reads the sched_param of sched_setscheduler/setparam and finds the
 * process: 0, or -EINVAL, -EFAULT, -ESRCH in Linux's order. */
static long sched_args(int pid, const struct sched_param *param, struct sched_param *sp,
		       struct proc **p)
{
	if (!param || pid < 0)
		return -EINVAL;
	if (copy_from_user(sp, param, sizeof(*sp)))
		return -EFAULT;
	*p = task_proc(pid);
	return *p ? 0 : -ESRCH;
}

static struct proc *sched_find(int pid, long *err)
{
	struct proc *p = pid < 0 ? NULL : task_proc(pid);
	*err = pid < 0 ? -EINVAL : p ? 0 : -ESRCH;
	return p;
}

long sys_sched_setscheduler(int pid, int pol, const struct sched_param *param)
{
	struct sched_param sp;
	struct proc *p;
	long e = sched_args(pid, param, &sp, &p);
	if (e)
		return e;
	bool rof = pol & SCHED_RESET_ON_FORK;
	pol &= ~SCHED_RESET_ON_FORK;
	if (!policy_ok(pol) || !prio_ok(pol, sp.sched_priority))
		return -EINVAL;
	struct proc_settings *s = &p->set;
	if (!capable(CAP_SYS_NICE)) {
		if (pol == SCHED_FIFO || pol == SCHED_RR || !may_change(p) ||
		    (s->reset_on_fork && !rof))
			return -EPERM;
		/* leaving SCHED_IDLE takes what lowering nice takes */
		if (s->policy == SCHED_IDLE && pol != SCHED_IDLE && !can_nice(s->nice))
			return -EPERM;
	}
	s->policy = pol;
	s->rt_priority = sp.sched_priority;
	s->reset_on_fork = rof;
	return 0;
}

long sys_sched_getscheduler(int pid)
{
	long e;
	struct proc *p = sched_find(pid, &e);
	if (!p)
		return e;
	return p->set.policy | (p->set.reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

long sys_sched_setparam(int pid, const struct sched_param *param)
{
	struct sched_param sp;
	struct proc *p;
	long e = sched_args(pid, param, &sp, &p);
	if (e)
		return e;
	if (!prio_ok(p->set.policy, sp.sched_priority))
		return -EINVAL;
	if (!capable(CAP_SYS_NICE) && (!may_change(p) || sp.sched_priority > p->set.rt_priority))
		return -EPERM;
	p->set.rt_priority = sp.sched_priority;
	return 0;
}

long sys_sched_getparam(int pid, struct sched_param *param)
{
	if (!param)
		return -EINVAL;
	long e;
	struct proc *p = sched_find(pid, &e);
	if (!p)
		return e;
	struct sched_param sp = { .sched_priority = p->set.rt_priority };
	return copy_to_user(param, &sp, sizeof(sp));
}

long sys_sched_get_priority_max(int pol)
{
	if (!policy_ok(pol))
		return -EINVAL;
	return pol == SCHED_FIFO || pol == SCHED_RR ? 99 : 0;
}

long sys_sched_get_priority_min(int pol)
{
	if (!policy_ok(pol))
		return -EINVAL;
	return pol == SCHED_FIFO || pol == SCHED_RR ? 1 : 0;
}

long sys_sched_rr_get_interval(int pid, struct __kernel_timespec *ts)
{
	long e;
	struct proc *p = sched_find(pid, &e);
	if (!p)
		return e;
	/* FIFO threads have no slice; the others get one tick */
	uint64_t ns = p->set.policy == SCHED_FIFO ? 0 : TICK_NS;
	struct __kernel_timespec t = { (long long)(ns / 1000000000), (long long)(ns % 1000000000) };
	return copy_to_user(ts, &t, sizeof(t));
}

/* ---- I/O priorities: stored per process (I/O is all in RAM) */

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP 2
#define IOPRIO_WHO_USER 3
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_CLASS_NONE 0
#define IOPRIO_CLASS_RT 1
#define IOPRIO_CLASS_BE 2
#define IOPRIO_CLASS_IDLE 3

/* The processes (which, who) names, as for nice values. */
static long ioprio_who(int which, int *who)
{
	switch (which) {
	case IOPRIO_WHO_PROCESS: return 0;
	case IOPRIO_WHO_PGRP:
		if (*who == 0)
			*who = current->pgid;
		return 0;
	case IOPRIO_WHO_USER:
		if (*who == 0)
			*who = current->uid;
		return 0;
	default: return -EINVAL;
	}
}

long sys_ioprio_set(int which, int who, int prio)
{
	int cls = (prio >> IOPRIO_CLASS_SHIFT) & 7, data = prio & 0x1fff;
	switch (cls) {
	case IOPRIO_CLASS_RT:
		if (!capable(CAP_SYS_NICE))
			return -EPERM;
		/* fall through */
	case IOPRIO_CLASS_BE:
		if (data >= 8)
			return -EINVAL;
		break;
	case IOPRIO_CLASS_IDLE: break;
	case IOPRIO_CLASS_NONE:
		if (data)
			return -EINVAL;
		break;
	default: return -EINVAL;
	}
	if (prio >> 16)
		return -EINVAL;
	long e = ioprio_who(which, &who);
	if (e)
		return e;
	if (which == IOPRIO_WHO_PROCESS) {
		struct proc *p = task_proc(who);
		if (!p)
			return -ESRCH;
		if (!may_change(p))
			return -EPERM;
		p->set.ioprio = prio;
		return 0;
	}
	e = -ESRCH;
	for (struct proc *p = all_procs; p; p = p->all_next)
		if (in_set(p, which == IOPRIO_WHO_PGRP ? PRIO_PGRP : PRIO_USER, who)) {
			if (!may_change(p)) {
				e = -EPERM;
				break;
			}
			p->set.ioprio = prio;
			e = 0;
		}
	return e;
}

long sys_ioprio_get(int which, int who)
{
	long e = ioprio_who(which, &who);
	if (e)
		return e;
	if (which == IOPRIO_WHO_PROCESS) {
		struct proc *p = task_proc(who);
		return p ? p->set.ioprio : -ESRCH; /* 0 (IOPRIO_CLASS_NONE) until set */
	}
	/* the highest priority of the set: the lowest class, then level,
	 * with none counted as best-effort level 4 */
	int best = -1;
	for (struct proc *p = all_procs; p; p = p->all_next) {
		if (!in_set(p, which == IOPRIO_WHO_PGRP ? PRIO_PGRP : PRIO_USER, who))
			continue;
		int v = p->set.ioprio ? p->set.ioprio : (IOPRIO_CLASS_BE << IOPRIO_CLASS_SHIFT) | 4;
		if (best < 0 || v < best)
			best = v;
	}
	return best < 0 ? -ESRCH : best;
}
