/* signal.c: what happens to a signal: dispositions (kept in struct proc),
 * pending signals (the process's and each thread's, with their siginfo,
 * queued in struct proc), sending to any process and waking the thread that will
 * take a signal, and delivery on the way back to user mode: default
 * actions, handler frames (arch/x86_64/sigframe.c), restarting or failing
 * an interrupted system call, and faults. */
#include "kernel/kernel.h"
#include "kernel/signal.h"
#include "kernel/backtrace.h"
#include "kernel/sched.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "arch/x86_64/trap.h"
#include <asm/unistd_64.h>
#include <linux/futex.h>

struct waitq sigwait_queue;
bool signal_need_iret;

/* One queued signal with its siginfo, for a thread (tid) or for the
 * process (tid 0), in the order sent. The pending bit of a target says
 * whether it has any; a bit without an entry (out of memory, queue full)
 * is taken with a bare SI_KERNEL siginfo. */
struct sigq {
	int tid;
	siginfo_t info;
	struct sigq *next;
};

#define SIGQ_MAX 1024 /* queued siginfos, as RLIMIT_SIGPENDING */

/* The faults a thread causes itself: taken before other signals. */
#define SYNCHRONOUS \
	(SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | SIGBIT(SIGFPE) | \
	 SIGBIT(SIGSYS))
