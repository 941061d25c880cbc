/* syscall_entry.S: the SYSCALL instruction's entry: switch to the kernel
 * stack, save the registers as a struct trapframe, call
 * syscall_dispatch(), and return with SYSRET. */
#include "arch/x86_64/trapframe.inc"
#define SEL_UDATA 0x23
#define SEL_UCODE 0x2B

	.text
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:16           /* percpu.user_rsp */
	movq %gs:8, %rsp            /* percpu.kstack_top */
	pushq $SEL_UDATA
	pushq %gs:16
	pushq %r11                  /* rflags */
	pushq $SEL_UCODE
	pushq %rcx                  /* rip */
	pushq %rax                  /* err: the syscall number (orig_rax) */
	pushq $-1                   /* trapno: a system call */
	PUSH_REGS
	movq %rsp, %rdi
	call syscall_dispatch
	POP_REGS
	addq $16, %rsp              /* trapno, err */
	popq %rcx                   /* rip */
	addq $8, %rsp               /* cs */
	popq %r11                   /* rflags */
	swapgs
	popq %rsp                   /* user rsp */
	sysretq

	.section .note.GNU-stack, "", @progbits
