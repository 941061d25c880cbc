/* bkl.h: the big kernel lock (kernel/bkl.c): with several CPUs, one at a
 * time runs kernel code. It is taken on every entry from user mode (system
 * call, interrupt, fault) and by an idle CPU that finds work, and let go
 * on every way back to user mode and before an idle CPU halts. A thread
 * that blocks keeps it across the switch: the CPU, not the thread, holds
 * it. So the kernel's rule for one CPU ("interrupts off from entry to
 * return: nothing else runs in between") holds for several. With one CPU
 * (smp_on false) every operation is a test and a branch. */
#ifndef HTUX_BKL_H
#define HTUX_BKL_H

#include <stdbool.h>
#include "arch/x86_64/cpu.h"

/* Set once, at boot, when other CPUs join the scheduler (kernel/sched.c). */
extern bool smp_on;

void bkl_lock_smp(void);
/* to_user: the CPU goes on to ring 3; else it takes the lock again
 * before it touches user memory (arch/x86_64/tlb.c counts on it). */
void bkl_unlock_smp(bool to_user);
static inline void bkl_lock(void)
{
	if (smp_on)
		bkl_lock_smp();
}
/* Sends the TLB flushes this CPU owes the others first (arch/x86_64/tlb.c). */
static inline void bkl_unlock(void)
{
	if (smp_on)
		bkl_unlock_smp(false);
}
/* On every way back to ring 3 (arch/x86_64/vectors.S, and
 * syscall_dispatch for SYSRET, which call it only when smp_on), interrupts
 * off: lets the lock go if this CPU holds it. */
void bkl_exit_to_user(void);

/* Its state in words, for the NMI report (kernel/sched_report.c). */
void bkl_describe(char *buf, size_t size);

static inline bool bkl_mine(void) { return this_cpu()->bkl_held != 0; }

/* Waits for an interrupt with interrupts on (a driver waiting for its
 * device where it cannot sleep): with several CPUs, without the lock, so
 * the CPU that takes the device's interrupt can handle it. */
void cpu_wait_interrupt(void);

#endif
