/* sys/prio.c: each process's scheduling settings: nice values
 * (getpriority/setpriority over a process, a process group or a user),
 * scheduling policies (sched_setscheduler and friends, sched_setattr and
 * sched_getattr with SCHED_DEADLINE's parameters and its admission on the
 * one CPU) and I/O priorities (ioprio_set/get). They are kept in struct
 * proc (kernel/proc.h) and reported by /proc/<pid>/stat; with one CPU and
 * the I/O all in RAM they are recorded and reported, and every thread is
 * run round-robin. */
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
	       p == SCHED_IDLE || p == SCHED_DEADLINE;
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
	/* SCHED_DEADLINE needs sched_setattr's runtime: all zero here */
	if (!policy_ok(pol) || pol == SCHED_DEADLINE || !prio_ok(pol, sp.sched_priority))
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
	if (p->set.policy == SCHED_DEADLINE || !prio_ok(p->set.policy, sp.sched_priority))
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
	/* FIFO and DEADLINE threads have no slice; the others get one tick */
	uint64_t ns = p->set.policy == SCHED_FIFO || p->set.policy == SCHED_DEADLINE ? 0 : TICK_NS;
	struct __kernel_timespec t = { (long long)(ns / 1000000000), (long long)(ns % 1000000000) };
	return copy_to_user(ts, &t, sizeof(t));
}

/* ---- sched_setattr and sched_getattr: struct sched_attr, whose size
 * grows (48 bytes in version 0, 56 with the utilization clamps) */

#define SCHED_ATTR_SIZE_VER0 48
#define SCHED_FLAG_SUGOV 0x10000000
#define DL_PERIOD_MIN_NS 100000ULL     /* sched_deadline_period_min_us */
#define DL_PERIOD_MAX_NS 4194304000ULL /* sched_deadline_period_max_us */
#define DL_BW_SHIFT 20
#define DL_BW_LIMIT ((95ULL << DL_BW_SHIFT) / 100) /* sched_rt_runtime / period: 95% */

static bool rt_policy(int pol) { return pol == SCHED_FIFO || pol == SCHED_RR; }
static bool fair_policy(int pol) { return pol == SCHED_NORMAL || pol == SCHED_BATCH; }

/* Linux's __checkparam_dl: runtime <= deadline <= period, within limits. */
static bool dl_params_ok(const struct sched_attr *a)
{
	uint64_t period = a->sched_period ? a->sched_period : a->sched_deadline;

	if (!a->sched_deadline || a->sched_runtime < 1024 || (a->sched_deadline >> 63) ||
	    (a->sched_period >> 63))
		return false;
	return period >= a->sched_deadline && a->sched_deadline >= a->sched_runtime &&
	       period >= DL_PERIOD_MIN_NS && period <= DL_PERIOD_MAX_NS;
}

static uint64_t dl_bw(uint64_t runtime, uint64_t period)
{
	return period ? (runtime << DL_BW_SHIFT) / period : 0;
}

/* Admission of a deadline task on the one CPU: the bandwidths of every
 * SCHED_DEADLINE process, p's replaced by bw, stay within 95%. */
static bool dl_admits(const struct proc *p, uint64_t bw)
{
	uint64_t total = bw;
	for (struct proc *q = all_procs; q; q = q->all_next)
		if (q != p && q->state == P_ALIVE && q->set.policy == SCHED_DEADLINE)
			total += dl_bw(q->set.dl_runtime, q->set.dl_period);
	return total <= DL_BW_LIMIT;
}

/* What a process's attributes read as (Linux's get_params). */
static void attr_of(const struct proc *p, struct sched_attr *a)
{
	const struct proc_settings *s = &p->set;

	a->sched_policy = s->policy;
	a->sched_flags = s->reset_on_fork ? SCHED_FLAG_RESET_ON_FORK : 0;
	if (s->policy == SCHED_DEADLINE) {
		a->sched_runtime = s->dl_runtime;
		a->sched_deadline = s->dl_deadline;
		a->sched_period = s->dl_period;
		a->sched_flags |= s->dl_flags;
	} else if (rt_policy(s->policy)) {
		a->sched_priority = s->rt_priority;
	} else {
		a->sched_nice = s->nice;
	}
}

/* Linux's user_check_sched_setscheduler, with RT and DEADLINE always
 * needing CAP_SYS_NICE, as sched_setscheduler here. */
static long attr_permitted(const struct proc *p, const struct sched_attr *a, int pol, bool rof)
{
	const struct proc_settings *s = &p->set;

	if (capable(CAP_SYS_NICE))
		return 0;
	if (fair_policy(pol) && a->sched_nice < s->nice && !can_nice(a->sched_nice))
		return -EPERM;
	if (rt_policy(pol) || pol == SCHED_DEADLINE || !may_change(p) || (s->reset_on_fork && !rof))
		return -EPERM;
	if (s->policy == SCHED_IDLE && pol != SCHED_IDLE && !can_nice(s->nice))
		return -EPERM;
	return 0;
}

