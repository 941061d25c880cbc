/* sysrw_asm.S: what htux --rewrite-syscalls must leave alone or get right
   (tests/boot/sysrw.sh), without a libc (gcc -nostdlib -static): a
   site's bytes in .rodata, in .text outside any function, inside a
   movabs's immediate and straddling an instruction boundary; a jump to
   the syscall of a rewritten site with another number in %eax; a
   rewritten site overwritten by the program (self-modifying code); a
   site written at run time into anonymous memory (a JIT). Each check
   prints one line; the status is 0. */
	.section .rodata
fake:	.byte 0xb8, 0x27, 0, 0, 0, 0x0f, 0x05
m_ro:	.ascii "rodata: intact\n"
m_tx:	.ascii "text data: intact\n"
m_imm:	.ascii "immediate: intact\n"
m_str:	.ascii "straddle: same\n"
m_jmp:	.ascii "jump-in: same\n"
m_smc:	.ascii "smc: same\n"
m_jit:	.ascii "jit: same\n"
m_bad:	.ascii "BAD\n"
jit_code:
	.byte 0xb8, 0x27, 0, 0, 0, 0x0f, 0x05, 0xc3 /* mov $39,%eax; syscall; ret */

	.text
/* Site bytes in .text, outside every function: never disassembled. */
text_data:
	.byte 0xb8, 0x27, 0, 0, 0, 0x0f, 0x05

/* say(%rsi = message, %edx = length) */
	.type say, @function
say:
	mov $1, %edi
	mov $1, %eax
	syscall
	ret
	.size say, .-say

/* ok_or_bad: %rsi/%edx the message when ZF is set, else "BAD" */
	.type ok_or_bad, @function
ok_or_bad:
	je 1f
	lea m_bad(%rip), %rsi
	mov $4, %edx
1:	call say
	ret
	.size ok_or_bad, .-ok_or_bad

	.type getpid_fn, @function
getpid_fn:
	mov $39, %eax
getpid_sc:
	syscall
	ret
	.size getpid_fn, .-getpid_fn

	.type getppid_fn, @function
getppid_fn:
	mov $110, %eax
	syscall
	ret
	.size getppid_fn, .-getppid_fn

/* getppid through getpid_fn's syscall instruction */
	.type jumpin_fn, @function
jumpin_fn:
	mov $110, %eax
	jmp getpid_sc
	.size jumpin_fn, .-jumpin_fn

/* getpid with the syscall after a boundary: "b1 b8 31 c0 b0 27 0f 05"
   holds "b8 31 c0 b0 27 0f 05" at the mov's immediate */
	.type straddle_fn, @function
straddle_fn:
	mov $0xb8, %cl
	xor %eax, %eax
	mov $39, %al
	syscall
	ret
	.size straddle_fn, .-straddle_fn

/* Rewritten to getppid by the program below. */
	.type smc_fn, @function
smc_fn:
	mov $39, %eax
	syscall
	ret
	.size smc_fn, .-smc_fn

	.globl _start
	.type _start, @function
_start:
	/* .rodata and .text data */
	mov fake(%rip), %rax
	mov text_data(%rip), %rbx
	movabs $0x00ffffffffffffff, %rcx
	and %rcx, %rax
	and %rcx, %rbx
	movabs $0x00050f00000027b8, %r13
	cmp %r13, %rax
	lea m_ro(%rip), %rsi
	mov $15, %edx
	call ok_or_bad
	cmp %r13, %rbx
	lea m_tx(%rip), %rsi
	mov $18, %edx
	call ok_or_bad

	/* an immediate holding a site's bytes */
	movabs $0x90050f00000027b8, %rax
	movabs $0x90050f00000027b8, %rcx
	cmp %rcx, %rax
	lea m_imm(%rip), %rsi
	mov $18, %edx
	call ok_or_bad

	/* straddling */
	call getpid_fn
	mov %rax, %rbx
	call straddle_fn
	cmp %rbx, %rax
	lea m_str(%rip), %rsi
	mov $15, %edx
	call ok_or_bad

	/* a jump to a rewritten site's syscall */
	call getppid_fn
	mov %rax, %r12
	call jumpin_fn
	cmp %r12, %rax
	lea m_jmp(%rip), %rsi
	mov $14, %edx
	call ok_or_bad

	/* self-modifying code: smc_fn becomes getppid */
	call smc_fn
	lea smc_fn(%rip), %rdi
	and $-4096, %rdi
	mov $4096, %esi
	mov $7, %edx /* PROT_READ|PROT_WRITE|PROT_EXEC */
	mov $10, %eax
	syscall
	test %rax, %rax
	jne fail
	lea smc_fn(%rip), %rdi
	movb $0xb8, (%rdi)
	movl $110, 1(%rdi)
	call smc_fn
	cmp %r12, %rax
	lea m_smc(%rip), %rsi
	mov $10, %edx
	call ok_or_bad

	/* code made at run time */
	xor %edi, %edi
	mov $4096, %esi
	mov $7, %edx
	mov $0x22, %r10d /* MAP_PRIVATE|MAP_ANONYMOUS */
	mov $-1, %r8
	xor %r9d, %r9d
	mov $9, %eax
	syscall
	cmp $-4096, %rax
	jae fail
	mov jit_code(%rip), %rcx
	mov %rcx, (%rax)
	call *%rax
	cmp %rbx, %rax
	lea m_jit(%rip), %rsi
	mov $10, %edx
	call ok_or_bad

	xor %edi, %edi
	mov $231, %eax
	syscall
fail:
	mov $1, %edi
	mov $231, %eax
	syscall
	.size _start, .-_start

	.section .note.GNU-stack, "", @progbits
