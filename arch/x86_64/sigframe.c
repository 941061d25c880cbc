/* sigframe.c: the Linux x86_64 signal frame. Building it on the user
 * stack (or the alternate signal stack) for a handler: return address
 * (sa_restorer), struct ucontext with every register, the mask to restore
 * and the FXSAVE image of the FPU, then siginfo; and restoring all of it
 * in rt_sigreturn. The user FPU state is live in the CPU while in the
 * kernel, so FXSAVE/FXRSTOR act on it directly. */
#include "kernel/kernel.h"
#include "kernel/signal.h"
#include "kernel/sched.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include <asm/sigcontext.h>
#include <asm/ucontext.h>

struct rt_sigframe {
	uint64_t pretcode; /* the handler returns here: sa_restorer */
	struct ucontext uc;
	siginfo_t info;
	/* the FPU image is above, 64-byte aligned */
};

#define FPSTATE_SIZE 512
#define RED_ZONE 128

struct fxarea {
	uint8_t b[FPSTATE_SIZE];
} __attribute__((aligned(16)));

/* The FPU as a program starts: x87 control word 0x37f, MXCSR 0x1f80. */
static void fpu_init_state(void)
{
	struct fxarea fx;
	memset(&fx, 0, sizeof(fx));
	fx.b[0] = 0x7f;
	fx.b[1] = 0x03;
	uint32_t mxcsr = 0x1f80;
	memcpy(&fx.b[24], &mxcsr, 4);
	__asm__ volatile("fxrstor %0" : : "m"(fx));
}

/* The MXCSR bits the CPU accepts (FXRSTOR faults on the others). */
static uint32_t mxcsr_mask(void)
{
	static uint32_t mask;
	if (!mask) {
		struct fxarea fx;
		memset(&fx, 0, sizeof(fx));
		__asm__ volatile("fxsave %0" : "=m"(fx));
		memcpy(&mask, &fx.b[28], 4);
		if (!mask)
			mask = 0xffbf;
	}
	return mask;
}

int sigframe_setup(struct trapframe *tf, int sig, const siginfo_t *info,
		   const struct k_sigaction *ka, uint64_t oldmask, const struct sigfault_regs *fr)
{
	struct thread *t = cur_thread;

	if (!(ka->flags & SA_RESTORER) || ka->handler >= USER_TOP)
		return -EFAULT;

	/* Where: below the red zone, or at the top of the alternate stack. */
	uint64_t sp = tf->rsp - RED_ZONE;
	int ss = sigaltstack_flags(tf->rsp);
	bool nested = ss == SS_ONSTACK, entering = false;
	if ((ka->flags & SA_ONSTACK) && ss == 0) {
		sp = t->altstack_sp + t->altstack_size;
		entering = true;
	}
	uint64_t fpaddr = (sp - FPSTATE_SIZE) & ~63UL;
	uint64_t frame = ((fpaddr - sizeof(struct rt_sigframe)) & ~15UL) - 8;
	if ((nested || entering) &&
	    !(frame > t->altstack_sp && frame - t->altstack_sp <= t->altstack_size))
		return -EFAULT; /* the alternate stack would overflow */
	if (frame >= USER_TOP || frame < PAGE_SIZE)
		return -EFAULT;

	struct rt_sigframe f;
	memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	f.uc.uc_link = NULL;
	f.uc.uc_stack.ss_sp = (void *)t->altstack_sp;
	f.uc.uc_stack.ss_size = t->altstack_size;
	f.uc.uc_stack.ss_flags = t->altstack_size ? t->altstack_flags : SS_DISABLE;
	struct sigcontext *sc = &f.uc.uc_mcontext;
	sc->r8 = tf->r8;
	sc->r9 = tf->r9;
	sc->r10 = tf->r10;
	sc->r11 = tf->r11;
	sc->r12 = tf->r12;
	sc->r13 = tf->r13;
	sc->r14 = tf->r14;
	sc->r15 = tf->r15;
	sc->rdi = tf->rdi;
	sc->rsi = tf->rsi;
	sc->rbp = tf->rbp;
	sc->rbx = tf->rbx;
	sc->rdx = tf->rdx;
	sc->rax = tf->rax;
	sc->rcx = tf->rcx;
	sc->rsp = tf->rsp;
	sc->rip = tf->rip;
	sc->eflags = tf->rflags;
	sc->cs = SEL_UCODE;
	sc->ss = SEL_UDATA;
	sc->trapno = fr->trapno;
	sc->err = fr->err;
	sc->cr2 = fr->cr2;
	sc->oldmask = oldmask;
	sc->fpstate = (struct _fpstate *)fpaddr;
	f.uc.uc_sigmask = oldmask;
	f.info = *info;

	struct fxarea fx;
	memset(&fx, 0, sizeof(fx));
	__asm__ volatile("fxsave %0" : "=m"(fx));
	if (copy_to_user((void *)fpaddr, &fx, sizeof(fx)) ||
	    copy_to_user((void *)frame, &f, sizeof(f)))
		return -EFAULT;

	/* The handler's own state: a fresh FPU, the frame as its stack. */
	if (t->altstack_flags & SS_AUTODISARM) {
		t->altstack_sp = 0;
		t->altstack_size = 0;
		t->altstack_flags = SS_DISABLE;
	}
	fpu_init_state();
	tf->rdi = (uint64_t)sig;
	tf->rsi = frame + __builtin_offsetof(struct rt_sigframe, info);
	tf->rdx = frame + __builtin_offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->rsp = frame;
	tf->rip = ka->handler;
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->rflags = (tf->rflags & ~(uint64_t)(FL_DF | FL_RF | FL_TF)) | FL_IF | FL_FIXED;
	return 0;
}

