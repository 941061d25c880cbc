/* vectors.S: the interrupt and exception entry stubs. Each pushes a
 * vector number (and a zero error code where the CPU pushes none), then the
 * common path saves the registers as a struct trapframe and calls trap().
 * The way back, trap_return, checks a frame going to the program first.
 * A second set of stubs, for fastsys (the program in ring 0), enters on an
 * IST stack and first moves the frame off it (trap_common_ist). */
#include "arch/x86_64/entry.h"
#include "arch/x86_64/trapframe.inc"
	.text
	.altmacro

.macro VEC n, pfx, common
	.align 16
\pfx\n:
	.if (\n == 8) || (\n == 10) || (\n == 11) || (\n == 12) || (\n == 13) || (\n == 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp \common
.endm

	.set n, 0
	.rept 256
	VEC %n, vec, trap_common
	.set n, n + 1
	.endr

	.set n, 0
	.rept 256
	VEC %n, fvec, trap_common_ist
	.set n, n + 1
	.endr

/* fastsys: every vector but #DF and NMI enters on the IST_FAST stack, as
 * the CPU does not switch stacks for an interrupt in ring 0 and would push
 * its frame over the program's red zone (the 128 bytes below its %rsp).
 * Before anything can nest (interrupts are off; nothing here faults),
 * move the frame (trapno, err and the CPU's five words) to where the CPU
 * would have put it from ring 3: the top of the thread's kernel stack when
 * it interrupted the program (the program's GS base active: swapgs as
 * trap_common does), or below the interrupted %rsp, 16-byte aligned as
 * the CPU aligns it, when it interrupted the kernel (built with
 * -mno-red-zone). The program is told from the kernel by the interrupted
 * rip, not CS (a fast call's kernel path runs with the program's CS: see
 * fast_syscall_entry): the lower half, fast_syscall_entry's and
 * fast_light_entry's first bytes and their ways out's last jumps; their
 * ways out's swapgs and the two instructions after fast_light_entry's
 * swapgs are the kernel's but on the program's stack (the frame goes to
 * the kernel stack's top). The
 * moved frame gets the CS that tells them apart everywhere else
 * (SEL_FCODE or SEL_KCODE: tf_from_user).
 * Then go on as trap_common, with %gs already the kernel's. A page fault
 * of the program gets the U/S bit (4) in its error code, as from ring 3. */
/* %rax (the interrupted rip) is sym: on to label (%rcx is scratch). */
.macro JE_RIP sym, label
	leaq \sym(%rip), %rcx
	cmpq %rcx, %rax
	je \label
.endm

trap_common_ist:
	pushq %rax
	pushq %rcx
	/* the frame is at 16(%rsp): trapno, err, rip, cs, rflags, rsp, ss */
	movq 32(%rsp), %rax         /* the interrupted rip */
	testq %rax, %rax
	jns 2f                      /* the lower half: the program's */
	JE_RIP fast_syscall_entry, 2f
	JE_RIP fast_exit_jmp, 2f
	JE_RIP fast_light_entry, 2f
	JE_RIP fast_light_jmp, 2f
	movq $SEL_KCODE, 40(%rsp)   /* the kernel's */
	JE_RIP fast_exit_swapgs, 3f
	JE_RIP fast_light_swapgs, 3f
	leaq fast_light_gs(%rip), %rcx
	subq %rcx, %rax             /* its swapgs to its stack switch */
	cmpq $fast_light_gs_len, %rax
	jb 3f
	movq 56(%rsp), %rax         /* the interrupted %rsp */
	andq $~15, %rax
	jmp 1f
2:	movq $SEL_FCODE, 40(%rsp)
	swapgs
	movq %gs:8, %rax            /* percpu.kstack_top */
	cmpq $14, 16(%rsp)          /* a page fault of the program: the CPU */
	jne 1f                      /* left out the U/S bit of its error code */
	orq $4, 24(%rsp)
	jmp 1f
3:	movq %gs:8, %rax            /* percpu.kstack_top: the program's stack */
1:	subq $56, %rax
	movq 16(%rsp), %rcx
	movq %rcx, 0(%rax)
	movq 24(%rsp), %rcx
	movq %rcx, 8(%rax)
	movq 32(%rsp), %rcx
	movq %rcx, 16(%rax)
	movq 40(%rsp), %rcx
	movq %rcx, 24(%rax)
	movq 48(%rsp), %rcx
	movq %rcx, 32(%rax)
	movq 56(%rsp), %rcx
	movq %rcx, 40(%rax)
	movq 64(%rsp), %rcx
	movq %rcx, 48(%rax)
	movq 8(%rsp), %rcx          /* the saved %rax, just below the moved frame */
	movq %rcx, -8(%rax)
	movq (%rsp), %rcx
	leaq -8(%rax), %rsp
	popq %rax
	jmp trap_flags

/* fastsys's NMI (on its own IST stack): the interrupted code may be
 * anywhere, fast_syscall_entry's windows with the kernel's GS base and the
 * program's stack or the reverse included, and its CS tells nothing.
 * nmi_handle() uses neither %gs nor the interrupted frame's selectors
 * (arch/x86_64/nmi.c finds its CPU by the APIC ID), so this entry leaves
 * %gs alone and returns straight with IRET, the frame untouched. */
	.globl fast_nmi
fast_nmi:
	pushq $0
	pushq $2
	cld
	PUSH_REGS
	movq %rsp, %rdi
	call nmi_handle
	POP_REGS
	addq $16, %rsp              /* trapno, err */
	iretq

/* The C code runs with the flags the ABI and the kernel assume: DF clear
 * (the program may have set it: musl's memmove does for a backward copy;
 * rep movs/stos would run backwards) and AC clear (user accesses allowed
 * under SMAP otherwise). The program's own flags are in the frame. An
 * interrupt gate has cleared IF, TF, NT and RF already. */
trap_common:
	cmpq $SEL_KCODE, 24(%rsp)   /* came from the program? (tf_from_user) */
	je trap_flags
	swapgs
trap_flags:
	cld
	pushfq
	andq $~FL_AC, (%rsp)
	popfq
	PUSH_REGS
	movq %rsp, %rdi
	call trap
	movq %rsp, %rdi
	/* fall through */

/* trap_return(tf): restore tf and iretq (to ring 3 or the kernel). A frame
 * for ring 3 goes through trap_check_user() first: it may have been built
 * or replaced (execve, rt_sigreturn, a new thread), and an IRET that
 * faults would do so in the kernel. */
	.globl trap_return
trap_return:
	movq %rdi, %rsp
	cmpq $SEL_KCODE, TF_CS(%rsp)
	je 3f
	call trap_check_user        /* tf in %rdi; %rsp = tf, 16-byte aligned */
	cmpb $0, smp_on(%rip)       /* several CPUs: let the big kernel lock go */
	je 3f
	call bkl_exit_to_user
3:	POP_REGS
	addq $16, %rsp              /* trapno, err */
	cmpq $SEL_KCODE, 8(%rsp)
	je 2f
	swapgs
2:	iretq

/* The stub addresses, for idt_init(). */
	.section .rodata
	.align 8
	.globl trap_vectors
.macro VECADDR n
	.quad vec\n
.endm
trap_vectors:
	.set n, 0
	.rept 256
	VECADDR %n
	.set n, n + 1
	.endr

	.globl trap_vectors_ist
.macro FVECADDR n
	.quad fvec\n
.endm
trap_vectors_ist:
	.set n, 0
	.rept 256
	FVECADDR %n
	.set n, n + 1
	.endr

	.section .note.GNU-stack, "", @progbits
