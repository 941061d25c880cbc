/* trap.c: what happens on a CPU exception or interrupt: page faults go to
 * the address space (kernel/vm.c), faults of the program end it with the
 * matching signal, a fault of a user copy that finds no page makes the copy
 * fail (kernel/uaccess.c), anything else in the kernel is a panic with a
 * dump. */
#include "kernel/kernel.h"
#include "kernel/vm.h"
#include "kernel/signal.h"
#include "kernel/sched.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "kernel/backtrace.h"
#include "kernel/bkl.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/fastsys.h"

static const char *const exc_names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range",
	"invalid opcode",
	"no FPU",
	"double fault",
	"coprocessor overrun",
	"invalid TSS",
	"segment not present",
	"stack fault",
	"general protection",
	"page fault",
	"reserved",
	"x87 FP error",
	"alignment check",
	"machine check",
	"SIMD FP error",
	"virtualization",
	"control protection",
};

void trap_dump(const struct trapframe *tf)
{
	kprintf("htux:  rip %016lx  cs %04lx  rflags %08lx  err %lx\n", tf->rip, tf->cs, tf->rflags,
		tf->err);
	kprintf("htux:  rsp %016lx  ss %04lx  cr2 %016lx  cr3 %016lx\n", tf->rsp, tf->ss,
		read_cr2(), read_cr3());
	kprintf("htux:  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", tf->rax, tf->rbx, tf->rcx,
		tf->rdx);
	kprintf("htux:  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", tf->rsi, tf->rdi, tf->rbp,
		tf->r8);
	kprintf("htux:  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", tf->r9, tf->r10, tf->r11,
		tf->r12);
	kprintf("htux:  r13 %016lx r14 %016lx r15 %016lx\n", tf->r13, tf->r14, tf->r15);
}

static void user_fault(struct trapframe *tf)
{
	uint64_t addr = tf->rip;
	int sig;

	switch (tf->trapno) {
	case T_PF:
		sig = SIGSEGV;
		addr = read_cr2();
		break;
	case T_DE:
	case T_MF:
	case T_XM: sig = SIGFPE; break;
	case T_UD: sig = SIGILL; break;
	case T_DB:
	case T_BP: sig = SIGTRAP; break;
	case T_AC: sig = SIGBUS; break;
	default:
		sig = SIGSEGV;
		addr = 0;
		break;
	}
	signal_fault(tf, sig, addr);
}

static __attribute__((noreturn)) void kernel_fault(struct trapframe *tf)
{
	const char *name = tf->trapno < 32 && exc_names[tf->trapno] ? exc_names[tf->trapno]
								    : "interrupt";

	panic_begin(name, tf->rip);
	kprintf("htux: panic: %s (vector %lu) in the kernel at %lx\n", name, tf->trapno, tf->rip);
	trap_dump(tf);
	backtrace_kernel(tf->rip, tf->rbp);
	panic_end();
}

void trap(struct trapframe *tf)
{
	bool from_user = tf_from_user(tf);
	bool took = false, lazy = true;

	if (tf->trapno == T_NMI) {
		nmi_handle(tf); /* arch/x86_64/nmi.c: before anything uses %gs */
		return;
	}
	/* IPIs that need no lock: a TLB flush (the asker holds the lock and
	 * waits), a wake-up of a halted CPU (its idle loop looks). */
	if (tf->trapno == T_IPI_TLB) {
		tlb_ipi_work();
		lapic_eoi();
		return;
	}
	if (tf->trapno == T_IPI_RESCHED) {
		lapic_eoi();
		if (!from_user)
			return;
	}
	/* The big kernel lock: the way back to ring 3 lets it go (vectors.S);
	 * an interrupt in the idle loop or a driver's wait lets it go here. */
	if (smp_on && !bkl_mine()) {
		/* Not lazy before (arch/x86_64/tlb.c): the interrupted code
		 * goes on to the program without the lock (fastsys: the light
		 * entry, the fast way out's last instructions), so not lazy
		 * after either, or the shootdowns would pass this CPU by while
		 * it runs the program (lost stores: smp_stress's mutex). */
		lazy = __atomic_load_n(&this_cpu()->tlb_lazy, __ATOMIC_RELAXED);
		bkl_lock();
		took = true;
	}
	if (tf->trapno == T_IPI_RESCHED) {
		sched_ipi_user(); /* a new affinity; signals are looked at below */
		goto out;
	}
	if (tf->trapno == T_PF) {
		uint64_t addr = read_cr2();
		/* none resolved in a _nosleep copy (kernel/uaccess.c) */
		int r = addr < USER_TOP && !uaccess_nosleep ? vm_fault(addr, tf->err) : -1;
		if (r == 0)
			goto out;
		if (r == VM_FAULT_SIGBUS) {
			signal_fault(tf, SIGBUS, addr);
			goto out;
		}
	}
	if (tf->trapno == T_IRQ0) {
		lapic_eoi();
		sched_tick(from_user);
		goto out;
	}
	if (tf->trapno >= T_DEV_FIRST && tf->trapno <= T_DEV_LAST) {
		irq_dispatch(tf->trapno);
		lapic_eoi();
		goto out;
	}
	if (tf->trapno > T_IRQ0)
		goto out; /* spurious ones need no EOI */
	if (from_user && fastsys_step_into(tf))
		goto out; /* stepping into a fast call: reported after it */
	if (!from_user && uaccess_fixup(tf))
		goto out; /* a copy from or to user memory fails */
	if (from_user)
		user_fault(tf);
	else
		kernel_fault(tf);
out:
	if (from_user && tf->rip >= USER_TOP && kopts.fastsys)
		fastsys_user_rip(tf); /* an interrupt in a fast call's first or last step */
	if (from_user)
		signal_deliver(tf); /* signals on the way back to user mode */
	else if (took)
		bkl_unlock_smp(!lazy);
}
