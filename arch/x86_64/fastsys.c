/* fastsys.c: the kernel's side of system calls made by a call with the
 * program in ring 0 (fastsys): turning the frame fast_syscall_entry built
 * into the one SYSCALL at the site would have built, restarting a system
 * call (such a call, or the syscall instruction), and the test hook of
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
extern const uint8_t fastcall_test_page[];

/* The trampoline's call: call *disp32(%rip), 6 bytes (the contract). */
#define CALL_LEN 6
#define RED_ZONE 128

uint64_t fastsys_entry(void) { return (uint64_t)fast_syscall_entry; }

/* fast_syscall_entry pushed the site's return address (rcx) below the
 * trampoline's; the program's rsp is above both and the red zone. */
int fastcall_frame(struct trapframe *tf)
{
	uint64_t w[2]; /* the site's return address, the trampoline's */

	tf->trapno = TRAPNO_CALL;
	if (get_user_u64x2(w, (const uint64_t *)tf->rsp)) {
		tf->trapno = T_PF;
		tf->err = 0x6; /* a user write, as the pushes were */
		signal_fault(tf, SIGSEGV, tf->rsp);
		return -1;
	}
	tf->rip = tf->rcx = w[0];
	tf->r11 = tf->rflags;
	tf->rsp += sizeof(w) + RED_ZONE;
	cur_thread->fastcall_ret = w[1];
	return 0;
}

void syscall_rewind(struct trapframe *tf)
{
	if (tf->trapno != TRAPNO_CALL) {
		tf->rip -= 2; /* syscall */
		return;
	}
	tf->rip = cur_thread->fastcall_ret - CALL_LEN;
	tf->rsp -= RED_ZONE; /* rcx is still the site's return address */
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
