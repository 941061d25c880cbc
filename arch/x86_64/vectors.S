/* vectors.S: the interrupt and exception entry stubs. Each pushes a
 * vector number (and a zero error code where the CPU pushes none), then the
 * common path saves the registers as a struct trapframe and calls trap().
 * The way back, trap_return, checks a frame going to the program first. */
#include "arch/x86_64/entry.h"
#include "arch/x86_64/trapframe.inc"
	.text
	.altmacro

.macro VEC n
	.align 16
vec\n:
	.if (\n == 8) || (\n == 10) || (\n == 11) || (\n == 12) || (\n == 13) || (\n == 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp trap_common
.endm

	.set n, 0
	.rept 256
	VEC %n
	.set n, n + 1
	.endr

/* The C code runs with the flags the ABI and the kernel assume: DF clear
 * (the program may have set it: musl's memmove does for a backward copy;
 * rep movs/stos would run backwards) and AC clear (user accesses allowed
 * under SMAP otherwise). The program's own flags are in the frame. An
 * interrupt gate has cleared IF, TF, NT and RF already. */
trap_common:
	cld
	pushfq
	andq $~FL_AC, (%rsp)
	popfq
	testb $3, 24(%rsp)          /* came from ring 3? */
	jz 1f
	swapgs
1:	PUSH_REGS
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
	testb $3, TF_CS(%rsp)
	jz 3f
	call trap_check_user        /* tf in %rdi; %rsp = tf, 16-byte aligned */
	cmpb $0, smp_on(%rip)       /* several CPUs: let the big kernel lock go */
	je 3f
	call bkl_exit_to_user
3:	POP_REGS
	addq $16, %rsp              /* trapno, err */
	testb $3, 8(%rsp)
	jz 2f
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

	.section .note.GNU-stack, "", @progbits
