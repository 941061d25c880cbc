/* sys/fork.c: new processes: fork, vfork and clone without CLONE_THREAD
 * (glibc's fork, posix_spawn's CLONE_VM|CLONE_VFORK). The child gets a
 * copy of the address space (or shares it with CLONE_VM until it execs),
 * of the descriptor table (or shares it with CLONE_FILES), cwd and umask,
 * signal dispositions and mask, credentials and limits; no timers.
 * CLONE_PIDFD gives the parent a pidfd for the child. unshare undoes the
 * sharing of descriptors, cwd and semaphore undo lists. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/vm.h"
#include "arch/x86_64/trap.h"
#include "fs/vfs.h"
#include "kernel/ipc/ipc.h"
#include <linux/sched.h>

#define PROCESS_FLAGS \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID | \
	 CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_SYSVSEM | CLONE_IO | CLONE_DETACHED | \
	 CLONE_PIDFD)

long process_clone(unsigned long flags, unsigned long newsp, int *parent_tid, int *child_tid,
		   unsigned long tls, int *pidfd)
{
	if (flags & ~(PROCESS_FLAGS | 0xFF))
		return -ENOSYS; /* namespaces, CLONE_PARENT, ptrace: not here */
	if ((flags & CLONE_SETTLS) && tls >= USER_TOP)
		return -EPERM;

	long err = proc_may_clone();
	if (err)
		return err;
	/* Linux stores the pidfd before the child may run and fails the clone
	 * (no child) when it cannot: try the store before there is a child */
	int none = -1;
	if ((flags & CLONE_PIDFD) && copy_to_user(pidfd, &none, sizeof(none)))
		return -EFAULT;
	struct proc *me = current, *p = proc_fork();
	if (!p)
		return -ENOMEM;
	p->exit_signal = (int)(flags & 0xFF);
	if (flags & CLONE_VM) {
		p->mm = me->mm;
		p->mm->refs++;
	} else {
		p->mm = mm_copy(me->mm);
	}
	struct thread *t = NULL;
	if (!p->mm || fs_proc_fork(p, flags & CLONE_FILES, flags & CLONE_FS) ||
	    !(t = thread_create_in(p, cur_thread->tf))) {
		proc_abort(p);
		return -ENOMEM;
	}
	p->pid = t->tid;
	if (!(flags & CLONE_VM))
		rseq_fork(t, cur_thread); /* the same area in the copied memory */
	clone_child_regs(t, flags, newsp, child_tid, tls);
	if (flags & CLONE_CHILD_SETTID)
		t->set_child_tid = (uint64_t)child_tid;
	int pid = p->pid;
	if (flags & CLONE_PARENT_SETTID)
		copy_to_user(parent_tid, &pid, sizeof(pid));
	if (flags & CLONE_PIDFD) { /* the parent's, made after the table's copy */
		struct file *pf = pidfd_file(pid, false);
		int fd = pf ? fd_alloc(pf, 0, true) : -ENOMEM;
		copy_to_user(pidfd, &fd, sizeof(fd));
	}
	if (flags & CLONE_VFORK)
		while (!p->vfork_done) /* p stays until we have waited for it */
			waitq_wait_nosig(&p->vfork_wait);
	return pid;
}

long sys_fork(void) { return process_clone(SIGCHLD, 0, NULL, NULL, 0, NULL); }

long sys_vfork(void)
{
	return process_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, NULL, NULL, 0, NULL);
}

#define NS_FLAGS \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID | \
	 CLONE_NEWCGROUP | CLONE_NEWTIME)

long sys_unshare(unsigned long flags)
{
	struct proc *p = current;

	/* the flags each one implies, in Linux's order */
	if (flags & CLONE_NEWUSER)
		flags |= CLONE_THREAD | CLONE_FS;
	if (flags & CLONE_VM)
		flags |= CLONE_SIGHAND;
	if (flags & CLONE_SIGHAND)
		flags |= CLONE_THREAD;
	if (flags & CLONE_NEWNS)
		flags |= CLONE_FS;
	if (flags & ~(unsigned long)(CLONE_THREAD | CLONE_FS | CLONE_SIGHAND | CLONE_VM |
				     CLONE_FILES | CLONE_SYSVSEM | CLONE_NEWUSER | NS_FLAGS))
		return -EINVAL;
	/* threads, dispositions and memory can be "unshared" only when
	 * nothing shares them */
	if ((flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) && p->nthreads > 1)
		return -EINVAL;
	if ((flags & CLONE_VM) && p->mm->refs > 1)
		return -EINVAL;
	if (flags & CLONE_NEWUSER)
		return -EINVAL; /* no user namespaces (Linux without USER_NS) */
	if (flags & NS_FLAGS)
		return capable(CAP_SYS_ADMIN) ? -EINVAL : -EPERM; /* no namespaces */
	long e = fs_unshare(flags & CLONE_FILES, flags & CLONE_FS);
	if (e)
		return e;
	if (flags & CLONE_SYSVSEM)
		sem_exit(p); /* its own undo list: applied, a new empty one */
	return 0;
}
