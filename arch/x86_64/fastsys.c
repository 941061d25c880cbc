/* fastsys.c: the kernel's side of system calls made by a call with the
 * program in ring 0 (fastsys): restarting a system call (such a call, or
 * the syscall instruction), a single step into fast_syscall_entry, and
 * the test hook of
 * fastsys=selftest: one page with a trampoline mapped into the program,
 * its address in the aux vector. */
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/vm.h"
#include "arch/x86_64/fastsys.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include <linux/mman.h>

void fast_syscall_entry(void);
void fast_light_entry(void);
extern const uint8_t fast_exit_jmp[], fast_light_jmp[];
extern const uint8_t fastcall_test_page[];

/* The trampoline's call: call *disp32(%rip), 6 bytes (the contract). */
#define CALL_LEN 6
#define RED_ZONE 128

uint64_t fastsys_entry(void) { return (uint64_t)fast_syscall_entry; }
uint64_t fastsys_light_entry(void) { return (uint64_t)fast_light_entry; }

/* A restart runs the trampoline's call again: the call instruction (6
 * bytes before the return address it pushed, still below the program's
 * red zone: nothing has run in the program since) with the rsp it had;
 * rax is the number again (kernel/signal.c), rcx still the site's end:
 * the frame leaves by IRET with every register as it is (the fast way
 * out sets rcx = rip, right for a return, not for the call's input).
 * With that word unreadable (the stack unmapped by another thread), the
 * call ends with EINTR. */
void syscall_rewind(struct trapframe *tf)
{
	uint64_t ret;

	if (tf->trapno != TRAPNO_CALL) {
		tf->rip -= 2; /* syscall */
		return;
	}
	if (get_user(ret, (const uint64_t *)(tf->rsp - RED_ZONE - 8))) {
		tf->rax = (uint64_t)-EINTR;
		return;
	}
	tf->rip = ret - CALL_LEN;
	tf->rsp -= RED_ZONE;
	signal_need_iret = true;
	if (cur_thread->fastcall_step) { /* stepping: the call again with TF */
		cur_thread->fastcall_step = false;
		tf->rflags |= FL_TF;
	}
}

bool fastsys_entry_rip(uint64_t rip)
{
	return rip == (uint64_t)fast_syscall_entry || rip == (uint64_t)fast_light_entry;
}

/* An interrupt or exception of the program where its rip is the
 * kernel's (trap_common_ist tells them): the first byte of an entry, where
 * only the trampoline's call has run, goes back to that call with the
 * return address popped (as a restart does: syscall_rewind); the way
 * out's last jump, where only the jump is left, goes to rcx. So a signal
 * frame holds the program's own rip, which rt_sigreturn requires. Not for
 * a single step into an entry (fastsys_step_into), nor while one is put
 * off, nor with that return address unreadable (a program that jumped to
 * the entry itself). */
void fastsys_user_rip(struct trapframe *tf)
{
	uint64_t ret;

	if (tf->rip == (uint64_t)fast_exit_jmp || tf->rip == (uint64_t)fast_light_jmp) {
		tf->rip = tf->rcx;
		return;
	}
	if (!fastsys_entry_rip(tf->rip) || tf->trapno == T_DB || cur_thread->fastcall_step ||
	    get_user(ret, (const uint64_t *)tf->rsp))
		return;
	tf->rip = ret - CALL_LEN;
	tf->rsp += 8;
}

/* A single step (TF) into fast_syscall_entry's (or fast_light_entry's) first byte: put off until
 * the call returns, as a step over the syscall instruction is reported
 * after it (fastsys_step_done); the entry then runs with TF clear. */
bool fastsys_step_into(struct trapframe *tf)
{
	if (tf->trapno != T_DB || !fastsys_entry_rip(tf->rip))
		return false;
	tf->rflags &= ~(uint64_t)FL_TF;
	cur_thread->fastcall_step = true;
	return true;
}

void fastsys_step_done(struct trapframe *tf)
{
	cur_thread->fastcall_step = false;
	tf->rflags |= FL_TF;
	tf->trapno = T_DB;
	signal_fault(tf, SIGTRAP, tf->rip);
}

uint64_t fastsys_selftest_map(struct mm *mm)
{
	if (kopts.fastsys != 2)
		return 0;
	uint64_t base = vm_find_free(mm, PAGE_SIZE, 0);
	uint64_t pa = virt_to_phys(fastcall_test_page);
	if (!base || vm_map_special(mm, base, 1, &pa, PROT_READ | PROT_EXEC, VMA_VDSO))
		return 0;
	return base;
}