static long attr_apply(struct proc *p, struct sched_attr *a)
{
	struct proc_settings *s = &p->set;
	int pol = (int)a->sched_policy;
	bool rof;

	if (a->sched_flags & SCHED_FLAG_KEEP_POLICY) {
		pol = s->policy;
		rof = s->reset_on_fork;
	} else {
		rof = a->sched_flags & SCHED_FLAG_RESET_ON_FORK;
		if (!policy_ok(pol))
			return -EINVAL;
	}
	if (a->sched_flags & ~(uint64_t)(SCHED_FLAG_ALL | SCHED_FLAG_SUGOV) ||
	    a->sched_priority > 99)
		return -EINVAL;
	if ((pol == SCHED_DEADLINE && !dl_params_ok(a)) ||
	    rt_policy(pol) != (a->sched_priority != 0))
		return -EINVAL;
	long e = attr_permitted(p, a, pol, rof);
	if (e)
		return e;
	if (a->sched_flags & SCHED_FLAG_SUGOV)
		return -EINVAL;
	if (a->sched_flags & SCHED_FLAG_UTIL_CLAMP)
		return -EOPNOTSUPP; /* no utilization clamping (Linux without UCLAMP_TASK) */
	uint64_t period = a->sched_period ? a->sched_period : a->sched_deadline;
	if (pol == SCHED_DEADLINE && !dl_admits(p, dl_bw(a->sched_runtime, period)))
		return -EBUSY;
	s->policy = pol;
	s->reset_on_fork = rof;
	s->rt_priority = rt_policy(pol) ? (int)a->sched_priority : 0;
	if (fair_policy(pol))
		s->nice = a->sched_nice;
	s->dl_runtime = s->dl_deadline = s->dl_period = s->dl_flags = 0;
	if (pol == SCHED_DEADLINE) {
		s->dl_runtime = a->sched_runtime;
		s->dl_deadline = a->sched_deadline;
		s->dl_period = period;
		s->dl_flags = a->sched_flags & (SCHED_FLAG_RECLAIM | SCHED_FLAG_DL_OVERRUN);
	}
	return 0;
}

long sys_sched_setattr(int pid, struct sched_attr *uattr, unsigned flags)
{
	struct sched_attr a;
	uint32_t size;

	if (!uattr || pid < 0 || flags)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	if (get_user(size, &uattr->size))
		return -EFAULT;
	if (!size)
		size = SCHED_ATTR_SIZE_VER0;
	if (size < SCHED_ATTR_SIZE_VER0 || size > PAGE_SIZE)
		goto too_big;
	if (copy_from_user(&a, uattr, MIN(size, sizeof(a))))
		return -EFAULT;
	for (uint32_t i = sizeof(a); i < size; i++) { /* fields we do not know: zero */
		uint8_t b;
		if (get_user(b, (const uint8_t *)uattr + i))
			return -EFAULT;
		if (b)
			goto too_big;
	}
	if ((a.sched_flags & SCHED_FLAG_UTIL_CLAMP) && size < sizeof(a))
		return -EINVAL;
	a.sched_nice = a.sched_nice < -20 ? -20 : a.sched_nice > 19 ? 19 : a.sched_nice;
	if ((int)a.sched_policy < 0)
		return -EINVAL;
	struct proc *p = task_proc(pid);
	if (!p)
		return -ESRCH;
	if (a.sched_flags & SCHED_FLAG_KEEP_PARAMS) {
		struct sched_attr cur;
		memset(&cur, 0, sizeof(cur));
		attr_of(p, &cur);
		a.sched_nice = cur.sched_nice;
		a.sched_priority = cur.sched_priority;
		a.sched_runtime = cur.sched_runtime;
		a.sched_deadline = cur.sched_deadline;
		a.sched_period = cur.sched_period;
		a.sched_flags |= cur.sched_flags & (SCHED_FLAG_RECLAIM | SCHED_FLAG_DL_OVERRUN);
	}
	return attr_apply(p, &a);
too_big:
	size = sizeof(a);
	put_user(size, &uattr->size);
	return -E2BIG;
}

long sys_sched_getattr(int pid, struct sched_attr *uattr, unsigned size, unsigned flags)
{
	struct sched_attr a;

	if (!uattr || pid < 0 || size > PAGE_SIZE || size < SCHED_ATTR_SIZE_VER0 || flags)
		return -EINVAL;
	struct proc *p = task_proc(pid);
	if (!p)
		return -ESRCH;
	memset(&a, 0, sizeof(a));
	attr_of(p, &a);
	a.size = MIN(size, sizeof(a));
	if (copy_to_user(uattr, &a, a.size))
		return -EFAULT;
	for (unsigned i = sizeof(a); i < size; i++) /* the rest zeroed, as Linux 6 */
		if (put_user((uint8_t)0, (uint8_t *)uattr + i))
			return -EFAULT;
	return 0;
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
