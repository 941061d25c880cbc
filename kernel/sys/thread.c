/* sys/thread.c: threads as Linux makes them: clone with the flags that
 * pthreads and Go use, thread exit, tids and their clear-on-exit
 * addresses, robust lists, rseq registration (kernel/rseq.c), and
 * yielding. clone without CLONE_THREAD makes a process (kernel/sys/fork.c). */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/sched.h"
#include "kernel/proc.h"
#include "arch/x86_64/trap.h"
#include <linux/sched.h>

#define THREAD_FLAGS \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | \
	 CLONE_DETACHED | CLONE_IO)

void clone_child_regs(struct thread *t, unsigned long flags, unsigned long newsp, int *child_tid,
		      unsigned long tls)
{
	t->tf->rax = 0;
	if (newsp)
		t->tf->rsp = newsp;
	if (flags & CLONE_SETTLS)
		t->fs_base = tls;
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = (uint64_t)child_tid;
}

/* clone and clone3; pidfd: where CLONE_PIDFD puts the pidfd. */
static long do_clone(unsigned long flags, unsigned long newsp, int *parent_tid, int *child_tid,
		     unsigned long tls, int *pidfd)
{
	/* Linux's own rules first. */
	if ((flags & CLONE_PIDFD) && (flags & (CLONE_THREAD | CLONE_DETACHED)))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if (!(flags & CLONE_THREAD))
		return process_clone(flags, newsp, parent_tid, child_tid, tls, pidfd); /* fork.c */
	if (flags & ~(THREAD_FLAGS | 0xFF))
		return -ENOSYS;
	if ((flags & 0xFF) != 0)
		return -EINVAL; /* a thread sends no exit signal */
	if ((flags & CLONE_SETTLS) && tls >= USER_TOP)
		return -EPERM;

	long err = proc_may_clone();
	if (err)
		return err;
	struct thread *t = thread_create(cur_thread->tf);
	if (!t)
		return -ENOMEM;
	clone_child_regs(t, flags, newsp, child_tid, tls);
	if ((flags & CLONE_PARENT_SETTID) && copy_to_user(parent_tid, &t->tid, sizeof(int)))
		return -EFAULT;
	if ((flags & CLONE_CHILD_SETTID) && copy_to_user(child_tid, &t->tid, sizeof(int)))
		return -EFAULT;
	return t->tid;
}

long sys_clone(unsigned long flags, unsigned long newsp, int *parent_tid, int *child_tid,
	       unsigned long tls)
{
	/* clone's CLONE_PIDFD puts the pidfd where the parent's tid would go */
	if ((flags & CLONE_PIDFD) && (flags & CLONE_PARENT_SETTID))
		return -EINVAL;
	return do_clone(flags, newsp, parent_tid, child_tid, tls, parent_tid);
}

/* clone3: the same, described by struct clone_args. The fields a thread or
 * process does not use here must be zero. */
long sys_clone3(const struct clone_args *uargs, size_t size)
{
	struct clone_args a;

	if (size < CLONE_ARGS_SIZE_VER0 || size > PAGE_SIZE)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	if (copy_from_user(&a, uargs, MIN(size, sizeof(a))))
		return -EFAULT;
	for (size_t i = sizeof(a); i < size; i++) {
		uint8_t b;
		if (copy_from_user(&b, (const uint8_t *)uargs + i, 1))
			return -EFAULT;
		if (b)
			return -E2BIG; /* a newer field we do not know is set */
	}
	if ((a.stack == 0) != (a.stack_size == 0) || a.exit_signal > 64 ||
	    (a.flags & CLONE_DETACHED) || a.set_tid || a.set_tid_size || a.cgroup)
		return -EINVAL;
	if ((a.flags & CLONE_THREAD) && a.exit_signal)
		return -EINVAL;
	uint64_t sp = a.stack ? a.stack + a.stack_size : 0;
	return do_clone(a.flags | a.exit_signal, sp, (int *)a.parent_tid, (int *)a.child_tid, a.tls,
			(int *)a.pidfd);
}

long sys_exit(int status) { thread_exit(status & 0xFF); }
long sys_gettid(void) { return cur_thread->tid; }

long sys_set_tid_address(int *tidptr)
{
	cur_thread->clear_child_tid = (uint64_t)tidptr;
	return cur_thread->tid;
}

long sys_set_robust_list(void *head, size_t len)
{
	if (len != 24) /* sizeof(struct robust_list_head) */
		return -EINVAL;
	cur_thread->robust_list = (uint64_t)head;
	cur_thread->robust_len = len;
	return 0;
}

long sys_get_robust_list(int tid, void **head, size_t *len)
{
	struct thread *t = tid ? thread_find(tid) : cur_thread;
	if (!t)
		return -ESRCH;
	if (copy_to_user(head, &t->robust_list, sizeof(void *)) ||
	    copy_to_user(len, &t->robust_len, sizeof(size_t)))
		return -EFAULT;
	return 0;
}

/* rseq: registers the calling thread's struct rseq (32 bytes aligned
 * on 32, or a longer area with every field, aligned on 32 too) with the
 * signature its aborts must follow, or unregisters it. */
#define RSEQ_ORIG_SIZE 32
#define RSEQ_FLAG_UNREGISTER 1

long sys_rseq(void *rs, uint32_t len, int flags, uint32_t sig)
{
	struct thread *t = cur_thread;
	uint64_t a = (uint64_t)rs;

	if (flags & RSEQ_FLAG_UNREGISTER) {
		if (flags != RSEQ_FLAG_UNREGISTER || !t->rseq || t->rseq != a || len != t->rseq_len)
			return -EINVAL;
		if (sig != t->rseq_sig)
			return -EPERM;
		return rseq_unregister();
	}
	if (flags)
		return -EINVAL;
	if (t->rseq) {
		if (t->rseq != a || len != t->rseq_len)
			return -EINVAL;
		return sig != t->rseq_sig ? -EPERM : -EBUSY;
	}
	if (len < RSEQ_ORIG_SIZE || (a & (RSEQ_ORIG_SIZE - 1)))
		return -EINVAL; /* a longer area (RSEQ_FEATURE_SIZE and up) aligns the same */
	if (a >= USER_TOP || len > USER_TOP - a)
		return -EFAULT;
	return rseq_register(a, len, sig);
}

long sys_sched_yield(void)
{
	sched_yield_cpu();
	return 0;
}
