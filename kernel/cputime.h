/* cputime.h: CPU time accounting: the time each thread spends running in
 * user mode and in the kernel (run time measured with the TSC at every
 * switch, so exactly; split into user and system time by the timer ticks
 * that found the thread in either, as Linux's tick-based accounting does,
 * so that a system call pays nothing for it; idle time is nobody's),
 * and the totals of a process (its threads, live and ended) and of its
 * waited-for children, as getrusage, times, the CPU-time clocks, wait4 and
 * /proc/<pid>/stat report them; the context switches the scheduler
 * counts (struct thread's nvcsw, nivcsw) are totalled the same way. */
#ifndef HTUX_CPUTIME_H
#define HTUX_CPUTIME_H

#include "kernel/kernel.h"
#include <linux/resource.h>

struct thread;
struct proc;

/* A CPU time in ns: user and system (kernel) parts; with the voluntary
 * and involuntary context switches of the same threads. */
struct cputime {
	uint64_t user, sys;
	uint64_t nvcsw, nivcsw;
};

/* A timer tick found the running thread in user mode (user) or in the
 * kernel: one sample of how its run time (and its CPU's busy time) splits. */
void cputime_tick(bool user);
/* A CPU's own times (/proc/stat): it counts from TSC value tsc on (CPU 0:
 * boot; the others: joining the scheduler); it halts in its idle loop (or,
 * with one CPU, in schedule()) and wakes; its user, system and idle time
 * so far in ns (with the big lock). */
struct percpu;
void cputime_cpu_up(struct percpu *c, uint64_t tsc);
void cputime_halt_begin(void);
void cputime_halt_end(void);
void cputime_cpu(unsigned cpu, uint64_t ns[3]);
/* The scheduler: t stops running (blocks, yields, is preempted, exits);
 * t runs on from that very moment (the next thread, or a new thread's
 * first run: no second TSC read); the first thread starts now; the CPU
 * stops idling (the time since the stop was nobody's). */
void cputime_stop(struct thread *t);
void cputime_resume(struct thread *t);
void cputime_start(struct thread *t);
void cputime_idle_end(void);
/* An ending thread's time goes to its process's total. */
void cputime_thread_gone(struct thread *t);
/* A child reaped by its parent: its own and its children's time go to
 * the parent's children's total (as Linux at wait). */
void cputime_reaped(struct proc *parent, const struct proc *child);
/* Boot work done on a program's first need (the TSC's and the LAPIC
 * timer's calibrations) since TSC value since: nobody's time. */
void cputime_not_charged(uint64_t since_tsc);
/* A new process (fork) starts with none. */
void cputime_fork(struct proc *p);

/* Up to now (the calling thread's current stretch included). */
struct cputime cputime_thread(struct thread *t);
struct cputime cputime_proc(struct proc *p);
struct cputime cputime_children(struct proc *p);
/* *r: the times of c, everything else zero. */
void cputime_rusage(struct rusage *r, struct cputime c);
/* ns in clock ticks (USER_HZ, 100 a second), as times() and /proc give them. */
static inline unsigned long cputime_ticks(uint64_t ns) { return ns / (1000000000 / 100); }

#endif
