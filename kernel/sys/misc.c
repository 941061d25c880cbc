/* sys/misc.c: the process's small settings and questions: prctl, nice
 * values and scheduling policies, times, personality, getcpu, membarrier,
 * I/O priorities, memory locking and residency (mlock*, mincore). One
 * CPU: the answers are exact for that. (Sessions and process groups are in
 * sys/proc.c.) */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/vm.h"
#include "arch/x86_64/paging.h"
#include <linux/prctl.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <linux/sched/types.h>
#include <linux/resource.h>
#include <linux/times.h>
#include <linux/membarrier.h>
#include <linux/time_types.h>
#include <asm-generic/mman-common.h>
#include <asm-generic/mman.h>

#define USER_HZ 100

/* ---- prctl */

static int dumpable = 1, pdeathsig, no_new_privs, keepcaps, subreaper;
static uint64_t timer_slack_ns = 50000, timer_slack_default = 50000;

static bool comm_set;

/* The name /proc/self/comm and PR_GET_NAME show: the executable's base
 * name until PR_SET_NAME. */
void proc_comm(char out[16])
{
	if (comm_set) {
		memcpy(out, current->comm, 16);
		return;
	}
	proc_comm_of(current, out);
}

/* Another process's name (/proc/<pid>): its PR_SET_NAME, or its
 * executable's base name. */
void proc_comm_of(struct proc *p, char out[16])
{
	if (p == current && comm_set) {
		memcpy(out, current->comm, 16);
		return;
	}
	if (p && p->comm[0]) {
		memcpy(out, p->comm, 16);
		out[15] = 0;
		return;
	}
	const char *exe = p && p->exe_path ? p->exe_path : "";
	const char *s = strrchr(exe, '/');
	strlcpy(out, s ? s + 1 : exe, 16);
}

long sys_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)
{
	char name[16];
	switch (option) {
	case PR_SET_NAME:
		memset(name, 0, sizeof(name));
		if (strncpy_from_user(name, (const char *)a2, sizeof(name)) == -EFAULT)
			return -EFAULT;
		name[15] = 0;
		memcpy(current->comm, name, sizeof(name));
		comm_set = true;
		return 0;
	case PR_GET_NAME:
		memset(name, 0, sizeof(name));
		proc_comm(name);
		return copy_to_user((void *)a2, name, sizeof(name));
	case PR_SET_DUMPABLE:
		if (a2 != 0 && a2 != 1)   /* SUID_DUMP_USER and SUID_DUMP_DISABLE only */
			return -EINVAL;
		dumpable = (int)a2;
		return 0;
	case PR_GET_DUMPABLE:
		return dumpable;
	case PR_SET_PDEATHSIG:
		if (a2 > 64)
			return -EINVAL;
		pdeathsig = (int)a2;
		return 0;
	case PR_GET_PDEATHSIG:
		return copy_to_user((void *)a2, &pdeathsig, sizeof(int));
	case PR_SET_NO_NEW_PRIVS:
		if (a2 != 1 || a3 || a4 || a5)
			return -EINVAL;
		no_new_privs = 1;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (a2 || a3 || a4 || a5)
			return -EINVAL;
		return no_new_privs;
	case PR_GET_SECCOMP:
		return 0;              /* no filters: seccomp mode disabled */
	case PR_SET_KEEPCAPS:
		if (a2 > 1)
			return -EINVAL;
		keepcaps = (int)a2;
		return 0;
	case PR_GET_KEEPCAPS:
		return keepcaps;
	case PR_SET_CHILD_SUBREAPER:
		subreaper = a2 != 0;
		return 0;
	case PR_GET_CHILD_SUBREAPER:
		return copy_to_user((void *)a2, &subreaper, sizeof(int));
	case PR_SET_TIMERSLACK:
		timer_slack_ns = a2 ? a2 : timer_slack_default;
		return 0;
	case PR_GET_TIMERSLACK:
		return (long)timer_slack_ns;
	case PR_CAPBSET_READ:
		if (a2 > CAP_LAST_CAP)
			return -EINVAL;
		return 1;              /* the bounding set is full */
	case PR_GET_TID_ADDRESS: {
		uint64_t v = cur_thread ? cur_thread->clear_child_tid : 0;
		return copy_to_user((void *)a2, &v, sizeof(v));
	}
	default:
		return -EINVAL;
	}
}

