/* sched.h: threads and the scheduler: the thread record, the run queue,
 * blocking on wait queues with an optional deadline, sleeping, and the
 * timer tick that preempts the program's threads.
 *
 * The kernel is not preemptive: it runs with interrupts off from entry to
 * return, so a thread that checks a condition and then calls waitq_wait()
 * cannot miss a wake-up in between. Interrupts are on in user mode and in
 * the idle loop only. */
#ifndef HTUX_SCHED_H
#define HTUX_SCHED_H

#include "kernel/kernel.h"
#include "kernel/mempolicy.h"
#include "arch/x86_64/cpu.h" /* struct percpu: the running thread is per CPU */

struct proc;
struct trapframe;
struct thread;

/* Threads waiting for something; a zeroed struct is an empty queue. */
struct waitq {
	struct thread *head;
};

enum thread_state { T_RUNNABLE, T_BLOCKED, T_DEAD };

struct thread {
	int tid;
	enum thread_state state;
	struct proc *proc;
	uint64_t ksp; /* saved kernel stack pointer while switched out */
	void *kstack; /* kmalloc'd kernel stack */
	uint64_t kstack_top;
	struct trapframe *tf;     /* the user registers, at the top of kstack */
	uint64_t fs_base;         /* user %fs base (TLS) */
	uint64_t gs_base;         /* user %gs base */
	uint64_t clear_child_tid; /* set_tid_address / CLONE_CHILD_CLEARTID */
	uint64_t
		set_child_tid; /* CLONE_CHILD_SETTID of a new process: written when it first runs */
	bool must_exit; /* its process is ending or execs: leave at the next return to user mode */
	bool exiting;   /* in thread_exit: out of memory fails its faults, never kills it again */
	bool kthread;   /* a CPU's idle thread: never in user mode, takes no signal */
	uint64_t robust_list;
	size_t robust_len;
	/* Restartable sequences (kernel/rseq.c): the registered struct rseq
	 * (0: none), its length and signature, and whether the thread was
	 * switched out since it last returned to user mode. */
	uint64_t rseq;
	uint32_t rseq_len, rseq_sig;
	uint32_t rseq_cpu;     /* the CPU its ids say (~0: not written yet) */
	bool rseq_event;       /* preempted: a critical section may need aborting */
	struct mempolicy mpol; /* set_mempolicy's (kernel/mempolicy.h); kept by clones and exec */
	/* fastsys: a single step into a call to the kernel's fast entry, put
	 * off until the call returns (arch/x86_64/fastsys.c; dropped by a way
	 * out through IRET elsewhere: arch/x86_64/usermode.c) */
	bool fastcall_step;

	/* CPU time (kernel/cputime.c): run time in TSC ticks, the TSC when
	 * the current stretch began, and the timer ticks that found it in
	 * user mode and in the kernel (they split the run time). */
	uint64_t run_tsc, acct_tsc;
	uint32_t uticks, sticks;
	/* Context switches (getrusage's ru_nvcsw, ru_nivcsw): it blocked;
	 * it was switched out while it could still run (preempted, yielded). */
	uint64_t nvcsw, nivcsw;

	/* Signals (kernel/signal.c). */
	uint64_t sigmask;    /* blocked */
	uint64_t sigpending; /* sent to this thread */
	uint64_t sigsaved;   /* mask to restore after rt_sigsuspend/pselect */
	bool sigsaved_valid;
	uint64_t altstack_sp, altstack_size;
	int altstack_flags;

	/* Scheduling. */
	struct thread *run_next;  /* run queue link */
	struct thread *wait_next; /* wait queue link */
	struct waitq *waiting_on; /* queue this thread sleeps on, if any */
	uint64_t deadline;        /* time_ns() to wake at, 0: none */
	uint64_t affinity;        /* the CPUs it may run on (sched_setaffinity) */
	unsigned cpu;             /* the CPU it runs or last ran on; its queue's */
	int wake_reason;          /* WAKE_* */
	struct thread *all_next;  /* every thread of every process */

	uint8_t fpu[512] __attribute__((aligned(16))); /* FXSAVE area */
};

#define WAKE_EVENT 0   /* woken by waitq_wake */
#define WAKE_TIMEOUT 1 /* the deadline passed */
#define WAKE_SIGNAL 2  /* a signal arrived for the thread */

/* The thread this CPU runs (its idle thread between others). */
#define cur_thread (this_cpu_thread())
extern struct thread *all_threads;

/* Makes the first thread of p (the one exec starts); call before entering
 * user mode. */
struct thread *sched_first_thread(struct proc *p);
/* A new runnable thread of the current program whose user registers start
 * as a copy of tf (the caller then adjusts tf's copy in ->tf). NULL when
 * out of memory. */
struct thread *thread_create(const struct trapframe *tf);
/* The same in process p (a new process made by fork). */
struct thread *thread_create_in(struct proc *p, const struct trapframe *tf);
/* Ends the calling thread with exit status (0-255); the last one of its
 * process ends the process (kernel/proc.c; pid 1: the VM). */
__attribute__((noreturn)) void thread_exit(int status);
struct thread *thread_find(int tid);
/* The thread a pid argument names (sched_*affinity): 0 the caller, else
 * a thread id, or the caller's process id (its first thread may be gone);
 * NULL: none. */
struct thread *thread_by_id(int id);
int thread_count(void); /* of the current process */
/* The next thread id (a new process's pid is its first thread's id). */
int thread_peek_tid(void);

/* Blocks the current thread on q until waitq_wake*, a signal (when the
 * thread has an unblocked pending signal) or the absolute time deadline
 * (time_ns(), 0: none). Returns WAKE_EVENT, WAKE_TIMEOUT or WAKE_SIGNAL.
 * q may be NULL to wait only for the deadline or a signal. */
