/* sys/misc.c: the process's small settings and questions: prctl (the
 * settings are each process's own, in struct proc), times, personality,
 * getcpu, membarrier, memory locking and residency (mlock*, mincore),
 * vhangup (the terminal is fs/pty.c's). One CPU: the answers are exact
 * for that. (Nice values, scheduling policies
 * and I/O priorities are in sys/prio.c; sessions and process groups in
 * sys/proc.c.) */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/cputime.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/vm.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/smp.h"
#include "fs/tty.h"
#include <linux/prctl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
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

/* PR_CAP_AMBIENT: the ambient set, within permitted and inheritable. */
static long cap_ambient(unsigned long op, unsigned long cap, unsigned long a4, unsigned long a5)
{
	struct proc *p = current;
	if (op == PR_CAP_AMBIENT_CLEAR_ALL) {
		if (cap || a4 || a5)
			return -EINVAL;
		p->cap_amb = 0;
		return 0;
	}
	if (cap > CAP_LAST_CAP || a4 || a5)
		return -EINVAL;
	uint64_t bit = 1ull << cap;
	switch (op) {
	case PR_CAP_AMBIENT_IS_SET: return !!(p->cap_amb & bit);
	case PR_CAP_AMBIENT_LOWER: p->cap_amb &= ~bit; return 0;
	case PR_CAP_AMBIENT_RAISE:
		if (!(p->cap_perm & bit) || !(p->cap_inh & bit) ||
		    (p->set.securebits & SECBIT_NO_CAP_AMBIENT_RAISE))
			return -EPERM;
		p->cap_amb |= bit;
		return 0;
	default: return -EINVAL;
	}
}

long sys_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)
{
	struct proc_settings *s = &current->set;
	char name[16];
	int v;
	switch (option) {
	case PR_SET_NAME:
		memset(name, 0, sizeof(name));
		if (strncpy_from_user(name, (const char *)a2, sizeof(name)) == -EFAULT)
			return -EFAULT;
		name[15] = 0;
		memcpy(current->comm, name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		memset(name, 0, sizeof(name));
		proc_comm(name);
		return copy_to_user((void *)a2, name, sizeof(name));
	case PR_SET_DUMPABLE:
		if (a2 != 0 && a2 != 1) /* SUID_DUMP_USER and SUID_DUMP_DISABLE only */
			return -EINVAL;
		s->dumpable = (int)a2;
		return 0;
	case PR_GET_DUMPABLE: return s->dumpable;
	case PR_SET_PDEATHSIG:
		if (a2 > 64)
			return -EINVAL;
		s->pdeathsig = (int)a2;
		return 0;
	case PR_GET_PDEATHSIG: return copy_to_user((void *)a2, &s->pdeathsig, sizeof(int));
	case PR_SET_NO_NEW_PRIVS:
		if (a2 != 1 || a3 || a4 || a5)
			return -EINVAL;
		s->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (a2 || a3 || a4 || a5)
			return -EINVAL;
		return s->no_new_privs;
	case PR_GET_SECCOMP: return 0; /* no filters: seccomp mode disabled */
	case PR_SET_KEEPCAPS:
		if (a2 > 1)
			return -EINVAL;
		if (s->securebits & SECBIT_KEEP_CAPS_LOCKED)
			return -EPERM;
		s->securebits = a2 ? s->securebits | SECBIT_KEEP_CAPS
				   : s->securebits & ~(unsigned)SECBIT_KEEP_CAPS;
		return 0;
	case PR_GET_KEEPCAPS: return !!(s->securebits & SECBIT_KEEP_CAPS);
	case PR_SET_SECUREBITS:
		/* locked bits stay, locks stay, only known bits, CAP_SETPCAP */
		if ((((s->securebits & SECURE_ALL_LOCKS) >> 1) & (s->securebits ^ a2)) ||
		    (s->securebits & SECURE_ALL_LOCKS & ~a2) ||
		    (a2 & ~(unsigned long)(SECURE_ALL_LOCKS | SECURE_ALL_BITS)) ||
		    !capable(CAP_SETPCAP))
			return -EPERM;
		s->securebits = (unsigned)a2;
		return 0;
	case PR_GET_SECUREBITS: return s->securebits;
	case PR_CAP_AMBIENT: return cap_ambient(a2, a3, a4, a5);
	case PR_SET_CHILD_SUBREAPER: s->subreaper = a2 != 0; return 0;
	case PR_GET_CHILD_SUBREAPER:
		v = s->subreaper;
		return copy_to_user((void *)a2, &v, sizeof(int));
	case PR_SET_TIMERSLACK: s->timer_slack_ns = a2 ? a2 : TIMER_SLACK_DEFAULT; return 0;
	case PR_GET_TIMERSLACK: return (long)s->timer_slack_ns;
	case PR_CAPBSET_READ:
		if (a2 > CAP_LAST_CAP)
			return -EINVAL;
		return (long)((current->cap_bnd >> a2) & 1);
	case PR_CAPBSET_DROP:
		if (!capable(CAP_SETPCAP))
			return -EPERM;
		if (a2 > CAP_LAST_CAP)
			return -EINVAL;
		current->cap_bnd &= ~(1ull << a2);
		return 0;
	case PR_GET_TID_ADDRESS: {
		uint64_t v = cur_thread ? cur_thread->clear_child_tid : 0;
		return copy_to_user((void *)a2, &v, sizeof(v));
	}
	default: return -EINVAL;
	}
}

/* ---- times, personality, getcpu */

long sys_times(struct tms *ut)
{
	uint64_t now = time_ns();
	if (ut) {
		struct cputime self = cputime_proc(current), kids = cputime_children(current);
		struct tms t = {
			.tms_utime = (long)cputime_ticks(self.user),
			.tms_stime = (long)cputime_ticks(self.sys),
			.tms_cutime = (long)cputime_ticks(kids.user),
			.tms_cstime = (long)cputime_ticks(kids.sys),
		};
		if (copy_to_user(ut, &t, sizeof(t)))
			return -EFAULT;
	}
	return (long)(now / (1000000000 / USER_HZ));
}

long sys_personality(unsigned persona)
{
	unsigned old = current->set.personality;
	if (persona != 0xffffffff)
		current->set.personality = persona;
	return old;
}

long sys_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	unsigned zero = 0, id = this_cpu()->id;
	if (cpu && copy_to_user(cpu, &id, sizeof(id)))
		return -EFAULT;
	if (node && copy_to_user(node, &zero, sizeof(zero)))
		return -EFAULT;
	return 0;
}