/* ---- nice values (one process: PRIO_PROCESS 0 or our pid, PRIO_PGRP
 * our group, PRIO_USER our uid) */

static int nice_value;

static long prio_target(int which, int who)
{
	switch (which) {
	case PRIO_PROCESS:
	case PRIO_PGRP:
		return who == 0 || who == current->pid ? 0 : -ESRCH;
	case PRIO_USER:
		return who == 0 || who == current->uid ? 0 : -ESRCH;
	default:
		return -EINVAL;
	}
}

long sys_getpriority(int which, int who)
{
	long e = prio_target(which, who);
	if (e)
		return e;
	return 20 - nice_value;    /* the raw call answers 40..1 for nice -20..19 */
}

long sys_setpriority(int which, int who, int niceval)
{
	long e = prio_target(which, who);
	if (e)
		return e;
	if (niceval < -20)
		niceval = -20;
	if (niceval > 19)
		niceval = 19;
	if (niceval < nice_value && current->euid != 0)
		return -EACCES;
	nice_value = niceval;
	return 0;
}

int proc_nice(void) { return nice_value; }

/* ---- scheduling policies: recorded and reported; every thread is run
 * round-robin whatever its policy */

static int policy = SCHED_NORMAL, rt_priority, reset_on_fork;

static long sched_target(int pid)
{
	if (pid < 0)
		return -EINVAL;
	if (pid == 0 || pid == current->pid || thread_find(pid))
		return 0;
	return -ESRCH;
}

static bool policy_ok(int p) { return p == SCHED_NORMAL || p == SCHED_FIFO || p == SCHED_RR ||
				      p == SCHED_BATCH || p == SCHED_IDLE; }

static bool prio_ok(int p, int prio)
{
	if (p == SCHED_FIFO || p == SCHED_RR)
		return prio >= 1 && prio <= 99;
	return prio == 0;
}

int proc_policy(int *prio)
{
	*prio = rt_priority;
	return policy;
}

long sys_sched_setscheduler(int pid, int pol, const struct sched_param *param)
{
	if (!param || pid < 0)
		return -EINVAL;
	struct sched_param sp;
	if (copy_from_user(&sp, param, sizeof(sp)))
		return -EFAULT;
	long e = sched_target(pid);
	if (e)
		return e;
	bool rof = pol & SCHED_RESET_ON_FORK;
	pol &= ~SCHED_RESET_ON_FORK;
	if (!policy_ok(pol) || !prio_ok(pol, sp.sched_priority))
		return -EINVAL;
	if ((pol == SCHED_FIFO || pol == SCHED_RR) && current->euid != 0)
		return -EPERM;
	policy = pol;
	rt_priority = sp.sched_priority;
	reset_on_fork = rof;
	return 0;
}

