/* syscall.c: the dispatcher: calls the table's entry for the number in
 * rax (kernel/syscall_table.c, generated from kernel/syscalls.list), which
 * passes the argument registers to the handler; answers -ENOSYS for the
 * rest, and traces calls when asked. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/strace.h"
#include "kernel/signal.h"
#include "kernel/proc.h"
#include "kernel/bkl.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/fastsys.h"
#include <asm/unistd_64.h>

static inline __attribute__((always_inline)) void dispatch(struct trapframe *tf)
{
	uint64_t nr = tf->rax;
	syscall_fn fn = nr < SYSCALL_MAX ? syscall_table[nr] : NULL;
	long ret;

	if (__builtin_expect(kopts.watch || (!fn && kopts.trace), 0))
		ret = syscall_watched(tf, fn); /* kernel/strace.c */
	else if (fn)
		ret = fn(tf);
	else
		ret = -ENOSYS;
	tf->rax = ret;
	if (tf->rip >= USER_TOP)
		signal_fault(tf, SIGSEGV, tf->rip);
	/* signal_deliver's own test, inline: its call and return are two
	 * block lookups under TCG on every call */
	if (__builtin_expect((int64_t)tf->rax == -EINTR || signal_work_due(cur_thread), 0))
		signal_deliver(tf);
}

/* With several CPUs, under the big kernel lock, let go here rather than
 * in syscall_entry.S: one test of smp_on for both (a way out through
 * trap_return lets it go there). */
void syscall_dispatch(struct trapframe *tf)
{
	if (__builtin_expect(smp_on, 0)) {
		bkl_lock_smp();
		dispatch(tf);
		bkl_exit_to_user();
		return;
	}
	dispatch(tf);
}

/* fastsys: a system call made by a call from a rewritten site
 * (fast_syscall_entry, arch/x86_64/syscall_entry.S, built the frame the
 * syscall instruction at the site would have): as above, and a single
 * step into the call is reported once it returns. */
uint64_t syscall_fast_calls;

__attribute__((section(".text.fastsys"))) void syscall_dispatch_call(struct trapframe *tf)
{
	if (__builtin_expect(smp_on, 0))
		bkl_lock_smp();
	syscall_fast_calls++;
	dispatch(tf);
	if (__builtin_expect(cur_thread->fastcall_step, 0))
		fastsys_step_done(tf);
	if (__builtin_expect(smp_on, 0))
		bkl_exit_to_user();
}

/* fastsys: the light calls, which fast_light_entry runs with interrupts
 * as the program had them (on: no CLI, and so no POPF, which ends TCG's
 * translation block, to set IF again), without the big kernel lock, and
 * leaves without signal_deliver. Only calls that read one value of the
 * caller that an interrupt cannot make stale in a way that matters: no
 * user memory (no fault), no lock, no sleep, no signal, no restart. */
bool syscall_light_ok(uint64_t nr)
{
	switch (nr) {
	case __NR_getpid:
	case __NR_gettid:
	case __NR_getuid:
	case __NR_geteuid:
	case __NR_getgid:
	case __NR_getegid:
	case __NR_getpgrp: return true;
	default: return false;
	}
}

/* The light path's C half (fast_light_entry, arch/x86_64/syscall_entry.S,
 * wrote the frame's number, argument registers, rip, rsp and rflags; the
 * rest only if the call goes down the full path): false sends it there
 * (not a light call, strace or the summary on, a single step to report,
 * work for signal_deliver), the frame unchanged. */
__attribute__((section(".text.fastsys"))) bool syscall_light(struct trapframe *tf)
{
	uint64_t nr = tf->rax;

	if (kopts.watch || !syscall_light_ok(nr) || cur_thread->fastcall_step ||
	    signal_work_due(cur_thread))
		return false;
	tf->rax = (uint64_t)syscall_table[nr](tf);
	if (__builtin_expect(smp_on, 0)) /* no lock held: TCG makes LOCK a helper */
		__atomic_fetch_add(&syscall_fast_calls, 1, __ATOMIC_RELAXED);
	else
		syscall_fast_calls++;
	return true;
}