/* ---- membarrier: the caller's barrier, and an IPI to every other CPU
 * that runs the program's threads (all of them for the global commands):
 * taking an interrupt is a full barrier that serializes the CPU */

#define MB_SUPPORTED \
	(MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED | \
	 MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED | \
	 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE | \
	 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE)

long sys_membarrier(int cmd, unsigned flags, int cpu_id)
{
	if (flags)
		return -EINVAL;
	switch (cmd) {
	case MEMBARRIER_CMD_QUERY: return MB_SUPPORTED;
	case MEMBARRIER_CMD_GLOBAL:
	case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
		__asm__ volatile("mfence" ::: "memory");
		smp_barrier(NULL);
		return 0;
	case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
		current->set.membarrier |= cmd;
		return 0;
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
		if (!(current->set.membarrier & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED))
			return -EPERM;
		__asm__ volatile("mfence" ::: "memory");
		smp_barrier(current->mm);
		return 0;
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE:
		if (!(current->set.membarrier &
		      MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE))
			return -EPERM;
		__asm__ volatile("mfence" ::: "memory");
		smp_barrier(current->mm);
		return 0;
	default: return -EINVAL;
	}
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
			if (v->kind != VMA_STACK) /* Linux leaves the stack's guard gap alone */
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
	struct thread *t = thread_by_id(pid);
	if (!t)
		return -ESRCH;
	return sched_set_affinity(t, mask);
}

/* vhangup: hangs up the caller's controlling terminal, if any (fs/pty.c),
 * with CAP_SYS_TTY_CONFIG. */
long sys_vhangup(void)
{
	if (!capable(CAP_SYS_TTY_CONFIG))
		return -EPERM;
	pty_hangup_session(current->sid);
	return 0;
}