long sys_sched_getscheduler(int pid)
{
	long e = sched_target(pid);
	if (e)
		return e;
	return policy | (reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

long sys_sched_setparam(int pid, const struct sched_param *param)
{
	if (!param || pid < 0)
		return -EINVAL;
	struct sched_param sp;
	if (copy_from_user(&sp, param, sizeof(sp)))
		return -EFAULT;
	long e = sched_target(pid);
	if (e)
		return e;
	if (!prio_ok(policy, sp.sched_priority))
		return -EINVAL;
	rt_priority = sp.sched_priority;
	return 0;
}

long sys_sched_getparam(int pid, struct sched_param *param)
{
	if (!param || pid < 0)
		return -EINVAL;
	long e = sched_target(pid);
	if (e)
		return e;
	struct sched_param sp = { .sched_priority = rt_priority };
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
	long e = sched_target(pid);
	if (e)
		return e;
	/* FIFO threads have no slice; the others get one tick */
	uint64_t ns = policy == SCHED_FIFO ? 0 : TICK_NS;
	struct __kernel_timespec t = { (long long)(ns / 1000000000), (long long)(ns % 1000000000) };
	return copy_to_user(ts, &t, sizeof(t));
}

/* ---- times, personality, getcpu */

long sys_times(struct tms *ut)
{
	uint64_t now = time_ns();
	if (ut) {
		/* All of the program's time is counted as user time. */
		struct tms t;
		memset(&t, 0, sizeof(t));
		t.tms_utime = (long)((now - current->start_ns) / (1000000000 / USER_HZ));
		if (copy_to_user(ut, &t, sizeof(t)))
			return -EFAULT;
	}
	return (long)(now / (1000000000 / USER_HZ));
}

static unsigned personality_value;   /* PER_LINUX */

long sys_personality(unsigned persona)
{
	unsigned old = personality_value;
	if (persona != 0xffffffff)
		personality_value = persona;
	return old;
}

long sys_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	unsigned zero = 0;
	if (cpu && copy_to_user(cpu, &zero, sizeof(zero)))
		return -EFAULT;
	if (node && copy_to_user(node, &zero, sizeof(zero)))
		return -EFAULT;
	return 0;
}

/* ---- membarrier: with one CPU, the other threads are not running while
 * the caller is in the kernel, so every barrier is already complete */

#define MB_SUPPORTED (MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED | \
		      MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED | \
		      MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED | \
		      MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE | \
		      MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE)

static int mb_registered;

long sys_membarrier(int cmd, unsigned flags, int cpu_id)
{
	if (flags)
		return -EINVAL;
	switch (cmd) {
	case MEMBARRIER_CMD_QUERY:
		return MB_SUPPORTED;
	case MEMBARRIER_CMD_GLOBAL:
	case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
		__asm__ volatile("mfence" ::: "memory");
		return 0;
	case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
		mb_registered |= cmd;
		return 0;
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
		if (!(mb_registered & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED))
			return -EPERM;
		__asm__ volatile("mfence" ::: "memory");
		return 0;
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE:
		if (!(mb_registered & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE))
			return -EPERM;
		__asm__ volatile("mfence" ::: "memory");
		return 0;
	default:
		return -EINVAL;
	}
}

/* ---- I/O priorities: stored per process (I/O is all in RAM) */

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP    2
#define IOPRIO_WHO_USER    3
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_CLASS_NONE  0
#define IOPRIO_CLASS_RT    1
#define IOPRIO_CLASS_BE    2
#define IOPRIO_CLASS_IDLE  3

static int ioprio;   /* 0: none set (IOPRIO_CLASS_NONE) */

static long ioprio_target(int which, int who)
{
	switch (which) {
	case IOPRIO_WHO_PROCESS:
	case IOPRIO_WHO_PGRP:
		return who == 0 || who == current->pid || (which == IOPRIO_WHO_PROCESS && thread_find(who)) ? 0 : -ESRCH;
	case IOPRIO_WHO_USER:
		return who == 0 || who == current->uid ? 0 : -ESRCH;
	default:
		return -EINVAL;
	}
}