int sigframe_restore(struct trapframe *tf)
{
	struct thread *t = cur_thread;
	uint64_t frame = tf->rsp - 8; /* the handler's ret popped pretcode */
	struct ucontext uc;

	if (copy_from_user(&uc, (void *)(frame + __builtin_offsetof(struct rt_sigframe, uc)),
			   sizeof(uc)))
		return -EFAULT;
	struct sigcontext *sc = &uc.uc_mcontext;
	if (sc->rip >= USER_TOP)
		return -EFAULT;
	/* The selectors: Linux loads them (with RPL 3) and IRET faults on any
	 * but its 64-bit code and data ones, which are ours (SIGSEGV). SS is
	 * made valid unless the frame asks for it as is (a 64-bit program's
	 * frame does: UC_STRICT_RESTORE_SS). 0x23, 32-bit code on Linux, is
	 * nothing here. */
	if ((sc->cs | 3) != SEL_UCODE)
		return -EFAULT;
	if ((uc.uc_flags & UC_STRICT_RESTORE_SS) && (sc->ss | 3) != SEL_UDATA)
		return -EFAULT;
	struct fxarea fx;
	uint64_t fpaddr = (uint64_t)sc->fpstate;
	if (fpaddr) {
		if (copy_from_user(&fx, (void *)fpaddr, sizeof(fx)))
			return -EFAULT;
		uint32_t mxcsr;
		memcpy(&mxcsr, &fx.b[24], 4);
		mxcsr &= mxcsr_mask();
		memcpy(&fx.b[24], &mxcsr, 4);
	}

	t->sigmask = uc.uc_sigmask & ~SIG_UNBLOCKABLE;
	tf->r8 = sc->r8;
	tf->r9 = sc->r9;
	tf->r10 = sc->r10;
	tf->r11 = sc->r11;
	tf->r12 = sc->r12;
	tf->r13 = sc->r13;
	tf->r14 = sc->r14;
	tf->r15 = sc->r15;
	tf->rdi = sc->rdi;
	tf->rsi = sc->rsi;
	tf->rbp = sc->rbp;
	tf->rbx = sc->rbx;
	tf->rdx = sc->rdx;
	tf->rax = sc->rax;
	tf->rcx = sc->rcx;
	tf->rsp = sc->rsp;
	tf->rip = sc->rip;
	tf->rflags = (tf->rflags & ~(uint64_t)FL_SIGCONTEXT) | (sc->eflags & FL_SIGCONTEXT) |
		     FL_IF | FL_FIXED;
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	if (fpaddr)
		__asm__ volatile("fxrstor %0" : : "m"(fx));
	else
		fpu_init_state();
	(void)sigaltstack_set(&uc.uc_stack, tf->rsp); /* errors ignored, as Linux */
	return 0;
}
