/* sys/signal.c: the signal system calls: dispositions (rt_sigaction), the
 * thread's mask (rt_sigprocmask), pending and waiting (rt_sigpending,
 * rt_sigsuspend, pause, rt_sigtimedwait), sending (kill, tkill, tgkill,
 * rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_send_signal), the alternate stack and
 * rt_sigreturn. kill reaches any process, a process group (pid 0, -pgid)
 * or all (-1). */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/signal.h"
#include "kernel/sched.h"
#include "kernel/proc.h"
#include <linux/capability.h>
#include "arch/x86_64/trap.h"
#include <linux/time_types.h>

/* The flags rt_sigaction keeps (unknown ones read back as clear, which is
 * how programs probe with SA_UNSUPPORTED). */
#define SA_KNOWN \
	(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER | \
	 SA_RESETHAND | SA_RESTORER | SA_EXPOSE_TAGBITS)

static bool valid_sig(int sig) { return sig >= 1 && sig < NSIGNALS; }

long sys_rt_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *oact,
		      size_t sigsetsize)
{
	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (!valid_sig(sig) || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	struct k_sigaction n, old = current->sigactions[sig];
	if (act && copy_from_user(&n, act, sizeof(n)))
		return -EFAULT;
	if (act) {
		n.flags &= SA_KNOWN;
		n.mask &= ~SIG_UNBLOCKABLE;
		current->sigactions[sig] = n;
		/* Pending signals that are now ignored are dropped. */
		uint64_t h = n.handler;
		if (h == (uint64_t)SIG_IGN ||
		    (h == (uint64_t)SIG_DFL &&
		     (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT)))
			signal_flush(sig);
	}
	if (oact && copy_to_user(oact, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(int how, const uint64_t *set, uint64_t *oset, size_t sigsetsize)
{
	struct thread *t = cur_thread;
	uint64_t old = t->sigmask, n;

	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (set) {
		if (copy_from_user(&n, set, sizeof(n)))
			return -EFAULT;
		if (how == SIG_BLOCK)
			n = old | n;
		else if (how == SIG_UNBLOCK)
			n = old & ~n;
		else if (how != SIG_SETMASK)
			return -EINVAL;
		t->sigmask = n & ~SIG_UNBLOCKABLE;
	}
	if (oset && copy_to_user(oset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(uint64_t *set, size_t sigsetsize)
{
	struct thread *t = cur_thread;
	if (sigsetsize > sizeof(uint64_t))
		return -EINVAL;
	uint64_t p = (t->sigpending | signal_proc_pending()) & t->sigmask;
	return copy_to_user(set, &p, sigsetsize) ? -EFAULT : 0;
}

/* Waits until the thread has a signal to take. */
static long wait_for_signal(void)
{
	while (waitq_wait(NULL, 0) != WAKE_SIGNAL)
		;
	return -EINTR;
}

long sys_pause(void) { return wait_for_signal(); }

long sys_rt_sigsuspend(const uint64_t *mask, size_t sigsetsize)
{
	struct thread *t = cur_thread;
	uint64_t n;
	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (copy_from_user(&n, mask, sizeof(n)))
		return -EFAULT;
	t->sigsaved = t->sigmask;
	t->sigsaved_valid = true;
	t->sigmask = n & ~SIG_UNBLOCKABLE;
	return wait_for_signal(); /* signal_deliver puts the mask back */
}

long sys_rt_sigtimedwait(const uint64_t *uset, siginfo_t *uinfo,
			 const struct __kernel_timespec *uts, size_t sigsetsize)
{
	struct thread *t = cur_thread;
	uint64_t set, deadline = 0;
	bool poll = false;

	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	set &= ~SIG_UNBLOCKABLE;
	if (uts) {
		struct __kernel_timespec ts;
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -EINVAL;
		if (ts.tv_sec == 0 && ts.tv_nsec == 0)
			poll = true;
		else if (ts.tv_sec < 1000000000L) /* else: practically forever */
			deadline = time_ns() + (uint64_t)ts.tv_sec * 1000000000UL +
				   (uint64_t)ts.tv_nsec;
	}
	for (int r = WAKE_EVENT;; r = waitq_wait(&sigwait_queue, deadline)) {
		siginfo_t info;
		int sig = signal_dequeue(t, set, &info);
		if (sig) {
			if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
				return -EFAULT;
			return sig;
		}
		if (poll || r == WAKE_TIMEOUT)
			return -EAGAIN;
		if (r == WAKE_SIGNAL)
			return -EINTR; /* a signal outside set, to be handled */
	}
}

/* Fills in and checks a siginfo the program passes (rt_sigqueueinfo). */
static long user_siginfo(siginfo_t *info, const siginfo_t *uinfo, int sig)
{
	if (copy_from_user(info, uinfo, sizeof(*info)))
		return -EFAULT;
	info->si_signo = sig;
	return 0;
}

/* Sends info to t (NULL: the process); sig 0 only checks. */
static long send(struct thread *t, const siginfo_t *info)
{
	if (info->si_signo == 0)
		return 0;
	int r = signal_send(t, info);
	return r < 0 ? r : 0;
}

static void kill_info(siginfo_t *info, int sig, int code)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	info->si_pid = current->pid;
	info->si_uid = current->uid;
}

/* Linux's check_kill_permission: the sender's real or effective uid is
 * the target's real or saved one, or CAP_KILL, or SIGCONT within the
 * session. */
static bool may_kill(const struct proc *p, int sig)
{
	const struct proc *me = current;
	return me->euid == p->suid || me->euid == p->uid || me->uid == p->suid ||
	       me->uid == p->uid || capable(CAP_KILL) || (sig == SIGCONT && me->sid == p->sid);
}

long sys_kill(int pid, int sig)
{
	if (sig < 0 || sig >= NSIGNALS)
		return -EINVAL;
	siginfo_t info;
	kill_info(&info, sig, SI_USER);
	if (pid > 0) {
		struct proc *p = proc_find(pid);
		if (!p)
			return -ESRCH;
		if (!may_kill(p, sig))
			return -EPERM;
		if (!sig || p->state != P_ALIVE)
			return 0; /* a zombie can still be signalled: nothing happens */
		int r = signal_send_to(p, NULL, &info);
		return r < 0 ? r : 0;
	}
	/* A group (0: the caller's), or every process but pid 1 and the
	 * caller (-1; all of them when the caller is alone). */
	int pgid = pid == 0 ? current->pgid : -pid;
	bool found = false, denied = false;
	for (struct proc *p = all_procs; p; p = p->all_next) {
		if (p->state != P_ALIVE)
			continue;
		if (pid == -1 ? (p->pid == 1 || p == current) : p->pgid != pgid)
			continue;
		if (!may_kill(p, sig)) {
			denied = true;
			continue;
		}
		found = true;
		if (sig)
			signal_send_to(p, NULL, &info);
	}
	if (!found && denied)
		return -EPERM;
	if (pid == -1 && !found && all_procs && !all_procs->all_next) {
		found = true; /* a lone pid 1: itself, as before there were processes */
		if (sig)
			signal_send_to(current, NULL, &info);
	}
	return found ? 0 : -ESRCH;
}

/* A thread of the process by tid; tgid -1: any (tkill). */
static struct thread *find_thread(int tgid, int tid)
{
	if (tid <= 0 || (tgid != -1 && tgid <= 0))
		return NULL;
	struct thread *t = thread_find(tid);
	if (!t || (tgid != -1 && t->proc->pid != tgid))
		return NULL;
	return t;
}

long sys_tgkill(int tgid, int tid, int sig)
{
	if (sig < 0 || sig >= NSIGNALS || tid <= 0 || tgid <= 0)
		return -EINVAL;
	struct thread *t = find_thread(tgid, tid);
	if (!t)
		return -ESRCH;
	if (!may_kill(t->proc, sig))
		return -EPERM;
	siginfo_t info;
	kill_info(&info, sig, SI_TKILL);
	return send(t, &info);
}

long sys_tkill(int tid, int sig)
{
	if (sig < 0 || sig >= NSIGNALS || tid <= 0)
		return -EINVAL;
	struct thread *t = find_thread(-1, tid);
	if (!t)
		return -ESRCH;
	if (!may_kill(t->proc, sig))
		return -EPERM;
	siginfo_t info;
	kill_info(&info, sig, SI_TKILL);
	return send(t, &info);
}

long sys_rt_sigqueueinfo(int pid, int sig, const siginfo_t *uinfo)
{
	siginfo_t info;
	long e = user_siginfo(&info, uinfo, sig);
	if (e)
		return e;
	if (sig < 0 || sig >= NSIGNALS)
		return -EINVAL;
	struct proc *p = pid > 0 ? proc_find(pid) : NULL;
	if (!p)
		return -ESRCH;
	if (!may_kill(p, sig))
		return -EPERM;
	if (!sig || p->state != P_ALIVE)
		return 0;
	int r = signal_send_to(p, NULL, &info);
	return r < 0 ? r : 0;
}

long sys_pidfd_send_signal(int pidfd, int sig, const siginfo_t *uinfo, unsigned flags)
{
	if (flags)
		return -EINVAL;
	int pid = pidfd_fd_pid(pidfd, NULL);
	if (pid < 0)
		return pid;
	siginfo_t info;
	if (uinfo) {
		if (copy_from_user(&info, uinfo, sizeof(info)))
			return -EFAULT;
		if (info.si_signo != sig)
			return -EINVAL;
		/* only to itself may a process send a siginfo that looks
		 * like the kernel's */
		if (pid != current->pid && (info.si_code >= 0 || info.si_code == SI_TKILL))
			return -EPERM;
	} else {
		kill_info(&info, sig, SI_USER);
	}
	struct proc *p = proc_find(pid);
	if (!p)
		return -ESRCH;
	if (sig < 0 || sig >= NSIGNALS)
		return -EINVAL;
	if (!sig || p->state != P_ALIVE)
		return 0;
	int r = signal_send_to(p, NULL, &info);
	return r < 0 ? r : 0;
}

long sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, const siginfo_t *uinfo)
{
	siginfo_t info;
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	long e = user_siginfo(&info, uinfo, sig);
	if (e)
		return e;
	if (sig < 0 || sig >= NSIGNALS)
		return -EINVAL;
	struct thread *t = find_thread(tgid, tid);
	if (!t)
		return -ESRCH;
	return send(t, &info);
}

long sys_sigaltstack(const stack_t *uss, stack_t *uoss)
{
	struct thread *t = cur_thread;
	uint64_t sp = t->tf->rsp;
	stack_t old = {
		.ss_sp = (void *)t->altstack_sp,
		.ss_flags = sigaltstack_flags(sp) | (t->altstack_flags & SS_FLAG_BITS),
		.ss_size = t->altstack_size,
	};
	if (uss) {
		stack_t n;
		if (copy_from_user(&n, uss, sizeof(n)))
			return -EFAULT;
		int e = sigaltstack_set(&n, sp);
		if (e)
			return e;
	}
	if (uoss && copy_to_user(uoss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigreturn(void)
{
	struct trapframe *tf = cur_thread->tf;
	uint64_t sp = tf->rsp;
	if (sigframe_restore(tf) < 0) {
		if (current->pid == 1)
			kprintf("htux: program killed by SIGSEGV: bad signal frame at 0x%lx (ip 0x%lx)\n",
				sp - 8, tf->rip);
		proc_exit(SIGSEGV);
	}
	signal_need_iret = true; /* rcx and r11 too */
	return (long)tf->rax;
}

/* restart_syscall: goes on with a call a stop signal interrupted. Calls
 * are restarted here by running them again, so none is ever left
 * pending for it: EINTR, as Linux answers then. */
long sys_restart_syscall(void) { return -EINTR; }