long sys_ioprio_set(int which, int who, int prio)
{
	int cls = (prio >> IOPRIO_CLASS_SHIFT) & 7, data = prio & 0x1fff;
	switch (cls) {
	case IOPRIO_CLASS_RT:
		if (current->euid != 0)
			return -EPERM;
		/* fall through */
	case IOPRIO_CLASS_BE:
		if (data >= 8)
			return -EINVAL;
		break;
	case IOPRIO_CLASS_IDLE:
		break;
	case IOPRIO_CLASS_NONE:
		if (data)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (prio >> 16)
		return -EINVAL;
	long e = ioprio_target(which, who);
	if (e)
		return e;
	ioprio = prio;
	return 0;
}

long sys_ioprio_get(int which, int who)
{
	long e = ioprio_target(which, who);
	if (e)
		return e;
	return ioprio;   /* 0 (IOPRIO_CLASS_NONE) until set, as on Linux */
}

/* ---- memory locking and residency. Locking makes the pages resident
 * (they are never paged out: there is no swap). */

/* mlock's and munlock's range: the pages holding [start, start + len),
 * Linux's arithmetic (a length rounding up to 0 is an empty range), all
 * of it mapped. */
static long range_check(uint64_t *start, size_t len, uint64_t *end)
{
	len = PAGE_UP(len + (*start & (PAGE_SIZE - 1)));
	*start = PAGE_DOWN(*start);
	*end = *start + len;
	if (*end < *start)
		return -EINVAL;
	for (uint64_t a = *start; a < *end;) {
		struct vma *v = vm_find(current->mm, a);
		if (!v)
			return -ENOMEM;
		a = v->end;
	}
	return 0;
}

/* Faults in the pages of [start, end) that may be touched. */
static void populate(uint64_t start, uint64_t end)
{
	for (struct vma *v = current->mm->vmas; v && v->start < end; v = v->next) {
		if (v->end <= start || v->prot == PROT_NONE)
			continue;
		for (uint64_t a = MAX(start, v->start); a < MIN(end, v->end); a += PAGE_SIZE)
			(void)fault_in_user((const void *)a, false);
	}
}

static long do_mlock(uint64_t start, size_t len)
{
	uint64_t end;
	long e = range_check(&start, len, &end);
	if (e)
		return e;
	populate(start, end);
	return 0;
}

long sys_mlock(uint64_t start, size_t len) { return do_mlock(start, len); }

long sys_mlock2(uint64_t start, size_t len, int flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	if (flags & MLOCK_ONFAULT) {
		uint64_t end;
		return range_check(&start, len, &end);
	}
	return do_mlock(start, len);
}

long sys_munlock(uint64_t start, size_t len)
{
	uint64_t end;
	return range_check(&start, len, &end);
}

long sys_mlockall(int flags)
{
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	if ((flags & MCL_CURRENT) && !(flags & MCL_ONFAULT))
		for (struct vma *v = current->mm->vmas; v; v = v->next)
			if (v->kind != VMA_STACK)   /* Linux leaves the stack's guard gap alone */
				populate(v->start, v->end);
	return 0;
}

long sys_munlockall(void) { return 0; }

long sys_mincore(uint64_t start, size_t len, unsigned char *vec)
{
	/* Linux: the range in user space (ENOMEM), vec's addresses too
	 * (EFAULT), then every page mapped (ENOMEM). */
	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	if (len > USER_TOP || start > USER_TOP - len)
		return -ENOMEM;
	size_t pages = PAGE_UP(len) / PAGE_SIZE;
	if ((uint64_t)vec > USER_TOP - pages)
		return -EFAULT;
	for (uint64_t a = start; a < start + len;) {
		struct vma *v = vm_find(current->mm, a);
		if (!v)
			return -ENOMEM;
		a = v->end;
	}
	if (!access_ok(vec, pages))
		return -EFAULT;
	for (size_t i = 0; i < pages; i++) {
		uint64_t *pte = paging_walk(current->mm->pml4, start + i * PAGE_SIZE, false);
		unsigned char in = pte && (*pte & PTE_P) ? 1 : 0;
		if (copy_to_user(vec + i, &in, 1))
			return -EFAULT;
	}
	return 0;
}

/* ---- sessions and process groups: we are pid 1, the leader of group 1
 * and session 1; nothing else exists. */

/* ---- CPU affinity: there is one CPU, number 0 */

long sys_sched_setaffinity(int pid, size_t len, const unsigned long *umask)
{
	unsigned long mask = 0;
	/* as Linux: a shorter mask is zero-extended, a longer one cut */
	if (copy_from_user(&mask, umask, MIN(len, sizeof(mask))))
		return -EFAULT;
	if (pid < 0 || (pid != 0 && pid != current->pid && !thread_find(pid)))
		return -ESRCH;
	if (!(mask & 1))
		return -EINVAL;   /* no CPU of the mask is online */
	return 0;
}