/* Default action "ignore" (stop signals too: there is no job control). */
#define DEFAULT_IGNORE \
	(SIGBIT(SIGCHLD) | SIGBIT(SIGURG) | SIGBIT(SIGWINCH) | SIGBIT(SIGCONT) | SIGBIT(SIGSTOP) | \
	 SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

static const char *const names[] = {
	[SIGHUP] = "SIGHUP",       [SIGINT] = "SIGINT",       [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL",       [SIGTRAP] = "SIGTRAP",     [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS",       [SIGFPE] = "SIGFPE",       [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1",     [SIGSEGV] = "SIGSEGV",     [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE",     [SIGALRM] = "SIGALRM",     [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD",     [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP",     [SIGTSTP] = "SIGTSTP",     [SIGTTIN] = "SIGTTIN",
	[SIGTTOU] = "SIGTTOU",     [SIGURG] = "SIGURG",       [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ",     [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
	[SIGWINCH] = "SIGWINCH",   [SIGIO] = "SIGIO",         [SIGPWR] = "SIGPWR",
	[SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
	if (sig > 0 && sig < (int)ARRAY_SIZE(names) && names[sig])
		return names[sig];
	return "signal";
}

void signal_kill(int sig)
{
	if (proc_is_program(current)) { /* the VM's program: its death ends the VM */
		if (sig > 0 && sig < (int)ARRAY_SIZE(names) && names[sig])
			kprintf("htux: program killed by %s\n", names[sig]);
		else
			kprintf("htux: program killed by signal %d\n", sig);
	}
	proc_exit(sig);
}

/* Does sig's disposition in p discard it? pid 1 is a container's init
 * (Linux's SIGNAL_UNKILLABLE in a pid namespace): it takes no signal it
 * has no handler for, SIGKILL included, since every sender is inside;
 * the faults it causes still kill it (signal_fault). */
static bool disposition_ignores(struct proc *p, int sig)
{
	uint64_t h = p->sigactions[sig].handler;
	return h == (uint64_t)SIG_IGN ||
	       (h == (uint64_t)SIG_DFL && (DEFAULT_IGNORE & SIGBIT(sig))) ||
	       (h == (uint64_t)SIG_DFL && p->pid == 1);
}

bool signal_pending(struct thread *t)
{
	return t->must_exit || ((t->sigpending | t->proc->sigpending) & ~t->sigmask) != 0;
}

bool signal_fatal_pending(struct thread *t)
{
	struct proc *p = t->proc;
	if (t->must_exit || p->exiting)
		return true;
	uint64_t set = (t->sigpending | p->sigpending) & ~t->sigmask;
	for (int sig = 1; sig < NSIGNALS; sig++)
		if ((set & SIGBIT(sig)) && p->sigactions[sig].handler == (uint64_t)SIG_DFL &&
		    !disposition_ignores(p, sig))
			return true;
	return false;
}

uint64_t signal_proc_pending(void) { return current->sigpending; }

static uint64_t *pending_of(struct proc *p, int tid)
{
	if (tid == 0)
		return &p->sigpending;
	struct thread *t = thread_find(tid);
	return t && t->proc == p ? &t->sigpending : NULL;
}

/* Unlinks *pp (an entry of p leaving the queue for good). */
static void unlink_entry(struct proc *p, struct sigq **pp)
{
	struct sigq *q = *pp;
	*pp = q->next;
	p->nqueued--;
	if (q->info.si_code == SI_TIMER)
		timer_signal_taken(&q->info);
	kfree(q);
}

/* Keeps the pending bit of (tid, sig) true to the queue. */
static void recheck_bit(struct proc *pr, int tid, int sig)
{
	uint64_t *p = pending_of(pr, tid);
	if (!p)
		return;
	for (struct sigq *q = pr->sigqueue; q; q = q->next)
		if (q->tid == tid && q->info.si_signo == sig)
			return;
	*p &= ~SIGBIT(sig);
}

/* Entries of threads that no longer exist (they are not reused: tids only
 * grow). */
static void drop_dead(struct proc *p)
{
	for (struct sigq **pp = &p->sigqueue; *pp;)
		if ((*pp)->tid && !thread_find((*pp)->tid))
			unlink_entry(p, pp);
		else
			pp = &(*pp)->next;
}

void signal_flush(int sig)
{
	struct proc *p = current;
	for (struct sigq **pp = &p->sigqueue; *pp;)
		if ((*pp)->info.si_signo == sig)
			unlink_entry(p, pp);
		else
			pp = &(*pp)->next;
	p->sigpending &= ~SIGBIT(sig);
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->proc == p)
			t->sigpending &= ~SIGBIT(sig);
}

void signal_drop_all(struct proc *p)
{
	while (p->sigqueue) {
		struct sigq *q = p->sigqueue;
		p->sigqueue = q->next;
		kfree(q);
	}
	p->nqueued = 0;
	p->sigpending = 0;
}

void signal_unqueue_timer(int id)
{
	struct proc *p = current;
	for (struct sigq **pp = &p->sigqueue; *pp;) {
		struct sigq *q = *pp;
		if (q->info.si_code == SI_TIMER && q->info.si_tid == id) {
			int tid = q->tid, sig = q->info.si_signo;
			*pp = q->next;
			p->nqueued--;
			kfree(q);
			recheck_bit(p, tid, sig);
		} else {
			pp = &q->next;
		}
	}
}

/* The thread that should take a process signal: the current one if it
 * does not block it, else the first that does not. */
static struct thread *proc_target(struct proc *p, int sig)
{
	struct thread *me = cur_thread; /* in an interrupt: maybe a CPU's idle thread */
	if (me && !me->kthread && me->proc == p && !(me->sigmask & SIGBIT(sig)))
		return me;
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->proc == p && t->state != T_DEAD && !(t->sigmask & SIGBIT(sig)))
			return t;
	return NULL;
}

static bool blocked_by_some_thread(struct proc *p, int sig)
{
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->proc == p && (t->sigmask & SIGBIT(sig)))
			return true;
	return false;
}

int signal_send(struct thread *t, const siginfo_t *info)
{
	return signal_send_to(t ? t->proc : current, t, info);
}

int signal_send_to(struct proc *p, struct thread *t, const siginfo_t *info)
{
	int sig = info->si_signo;
	uint64_t *pending = t ? &t->sigpending : &p->sigpending;
	int queued = 0;

	if (p->state != P_ALIVE || p->exiting)
		return 0;
	if (p->pid == 1 && kopts.init)
		return init_signal(info); /* the built-in init (kernel/init.c) */
	/* An ignored signal is discarded unless blocked (it may be waited
	 * for with sigtimedwait, or the disposition may change). */
	bool blocked = t ? (t->sigmask & SIGBIT(sig)) != 0 : blocked_by_some_thread(p, sig);
	if (!blocked && disposition_ignores(p, sig))
		return 0;
	/* A standard signal is pending once at most. */
	if (sig < SIGRTMIN && (*pending & SIGBIT(sig)))
		goto wake;
	if (p->nqueued >= SIGQ_MAX)
		drop_dead(p);
	if (p->nqueued >= SIGQ_MAX && sig >= SIGRTMIN && info->si_code < 0)
		return -EAGAIN;
	struct sigq *q = p->nqueued < SIGQ_MAX ? kmalloc(sizeof(*q)) : NULL;
	if (q) {
		q->tid = t ? t->tid : 0;
		q->info = *info;
		q->next = NULL;
		struct sigq **pp = &p->sigqueue;
		while (*pp)
			pp = &(*pp)->next;
		*pp = q;
		p->nqueued++;
		queued = 1;
	}
	*pending |= SIGBIT(sig);
	signalfd_notify(sig); /* a signalfd watching sig may be ready now */
wake:
	if (!t)
		t = proc_target(p, sig);
	if (t && t->state == T_BLOCKED && !(t->sigmask & SIGBIT(sig)))
		thread_interrupt(t);
	waitq_wake_all(&sigwait_queue);
	return queued;
}

static void user_info(siginfo_t *info, int sig)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = SI_USER;
	info->si_pid = current->pid;
	info->si_uid = 0;
}

void signal_send_thread(struct thread *t, int sig)
{
	siginfo_t info;
	user_info(&info, sig);
	signal_send(t, &info);
}

void signal_send_proc(int sig)
{
	siginfo_t info;
	user_info(&info, sig);
	signal_send(NULL, &info);
}

void signal_send_kernel(int sig)
{
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = SI_KERNEL;
	signal_send(NULL, &info);
}

/* The signal to take first among set: faults, then the lowest number. */
static int pick(uint64_t set)
{
	if (set & SYNCHRONOUS)
		set &= SYNCHRONOUS;
	return __builtin_ctzll(set) + 1;
}

static void take(struct proc *pr, int tid, int sig, siginfo_t *info)
{
	for (struct sigq **pp = &pr->sigqueue; *pp; pp = &(*pp)->next)
		if ((*pp)->tid == tid && (*pp)->info.si_signo == sig) {
			*info = (*pp)->info;
			struct sigq *q = *pp;
			*pp = q->next;
			pr->nqueued--;
			kfree(q);
			if (info->si_code == SI_TIMER)
				timer_signal_taken(info);
			recheck_bit(pr, tid, sig);
			return;
		}
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = SI_KERNEL;
	uint64_t *p = pending_of(pr, tid);
	if (p)
		*p &= ~SIGBIT(sig);
}

int signal_dequeue(struct thread *t, uint64_t set, siginfo_t *info)
{
	uint64_t mine = t->sigpending & set, shared = t->proc->sigpending & set;
	if (mine) {
		int sig = pick(mine);
		take(t->proc, t->tid, sig, info);
		return sig;
	}
	if (shared) {
		int sig = pick(shared);
		take(t->proc, 0, sig, info);
		return sig;
	}
	return 0;
}

/* Would SA_RESTART (handler) or the absence of a handler make the system
 * call that failed with -EINTR in tf start again? As on Linux: the calls
 * that wait for data or an event without a timeout restart with
 * SA_RESTART; pause and sigsuspend restart only when no handler ran;
 * sleeps, poll/select/epoll, sigtimedwait and waits with a timeout fail
 * with EINTR. */
static bool restartable(const struct trapframe *tf, bool handler)
{
	switch (tf->err) {
	case __NR_read:
	case __NR_write:
	case __NR_readv:
	case __NR_writev:
	case __NR_pread64:
	case __NR_pwrite64:
	case __NR_preadv:
	case __NR_pwritev:
	case __NR_preadv2:
	case __NR_pwritev2:
	case __NR_ioctl:
	case __NR_open:
	case __NR_openat:
	case __NR_wait4:
	case __NR_waitid:
	case __NR_accept:
	case __NR_accept4:
	case __NR_recvfrom:
	case __NR_sendto:
	case __NR_recvmsg:
	case __NR_sendmsg:
	case __NR_recvmmsg:
	case __NR_sendmmsg:
	case __NR_flock:
	case __NR_fcntl:
	case __NR_sendfile:
	case __NR_splice:
	case __NR_tee:
	case __NR_copy_file_range:
	case __NR_futex_waitv: return true; /* its timeout is absolute */
	case __NR_futex: {
		int cmd = (int)tf->rsi & FUTEX_CMD_MASK;
		return (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) && tf->r10 == 0;
	}
	case __NR_pause:
	case __NR_rt_sigsuspend: return !handler;
	default: return false;
	}
}

static void restart(struct trapframe *tf)
{
	tf->rax = tf->err;
	syscall_rewind(tf); /* the syscall instruction (or a trampoline's call) */
}

/* Builds the frame for handler ka of sig; then the handler's mask. */
static int run_handler(struct trapframe *tf, int sig, const siginfo_t *info,
		       const struct sigfault_regs *fr)
{
	struct thread *t = cur_thread;
	struct k_sigaction *ka = &current->sigactions[sig];
	uint64_t oldmask = t->sigsaved_valid ? t->sigsaved : t->sigmask;

	rseq_return(tf, sig); /* the frame saves the critical section's abort_ip */
	if (sigframe_setup(tf, sig, info, ka, oldmask, fr) < 0)
		return -EFAULT;
	t->sigsaved_valid = false;
	t->sigmask |= ka->mask;
	if (!(ka->flags & SA_NODEFER))
		t->sigmask |= SIGBIT(sig);
	t->sigmask &= ~SIG_UNBLOCKABLE;
	if (ka->flags & SA_RESETHAND) {
		ka->handler = (uint64_t)SIG_DFL;
		ka->flags &= ~SA_RESETHAND;
	}
	return 0;
}

static __attribute__((noreturn)) void bad_stack(struct trapframe *tf, int sig)
{
	if (proc_is_program(current))
		kprintf("htux: program killed by SIGSEGV: cannot deliver %s (no restorer, bad handler or "
			"stack; sp 0x%lx, ip 0x%lx)\n",
			signal_name(sig), tf->rsp, tf->rip);
	proc_exit(SIGSEGV);
}

static __attribute__((noinline)) void deliver(struct trapframe *tf, struct thread *t);

/* Every return to user mode comes here, nearly always with nothing to do:
 * no exit, no saved mask, no signal pending and unblocked, no rseq work,
 * no -EINTR to restart, no IRET asked for. That is tested first, without
 * deliver()'s frame. */
void signal_deliver(struct trapframe *tf)
{
	struct thread *t = cur_thread;
	if ((int64_t)tf->rax == -EINTR || signal_work_due(t))
		deliver(tf, t);
}

static void deliver(struct trapframe *tf, struct thread *t)
{
	bool syscall = tf_syscall(tf);
	bool eintr = syscall && tf->err != __NR_rt_sigreturn && (int64_t)tf->rax == -EINTR;
	bool handled = false;

	if (t->must_exit)
		thread_exit(0); /* exit_group, a fatal signal or execve in another thread */
	rseq_return(tf, 0);     /* after a preemption: ids, and the critical section's abort */
	if (t->sigsaved_valid && !eintr) {
		t->sigmask = t->sigsaved;
		t->sigsaved_valid = false;
	}
	for (;;) {
		siginfo_t info;
		int sig = signal_dequeue(t, ~t->sigmask, &info);
		if (!sig)
			break;
		if (disposition_ignores(current, sig))
			continue;
		if (current->sigactions[sig].handler == (uint64_t)SIG_DFL)
			signal_kill(sig);
		if (eintr && !handled && (current->sigactions[sig].flags & SA_RESTART) &&
		    restartable(tf, true))
			restart(tf);
		struct sigfault_regs none = { 0, 0, 0 };
		if (run_handler(tf, sig, &info, &none) < 0)
			bad_stack(tf, sig);
		handled = true;
	}
	if (eintr && !handled && restartable(tf, false))
		restart(tf);
	if (t->sigsaved_valid) {
		t->sigmask = t->sigsaved;
		t->sigsaved_valid = false;
	}
	if (signal_need_iret && syscall) {
		signal_need_iret = false;
		trap_return(tf);
	}
}

/* si_code of an x87 or SSE floating-point exception. */
static int fpe_code(uint64_t trapno)
{
	uint32_t err;
	if (trapno == T_XM) {
		uint32_t mxcsr;
		__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
		err = ~(mxcsr >> 7) & mxcsr & 0x3f;
	} else {
		uint16_t sw, cw;
		__asm__ volatile("fnstsw %0; fnstcw %1" : "=m"(sw), "=m"(cw));
		err = sw & ~cw & 0x3f;
	}
	if (err & 0x01)
		return FPE_FLTINV;
	if (err & 0x04)
		return FPE_FLTDIV;
	if (err & 0x08)
		return FPE_FLTOVF;
	if (err & 0x12)
		return FPE_FLTUND;
	if (err & 0x20)
		return FPE_FLTRES;
	return FPE_FLTUNK;
}

static int fault_code(const struct trapframe *tf, int sig, uint64_t addr)
{
	switch (sig) {
	case SIGSEGV:
		if (tf->trapno != T_PF && !tf_syscall(tf))
			return SI_KERNEL; /* general protection: no address */
		return addr < USER_TOP && vm_find(current->mm, addr) ? SEGV_ACCERR : SEGV_MAPERR;
	case SIGFPE: return tf->trapno == T_DE ? FPE_INTDIV : fpe_code(tf->trapno);
	case SIGILL: return ILL_ILLOPN;
	case SIGTRAP: return tf->trapno == T_BP ? SI_KERNEL : TRAP_TRACE;
	case SIGBUS: return tf->trapno == T_PF ? BUS_ADRERR : BUS_ADRALN;
	default: return SI_KERNEL;
	}
}

static __attribute__((noreturn)) void fault_kill(struct trapframe *tf, int sig, uint64_t addr)
{
	if (!proc_is_program(current))
		proc_exit(sig); /* the parent sees it in the wait status */
	if (sig == SIGSEGV || sig == SIGBUS)
		kprintf("htux: program killed by %s: bad access at 0x%lx (ip 0x%lx)\n",
			signal_name(sig), addr, tf->rip);
	else
		kprintf("htux: program killed by %s at ip 0x%lx\n", signal_name(sig), tf->rip);
	if (kopts.verbose)
		trap_dump(tf);
	backtrace_user(tf); /* on the diagnostics channel */
	if (current->pid != 1)
		proc_exit(sig); /* pid 2 under the built-in init: it reports the status */
	vm_exit(128 + sig);
}

void signal_fault(struct trapframe *tf, int sig, uint64_t addr)
{
	struct thread *t = cur_thread;
	uint64_t h = current->sigactions[sig].handler;

	if (h == (uint64_t)SIG_DFL || h == (uint64_t)SIG_IGN || (t->sigmask & SIGBIT(sig)))
		fault_kill(tf, sig, addr);
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = fault_code(tf, sig, addr);
	info.si_addr = info.si_code == SI_KERNEL ? NULL : (void *)addr;
	struct sigfault_regs fr = { tf->trapno, tf->err, 0 };
	if (tf->trapno == T_PF)
		fr.cr2 = addr;
	if (tf_syscall(tf)) { /* returned to a bad address */
		fr.trapno = T_PF;
		fr.err = 0x14; /* user instruction fetch */
		fr.cr2 = addr;
	}
	if (run_handler(tf, sig, &info, &fr) < 0)
		fault_kill(tf, sig, addr);
}

/* sigaltstack state of the current thread. */
int sigaltstack_flags(uint64_t sp)
{
	struct thread *t = cur_thread;
	if (!t->altstack_size)
		return SS_DISABLE;
	if (t->altstack_flags & SS_AUTODISARM)
		return 0; /* disarmed while a handler runs on it: never "on" it */
	return sp > t->altstack_sp && sp - t->altstack_sp <= t->altstack_size ? SS_ONSTACK : 0;
}

int sigaltstack_set(const stack_t *ss, uint64_t sp)
{
	struct thread *t = cur_thread;
	uint64_t base = (uint64_t)ss->ss_sp, size = ss->ss_size;
	int flags = ss->ss_flags;

	if (t->altstack_sp == base && t->altstack_size == size && t->altstack_flags == flags)
		return 0;
	if (sigaltstack_flags(sp) == SS_ONSTACK)
		return -EPERM;
	int mode = flags & ~(int)SS_FLAG_BITS;
	if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		base = 0;
		size = 0;
	} else if (size < MINSIGSTKSZ) {
		return -ENOMEM;
	}
	t->altstack_sp = base;
	t->altstack_size = size;
	t->altstack_flags = flags;
	return 0;
}
