/* uaccess.S: the only instructions of the kernel that touch user memory,
 * and their exception table. Each instruction that may fault on a user
 * address has an entry (its address, where to go instead) in the section
 * .rodata.uaccess_ex, between uaccess_ex_start and uaccess_ex_end; when a
 * page fault in the kernel cannot be resolved (the page is not there, the
 * area was unmapped under the copy) trap() asks uaccess_fixup
 * (kernel/uaccess.c) and resumes at the fixup, which returns the failure.
 * The callers (kernel/uaccess.c) check the range (access_ok) first; these
 * routines only survive the faults.
 *
 *   size_t uaccess_copy(void *dst, const void *src, size_t n)
 *	memcpy between user and kernel memory; returns the bytes NOT copied
 *	(0: all). The first n - result bytes were copied.
 *   size_t uaccess_clear(void *dst, size_t n)
 *	memset(dst, 0, n); returns the bytes not cleared, likewise.
 *   int uaccess_get32(uint32_t *dst, const uint32_t *src)
 *	one 32-bit load from user memory: 0, or -EFAULT (14) and *dst untouched.
 *   int uaccess_cmpxchg32(uint32_t *uaddr, uint32_t *old, uint32_t new)
 *	lock cmpxchg on a user word: 0 and *old = the value it held (new
 *	was stored if that equals the *old given), or -EFAULT (14).
 *   long uaccess_strncpy(char *dst, const char *src, size_t max)
 *	copies bytes up to and including a NUL, at most max of them; returns
 *	the string's length (< max), max when no NUL came, or -EFAULT (14).
 */
#define EX(insn, fixup) \
	.pushsection .rodata.uaccess_ex, "a"; .balign 8; .quad insn, fixup; .popsection

	.pushsection .rodata.uaccess_ex, "a"
	.balign 8
	.globl uaccess_ex_start
uaccess_ex_start:
	.popsection

	.section .text.uaccess, "ax"

	/* Eight bytes a step, then the rest, as memcpy (kernel/string.c). A
	 * fault in the 8-byte part redoes what is left one byte at a time to
	 * find the exact byte that faults. */
	.globl uaccess_copy
uaccess_copy:
	movq %rdx, %rcx
	shrq $3, %rcx
	andl $7, %edx
1:	rep movsq
	movq %rdx, %rcx
2:	rep movsb
	xorl %eax, %eax
	ret
3:	leaq (%rdx, %rcx, 8), %rcx
4:	rep movsb
	xorl %eax, %eax
	ret
5:	movq %rcx, %rax
	ret
	EX(1b, 3b)
	EX(2b, 5b)
	EX(4b, 5b)

	.globl uaccess_get32
uaccess_get32:
1:	movl (%rsi), %eax
	movl %eax, (%rdi)
	xorl %eax, %eax
	ret
2:	movl $-14, %eax
	ret
	EX(1b, 2b)

	.globl uaccess_cmpxchg32
uaccess_cmpxchg32:
	movl (%rsi), %eax
1:	lock cmpxchgl %edx, (%rdi)
	movl %eax, (%rsi)
	xorl %eax, %eax
	ret
2:	movl $-14, %eax
	ret
	EX(1b, 2b)

	.globl uaccess_clear
uaccess_clear:
	movq %rsi, %rdx
	movq %rsi, %rcx
	shrq $3, %rcx
	andl $7, %edx
	xorl %eax, %eax
1:	rep stosq
	movq %rdx, %rcx
2:	rep stosb
	ret
3:	leaq (%rdx, %rcx, 8), %rcx
4:	rep stosb
	ret
5:	movq %rcx, %rax
	ret
	EX(1b, 3b)
	EX(2b, 5b)
	EX(4b, 5b)

	.globl uaccess_strncpy
uaccess_strncpy:
	xorl %eax, %eax
1:	cmpq %rdx, %rax
	je 3f
2:	movb (%rsi, %rax), %cl
	movb %cl, (%rdi, %rax)
	testb %cl, %cl
	jz 3f
	incq %rax
	jmp 1b
3:	ret
4:	movq $-14, %rax
	ret
	EX(2b, 4b)

	.pushsection .rodata.uaccess_ex, "a"
	.globl uaccess_ex_end
uaccess_ex_end:
	.popsection

	.section .note.GNU-stack, "", @progbits
