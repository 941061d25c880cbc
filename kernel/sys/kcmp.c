/* sys/kcmp.c: kcmp: whether two processes (or threads) share a kernel
 * object (an open file, the address space, descriptor table, cwd and
 * umask, signal dispositions, I/O context, semaphore undo list, or a
 * file an epoll instance watches), and a stable order of the two when
 * not (kernel/proc.c scrambles it). */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "fs/vfs.h"
#include "fs/eventpoll.h"

enum {
	KCMP_FILE,
	KCMP_VM,
	KCMP_FILES,
	KCMP_FS,
	KCMP_SIGHAND,
	KCMP_IO,
	KCMP_SYSVSEM,
	KCMP_EPOLL_TFD
};

struct kcmp_epoll_slot {
	uint32_t efd, tfd;
	uint64_t toff;
};

/* The process of a process or thread id, zombies too (as Linux finds a
 * task until it is reaped). */
static struct proc *task(int id)
{
	if (id <= 0)
		return NULL;
	struct thread *t = thread_find(id);
	return t && t->state != T_DEAD ? t->proc : proc_find(id);
}

/* The open file of descriptor fd (an unsigned int in Linux: the upper
 * bits of the argument are dropped) of p, or NULL. */
static struct file *file_of(struct proc *p, unsigned long fd)
{
	return (unsigned)fd <= INT32_MAX ? fd_get_in(p, (int)(unsigned)fd) : NULL;
}

/* An I/O context exists once ioprio_set gave the process a priority
 * (Linux makes it then, or for block I/O); a fork child gets its own. */
static const void *io_context(const struct proc *p) { return p->set.ioprio ? p : NULL; }

long sys_kcmp(int pid1, int pid2, int type, unsigned long idx1, unsigned long idx2)
{
	struct proc *p1 = task(pid1), *p2 = task(pid2);
	const void *a, *b;

	if (!p1 || !p2)
		return -ESRCH;
	if (!proc_may_access(p1) || !proc_may_access(p2))
		return -EPERM;
	switch (type) {
	case KCMP_FILE:
		a = file_of(p1, idx1);
		b = file_of(p2, idx2);
		if (!a || !b)
			return -EBADF;
		break;
	case KCMP_VM: a = p1->mm, b = p2->mm; break;
	case KCMP_FILES: a = p1->files, b = p2->files; break;
	case KCMP_FS: a = p1->fs, b = p2->fs; break;
	case KCMP_SIGHAND: a = p1, b = p2; break; /* dispositions are the process's */
	case KCMP_IO: a = io_context(p1), b = io_context(p2); break;
	case KCMP_SYSVSEM: a = p1->semundo, b = p2->semundo; break;
	case KCMP_EPOLL_TFD: {
		struct kcmp_epoll_slot slot;
		int err;
		if (copy_from_user(&slot, (const void *)idx2, sizeof(slot)))
			return -EFAULT;
		a = file_of(p1, idx1);
		if (!a)
			return -EBADF;
		struct file *ep = file_of(p2, slot.efd);
		if (!ep)
			return -EBADF;
		b = epoll_target(ep, (int)slot.tfd, slot.toff, &err);
		if (!b)
			return err;
		type = KCMP_FILE;
		break;
	}
	default: return -EINVAL;
	}
	return proc_kcmp_order(a, b, type);
}
