/* trap.h: the saved register frame built by interrupt, exception and
 * syscall entries (arch/x86_64/vectors.S, syscall_entry.S). */
#ifndef HTUX_TRAP_H
#define HTUX_TRAP_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86_64/entry.h"

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	/* system calls: trapno TRAPNO_SYSCALL (or TRAPNO_CALL), err = the
	 * number (orig_rax) */
	uint64_t trapno, err;
	uint64_t rip, cs, rflags, rsp, ss;
};

#define T_DE 0
#define T_DB 1
#define T_NMI 2
#define T_BP 3
#define T_OF 4
#define T_BR 5
#define T_UD 6
#define T_NM 7
#define T_DF 8
#define T_TS 10
#define T_NP 11
#define T_SS 12
#define T_GP 13
#define T_PF 14
#define T_MF 16
#define T_AC 17
#define T_MC 18
#define T_XM 19
#define T_IRQ0 32
#define T_SPURIOUS 255

#define TRAPNO_SYSCALL ((uint64_t)-1) /* the SYSCALL instruction */
/* fastsys: a call from a rewritten site to fast_syscall_entry (the frame
 * as SYSCALL's at the site; arch/x86_64/fastsys.c restarts it) */
#define TRAPNO_CALL ((uint64_t)-2)

/* A system call restarts: back to the instruction that made it, the
 * syscall instruction or, for TRAPNO_CALL, the trampoline's call (with the
 * rsp and rcx it had; arch/x86_64/fastsys.c). */
void syscall_rewind(struct trapframe *tf);
/* Is tf a system call's frame (either way in)? */
static inline bool tf_syscall(const struct trapframe *tf) { return tf->trapno >= TRAPNO_CALL; }

/* Did tf come from the program? Its code segment is SEL_UCODE (ring 3) or,
 * with fastsys, SEL_FCODE (ring 0): anything but the kernel's. The entry
 * code (vectors.S) makes the same test; with fastsys, where the kernel may
 * run with the program's CS (fast_syscall_entry changes none), the entry
 * stubs decide by the interrupted rip and write the CS that says it. */
static inline bool tf_from_user(const struct trapframe *tf) { return tf->cs != SEL_KCODE; }

void trap(struct trapframe *tf);
void trap_dump(const struct trapframe *tf);
void lapic_eoi(void);
/* An NMI: this CPU's line of the state report (arch/x86_64/nmi.c); the
 * TSC at the first NMI not yet reported (0: none), for CPU 0's tick. */
void nmi_handle(const struct trapframe *tf);
extern uint64_t nmi_report_due;
void lapic_enable(void); /* maps and enables the local APIC (once) */
unsigned lapic_id(void);
unsigned lapic_id_now(void); /* without enabling it: ~0u before it is */
void lapic_init_this(void);  /* another CPU's: enabled, timer masked */
/* An IPI to the CPU with that APIC ID (ICR low word: vector, delivery
 * mode, level); 0, or -1 if it stays pending. */
int lapic_send_ipi(unsigned apic_id, uint32_t icr);
#define T_DEV_FIRST 48 /* device vectors: irq_alloc (arch/x86_64/irq.c) */
#define T_DEV_LAST 239
#define T_IPI_RESCHED 240 /* look at the run queue, or at the signals (kernel/sched.c) */
#define T_IPI_TLB 241     /* flush the TLB (arch/x86_64/tlb.c) */
/* Runs the handler of device vector v (v in T_DEV_FIRST..T_DEV_LAST). */
void irq_dispatch(unsigned v);
/* Makes vector's handler run too whenever first fires (a shared line). */
void irq_share(int first, int vector);
/* Enters ring 3 with the registers of tf; does not return. */
__attribute__((noreturn)) void trap_return(struct trapframe *tf);
/* Makes a frame for ring 3 safe to IRET to (arch/x86_64/usermode.c). */
void trap_check_user(struct trapframe *tf);

#endif
