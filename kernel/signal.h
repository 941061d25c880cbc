/* signal.h: signals: the program's dispositions, pending signals of the
 * process and of each thread, sending, delivery on the way back to user
 * mode (handlers on a Linux rt_sigframe, default actions), faults, and the
 * interval and POSIX timers that send signals. */
#ifndef HTUX_SIGNAL_H
#define HTUX_SIGNAL_H

#include "kernel/kernel.h"
#include <asm/signal.h>
#include <linux/signal.h>

#define NSIGNALS 65 /* 1..64 */
#define SIGBIT(sig) (1UL << ((sig)-1))
#define SIG_UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

struct trapframe;
struct thread;

/* As rt_sigaction(2) passes it on x86_64. */
struct k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

const char *signal_name(int sig);

/* Is there a signal t would take now (pending for it or for the process,
 * and not blocked by t->sigmask)? The scheduler asks before blocking. */
bool signal_pending(struct thread *t);
/* Will t die of a signal it would take now, or is it told to exit
 * (Linux's fatal_signal_pending)? */
bool signal_fatal_pending(struct thread *t);

/* Sends sig (si_code SI_USER, from the program itself) to one thread, or
 * to the process (taken by any thread that does not block it). Blocked
 * threads that should take it are woken (waitq_wait gives WAKE_SIGNAL). */
void signal_send_thread(struct thread *t, int sig);
void signal_send_proc(int sig);
/* Sends sig to the process from the kernel (si_code SI_KERNEL): timers. */
void signal_send_kernel(int sig);
/* Queues info (si_signo set) for t, or for the process when t is NULL.
 * 0, or -EAGAIN when too many real-time signals are queued. */
int signal_send(struct thread *t, const siginfo_t *info);
/* The same for process p (t NULL: any thread of p that does not block it). */
struct proc;
int signal_send_to(struct proc *p, struct thread *t, const siginfo_t *info);
/* Drops every pending signal of p (p is ending). */
void signal_drop_all(struct proc *p);
/* Takes the lowest pending signal of t (its own first, then the
 * process's) in set; fills info. 0 when none. */
int signal_dequeue(struct thread *t, uint64_t set, siginfo_t *info);
/* Drops every pending signal sig (when its disposition becomes "ignore"). */
void signal_flush(int sig);
/* Drops the pending signal of POSIX timer id (timer_delete). */
void signal_unqueue_timer(int id);
/* The process's pending set (for rt_sigpending). */
uint64_t signal_proc_pending(void);
/* Threads in rt_sigtimedwait sleep here; woken on every send. */
extern struct waitq sigwait_queue;
/* fs/signalfd.c: sig has just become pending; wakes the pollers of the
 * signalfds whose mask has it. */
void signalfd_notify(int sig);

/* On the way back to user mode (end of syscall_dispatch, and of trap()
 * when the frame is from user mode): takes the signals the current thread
 * can take, runs default actions and builds a handler frame for each one
 * handled, and restarts or fails (-EINTR) an interrupted system call.
 *
 * Syscalls that wait with a temporary mask (rt_sigsuspend, ppoll, pselect6,
 * epoll_pwait) set t->sigsaved = the mask to restore, t->sigsaved_valid,
 * then t->sigmask = the temporary one; signal_deliver restores it: at once
 * if the call did not fail with -EINTR, else after recording it in the
 * handler's frame (so rt_sigreturn puts it back). */
void signal_deliver(struct trapframe *tf);

/* The program faulted with sig at addr (tf: its registers, trapno and
 * err from the CPU). Builds a handler frame if one is installed and sig is
 * not blocked; otherwise (or if the frame cannot be written) ends the
 * program with 128+sig and one line on the console. */
void signal_fault(struct trapframe *tf, int sig, uint64_t addr);

/* The default action "terminate": ends the process (pid 1: one line, the
 * VM exits with 128+sig). */
__attribute__((noreturn)) void signal_kill(int sig);

/* Set by rt_sigreturn: return to user mode with IRET (every register as
 * restored) instead of SYSRET (which loses rcx and r11). */
extern bool signal_need_iret;

/* arch/x86_64/sigframe.c: the Linux x86_64 rt_sigframe. */
struct sigfault_regs {
	uint64_t trapno, err, cr2; /* what the sigcontext reports */
};
/* Builds the frame for handler ka of sig on the user stack (or the
 * thread's alternate stack) and points tf at the handler. oldmask is the
 * mask rt_sigreturn restores. 0, or -EFAULT when the frame cannot be
 * written (no SA_RESTORER, bad stack). */
int sigframe_setup(struct trapframe *tf, int sig, const siginfo_t *info,
		   const struct k_sigaction *ka, uint64_t oldmask, const struct sigfault_regs *fr);
/* Restores the registers, FPU state, mask and alternate stack from the
 * frame a handler returned through. 0, or -EFAULT for a bad frame. */
int sigframe_restore(struct trapframe *tf);
/* The alternate-stack state of "sp" for the current thread: SS_ONSTACK,
 * SS_DISABLE or 0 (sigaltstack(2)'s ss_flags). */
int sigaltstack_flags(uint64_t sp);
/* sigaltstack(2)'s work, also used by rt_sigreturn: 0 or -errno. */
int sigaltstack_set(const stack_t *ss, uint64_t sp);

/* kernel/timer.c: per-tick expiry of alarm/setitimer and POSIX
 * timers (called from sched_tick), and the overrun count of a timer whose
 * signal is being taken (fills info->si_overrun). */
void signal_timers_tick(uint64_t now);
uint64_t signal_timers_next(void); /* earliest expiry (time_ns()), 0: none */
void timer_signal_taken(siginfo_t *info);
/* Deletes the POSIX timers of a process that ends. */
struct proc;
void itimer_proc_exit(struct proc *p);

#endif