int waitq_wait(struct waitq *q, uint64_t deadline);
/* Blocks on q until waitq_wake* whatever signals arrive (a vfork parent
 * waiting for its child); returns WAKE_EVENT or WAKE_SIGNAL (woken by a
 * signal: the caller checks its condition again). */
int waitq_wait_nosig(struct waitq *q);
/* Wakes up to n threads (n < 0: all) waiting on q; returns how many. */
int waitq_wake(struct waitq *q, int n);
static inline int waitq_wake_all(struct waitq *q) { return waitq_wake(q, -1); }
/* Wakes t out of whatever it waits on, with reason WAKE_SIGNAL. */
void thread_interrupt(struct thread *t);

/* Puts t on the run queue. */
void sched_make_runnable(struct thread *t);
/* Runs the next runnable thread; the current one goes back on the queue if
 * it is still runnable. Idles (HLT) while nothing can run. */
void schedule(void);
/* Saves prev's CPU state and resumes next (kernel/thread.c). */
void thread_switch(struct thread *prev, struct thread *next);
/* arch/x86_64/switch.S: saves the callee-saved registers and the stack in
 * *old_ksp, and resumes the stack new_ksp. */
void switch_to(uint64_t *old_ksp, uint64_t new_ksp);
/* A kernel thread record (not a task of any process: a CPU's idle
 * thread) whose first run enters fn on its own stack. NULL: no memory. */
struct thread *thread_make_kernel(void (*fn)(void));

/* Several CPUs (kernel/sched.c): gives every started CPU an idle thread
 * and turns smp_on on (called once, by init, in the kernel); an AP enters
 * its idle thread (arch/x86_64/smp.c); sched_kick sends an IPI to the CPU
 * that runs t, so that it looks at t's signals. */
void sched_smp_start(void);
/* The CPUs programs may use (sched_getaffinity, /sys/devices/system/cpu,
 * /proc/cpuinfo): a bit per CPU; how many. */
uint64_t sched_cpus_mask(void);
unsigned sched_cpu_count(void);
/* sched_setaffinity: t runs only on the CPUs of mask (cut to the online
 * ones; -EINVAL if none is); the caller moves at once. */
int sched_set_affinity(struct thread *t, uint64_t mask);
/* A wake-up IPI that found a thread in user mode (arch/x86_64/trap.c):
 * it moves if its affinity no longer has this CPU. */
void sched_ipi_user(void);
__attribute__((noreturn)) void sched_ap_enter(void);
void sched_kick(struct thread *t);

/* Gives the CPU to another runnable thread, if any. */
void sched_yield_cpu(void);
/* Sleeps until time_ns() >= deadline or a signal: WAKE_TIMEOUT or WAKE_SIGNAL. */
int sched_sleep_until(uint64_t deadline);

/* kernel/rseq.c: rseq(2) for the current thread: register (the ids are
 * written on the way out) and unregister (-EFAULT: the area cannot be
 * written). rseq_return: on the way back to user mode (sig 0), or before
 * delivering sig: writes the ids and moves tf's rip to the critical
 * section's abort_ip when it is inside one, after a preemption or for the
 * signal; a broken area gets SIGSEGV. rseq_fork: a fork child keeps the
 * parent's registration (a thread or CLONE_VM child gets none). */
long rseq_register(uint64_t rs, uint32_t len, uint32_t sig);
long rseq_unregister(void);
void rseq_return_work(struct trapframe *tf, int sig);
/* Inline: every system call's return passes here, and only a thread with
 * an area that was preempted, moved to another CPU or takes a signal has
 * work (one that blocked in a system call was outside any critical
 * section). */
static inline bool rseq_return_due(const struct thread *t)
{
	return t->rseq && (t->rseq_event || t->rseq_cpu != this_cpu_id());
}
static inline void rseq_return(struct trapframe *tf, int sig)
{
	struct thread *t = cur_thread;
	if (t->rseq && (sig || rseq_return_due(t)))
		rseq_return_work(tf, sig);
}
void rseq_fork(struct thread *child, const struct thread *parent);

/* Whether t has a signal it would take now (kernel/signal.c). */
bool signal_pending(struct thread *t);

/* Timer interrupt (arch): wakes sleepers whose deadline passed, polls
 * devices without interrupts (the console), and preempts a thread that
 * has run its time slice when from_user. */
void sched_tick(bool from_user);
/* The threads waiting on CPU cpu's queue. */
int sched_queue_len(unsigned cpu);
/* CPU 0's tick: every CPU and thread on the console if an NMI asked for
 * it (kernel/sched_report.c). */
void sched_report(void);
/* Called on every tick: things to poll (console input). Each returns
 * nothing; they wake their own queues. */
void console_poll(void);
/* fs/console.c: COM1's input by interrupt (after the I/O APIC is known). */
void console_irq_init(void);

/* Per-tick timer (arch/x86_64/lapic.c), one per CPU. It starts the first time it
 * is needed (a second thread, or a wait with a deadline) so that boot pays
 * nothing for it. It is one-shot: each interrupt sets the next one a tick
 * later (timer_rearm), and timer_wake_at brings it forward to a deadline
 * (time_ns()) that comes before, so that sleepers and timers wake on time
 * rather than at the next tick. */
void timer_start(void);
void timer_rearm(void);
void timer_wake_at(uint64_t deadline);
/* No next interrupt (a halted CPU other than 0) until rearmed. */
void timer_stop(void);
#define TICK_NS 4000000UL /* 4 ms */

#endif
