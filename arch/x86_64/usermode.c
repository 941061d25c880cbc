/* usermode.c: the CPU state for running programs: the SYSCALL/SYSRET MSRs
 * (selectors, entry points, the flags cleared on entry; the ring-0 entry
 * with fastsys), alignment checks for programs that set AC (CR0.AM, as
 * Linux), and trap_check_user(), the last check of a register frame before
 * IRET takes it to the program (in ring 3, or in ring 0 with fastsys). */
#include "kernel/kernel.h"
#include "kernel/signal.h"
#include "kernel/bkl.h"
#include "kernel/sched.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/fastsys.h"

#define CR0_AM (1UL << 18)

void syscall_entry(void);
void syscall_fast_entry(void);
void syscall_compat_entry(void);

_Static_assert(__builtin_offsetof(struct trapframe, trapno) == TF_TRAPNO, "TF_TRAPNO");
_Static_assert(__builtin_offsetof(struct trapframe, rip) == TF_RIP, "TF_RIP");
_Static_assert(__builtin_offsetof(struct trapframe, r15) == TF_R15, "TF_R15");
_Static_assert(__builtin_offsetof(struct trapframe, r14) == TF_R14, "TF_R14");
_Static_assert(__builtin_offsetof(struct trapframe, r13) == TF_R13, "TF_R13");
_Static_assert(__builtin_offsetof(struct trapframe, r12) == TF_R12, "TF_R12");
_Static_assert(__builtin_offsetof(struct trapframe, r11) == TF_R11, "TF_R11");
_Static_assert(__builtin_offsetof(struct trapframe, r10) == TF_R10, "TF_R10");
_Static_assert(__builtin_offsetof(struct trapframe, r9) == TF_R9, "TF_R9");
_Static_assert(__builtin_offsetof(struct trapframe, r8) == TF_R8, "TF_R8");
_Static_assert(__builtin_offsetof(struct trapframe, rdi) == TF_RDI, "TF_RDI");
_Static_assert(__builtin_offsetof(struct trapframe, rsi) == TF_RSI, "TF_RSI");
_Static_assert(__builtin_offsetof(struct trapframe, rdx) == TF_RDX, "TF_RDX");
_Static_assert(__builtin_offsetof(struct trapframe, rcx) == TF_RCX, "TF_RCX");
_Static_assert(__builtin_offsetof(struct trapframe, rbx) == TF_RBX, "TF_RBX");
_Static_assert(__builtin_offsetof(struct trapframe, rbp) == TF_RBP, "TF_RBP");
_Static_assert(__builtin_offsetof(struct trapframe, err) == TF_ERR, "TF_ERR");
_Static_assert(__builtin_offsetof(struct trapframe, rax) == TF_RAX, "TF_RAX");
_Static_assert(__builtin_offsetof(struct trapframe, cs) == TF_CS, "TF_CS");
_Static_assert(__builtin_offsetof(struct trapframe, rflags) == TF_RFLAGS, "TF_RFLAGS");
_Static_assert(__builtin_offsetof(struct trapframe, rsp) == TF_RSP, "TF_RSP");
_Static_assert(__builtin_offsetof(struct trapframe, ss) == TF_SS, "TF_SS");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "TF_SIZE");
_Static_assert(SEL_SYSRET_BASE + 16 + 3 == SEL_UCODE && SEL_SYSRET_BASE + 8 + 3 == SEL_UDATA,
	       "SYSRET's selectors");

void syscall_init(void)
{
	wrmsr(MSR_STAR, ((uint64_t)SEL_SYSRET_BASE << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(kopts.fastsys ? syscall_fast_entry : syscall_entry));
	wrmsr(MSR_CSTAR, (uint64_t)syscall_compat_entry);
	wrmsr(MSR_FMASK, FL_TF | FL_DF | FL_IF | FL_IOPL | FL_NT | FL_AC);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1);
	write_cr0(read_cr0() | CR0_AM);
}

static bool canonical(uint64_t a) { return (uint64_t)((int64_t)(a << 16) >> 16) == a; }

/* Called by trap_return for a frame going to ring 3 (whoever built it:
 * the CPU, execve, rt_sigreturn, clone). The selectors are the user ones
 * (the ring-0 ones with fastsys), the flags those a program may hold, with
 * IF set. An instruction pointer
 * that is not canonical would make IRET fault in the kernel: as on Linux
 * (where that IRET's fault comes back to the program), the program gets
 * SIGSEGV instead: its handler, or its end. */
void trap_check_user(struct trapframe *tf)
{
	if (__builtin_expect(kopts.fastsys, 0)) { /* ring 0's selectors */
		tf->cs = SEL_FCODE;
		tf->ss = SEL_KDATA;
		/* a single step put off in a fast call that left here (execve,
		 * rt_sigreturn): dropped, but on the way back into the call */
		if (!fastsys_entry_rip(tf->rip))
			cur_thread->fastcall_step = false;
	} else {
		tf->cs = SEL_UCODE;
		tf->ss = SEL_UDATA;
	}
	tf->rflags = (tf->rflags & FL_USER_MASK) | FL_IF | FL_FIXED;
	if (canonical(tf->rip))
		return;
	if (smp_on && !bkl_mine())
		bkl_lock_smp(); /* a system call's way out let it go; vectors.S does again */
	tf->trapno = T_GP;
	tf->err = 0;
	signal_fault(tf, SIGSEGV, 0); /* returns with the handler's frame */
}
