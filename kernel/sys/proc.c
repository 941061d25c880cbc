/* sys/proc.c: the process's identity (pid, parent, ids, process group
 * and session), its limits, thread-area registers (arch_prctl), and exit.
 * Everyone runs as root. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/cputime.h"
#include <linux/capability.h>
#include "kernel/vm.h"
#include "kernel/pmem.h"
#include "fs/vfs.h"
#include "arch/x86_64/cpu.h"
#include <asm/prctl.h>
#include <linux/resource.h>

long sys_exit_group(int status)
{
	if (current->pid == 1)
		vm_exit(status & 0xFF); /* the VM's program: nothing else matters */
	proc_exit((status & 0xFF) << 8);
}

long sys_getpid(void) { return current->pid; }
long sys_getppid(void) { return current->parent ? current->parent->pid : 0; }
long sys_getuid(void) { return current->uid; }
long sys_geteuid(void) { return current->euid; }
long sys_getgid(void) { return current->gid; }
long sys_getegid(void) { return current->egid; }
long sys_getpgrp(void) { return current->pgid; }

long sys_getpgid(int pid)
{
	struct proc *p = pid ? proc_find(pid) : current;
	return p ? p->pgid : -ESRCH;
}

long sys_getsid(int pid)
{
	struct proc *p = pid ? proc_find(pid) : current;
	return p ? p->sid : -ESRCH;
}

long sys_setsid(void)
{
	struct proc *p = current;
	for (struct proc *q = all_procs; q; q = q->all_next)
		if (q->pgid == p->pid)
			return -EPERM; /* a process group leader (or its id is a group's) */
	p->sid = p->pgid = p->pid;
	return p->sid;
}

long sys_setpgid(int pid, int pgid)
{
	struct proc *me = current, *p = pid ? proc_find(pid) : me;
	if (pgid < 0)
		return -EINVAL;
	if (!p || (p != me && p->parent != me))
		return -ESRCH;
	if (p->sid != me->sid)
		return -EPERM;
	if (p->sid == p->pid)
		return -EPERM; /* a session leader */
	if (!pgid)
		pgid = p->pid;
	if (pgid != p->pid) {
		bool found = false; /* the group must exist in the session */
		for (struct proc *q = all_procs; q; q = q->all_next)
			if (q->state == P_ALIVE && q->pgid == pgid && q->sid == me->sid)
				found = true;
		if (!found)
			return -EPERM;
	}
	p->pgid = pgid;
	return 0;
}

static long put_ids(int *r, int *e, int *s, int rv, int ev, int sv)
{
	if (copy_to_user(r, &rv, sizeof(int)) || copy_to_user(e, &ev, sizeof(int)) ||
	    copy_to_user(s, &sv, sizeof(int)))
		return -EFAULT;
	return 0;
}

long sys_getresuid(int *r, int *e, int *s)
{
	return put_ids(r, e, s, current->uid, current->euid, current->suid);
}

long sys_getresgid(int *r, int *e, int *s)
{
	return put_ids(r, e, s, current->gid, current->egid, current->sgid);
}

long sys_arch_prctl(int code, unsigned long addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= USER_TOP)
			return -EPERM;
		wrmsr(MSR_FS_BASE, addr);
		return 0;
	case ARCH_GET_FS: {
		uint64_t v = rdmsr(MSR_FS_BASE);
		return copy_to_user((void *)addr, &v, sizeof(v));
	}
	case ARCH_SET_GS:
		if (addr >= USER_TOP)
			return -EPERM;
		wrmsr(MSR_KERNEL_GS_BASE, addr); /* the user's GS while we are in the kernel */
		return 0;
	case ARCH_GET_GS: {
		uint64_t v = rdmsr(MSR_KERNEL_GS_BASE);
		return copy_to_user((void *)addr, &v, sizeof(v));
	}
	default: return -EINVAL;
	}
}

#define limits (current->rlimits)

/* May the limits of resource become n? Raising the hard limit takes
 * CAP_SYS_RESOURCE. */
static long check_limit(int resource, const struct rlimit64 *n)
{
	if (n->rlim_cur > n->rlim_max)
		return -EINVAL;
	if (n->rlim_max > limits[resource].rlim_max && !capable(CAP_SYS_RESOURCE))
		return -EPERM;
	if (resource == RLIMIT_NOFILE && n->rlim_max > FD_MAX)
		return -EPERM; /* above fs.nr_open, even for root */
	return 0;
}

long sys_prlimit64(int pid, int resource, const struct rlimit64 *new, struct rlimit64 *old)
{
	if (pid != 0 && pid != current->pid)
		return -ESRCH;
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	struct rlimit64 n;
	if (new) {
		if (copy_from_user(&n, new, sizeof(n)))
			return -EFAULT;
		long e = check_limit(resource, &n);
		if (e)
			return e;
	}
	if (old && copy_to_user(old, &limits[resource], sizeof(*old)))
		return -EFAULT;
	if (new)
		limits[resource] = n;
	return 0;
}

long sys_getrlimit(int resource, struct rlimit *rl)
{
	struct rlimit64 v;
	long r = sys_prlimit64(0, resource, NULL, NULL);
	if (r)
		return r;
	v = limits[resource];
	struct rlimit out = { v.rlim_cur, v.rlim_max };
	return copy_to_user(rl, &out, sizeof(out));
}

long sys_setrlimit(int resource, const struct rlimit *rl)
{
	struct rlimit in;
	if (copy_from_user(&in, rl, sizeof(in)))
		return -EFAULT;
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	struct rlimit64 n = { in.rlim_cur, in.rlim_max };
	long e = check_limit(resource, &n);
	if (e)
		return e;
	limits[resource] = n;
	return 0;
}

/* The thread's mask of the online CPUs. pid names any thread (a thread
 * id, as Linux), 0 the caller. Like Linux, only the kernel's mask size
 * (one long) is written and returned. */
long sys_sched_getaffinity(int pid, size_t len, unsigned long *mask)
{
	struct thread *t = thread_by_id(pid);
	if (!t)
		return -ESRCH;
	if (len < sizeof(unsigned long) || (len & (sizeof(unsigned long) - 1)))
		return -EINVAL;
	unsigned long m = t->affinity & sched_cpus_mask();
	if (copy_to_user(mask, &m, sizeof(m)))
		return -EFAULT;
	return sizeof(unsigned long);
}

long sys_getrusage(int who, struct rusage *ru)
{
	struct rusage r;
	if (who == RUSAGE_SELF)
		cputime_rusage(&r, cputime_proc(current));
	else if (who == RUSAGE_THREAD)
		cputime_rusage(&r, cputime_thread(cur_thread));
	else if (who == RUSAGE_CHILDREN)
		cputime_rusage(&r, cputime_children(current));
	else
		return -EINVAL;
	if (who != RUSAGE_CHILDREN)
		r.ru_maxrss = current->mm->mapped_pages * (PAGE_SIZE / 1024);
	return copy_to_user(ru, &r, sizeof(r));
}
