/* switch.S: switching kernel stacks between threads. switch_to(&old_ksp,
 * new_ksp) saves the callee-saved registers on the old stack, records its
 * pointer, and resumes the new thread where it last called switch_to (or
 * at the entry a new thread's stack was prepared with). */
	.text
	.globl switch_to
switch_to:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

	.section .note.GNU-stack, "", @progbits
