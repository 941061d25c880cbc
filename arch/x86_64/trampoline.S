/* trampoline.S: the start of an application processor: real-mode code that
 * arch/x86_64/smp.c copies to a page below 1 MiB (the page number is the
 * SIPI vector) and that goes to protected mode, then to long mode with the
 * control registers and page tables smp.c fills in (struct ap_boot at
 * trampoline_data), then calls the kernel's C entry with the CPU's
 * struct percpu (looked up by its APIC ID, so that a CPU that comes late
 * still finds its own, never the next one's) on its stack.
 * Position-independent: real mode finds the page from %cs, 64-bit mode
 * through %rip. */
#define TOFF(x) ((x) - trampoline_start)

	.section .rodata
	.balign 16
	.globl trampoline_start, trampoline_data, trampoline_end
	.code16
trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	xorl %ebx, %ebx
	movw %ax, %bx
	shll $4, %ebx                   /* the page's physical address */
	lgdtl TOFF(t_gdtr)
	movl %cr0, %eax
	orl $1, %eax                    /* PE */
	movl %eax, %cr0
	ljmpl *TOFF(t_far32)

	.code32
t_prot:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl TOFF(t_cr4)(%ebx), %eax
	movl %eax, %cr4
	movl TOFF(t_cr3)(%ebx), %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx          /* EFER: LME, NXE, SCE as CPU 0 */
	movl TOFF(t_efer)(%ebx), %eax
	xorl %edx, %edx
	wrmsr
	movl TOFF(t_cr0)(%ebx), %eax    /* PG, PE, WP, ... as CPU 0 */
	movl %eax, %cr0
	ljmpl *TOFF(t_far64)(%ebx)

	.code64
t_long:
	movl $1, %eax
	cpuid
	shrl $24, %ebx                  /* initial APIC ID */
	movq t_table(%rip), %rax
	movq (%rax,%rbx,8), %rdi        /* its struct percpu */
	testq %rdi, %rdi
	jz 1f
	movq 24(%rdi), %rsp             /* percpu.boot_stack */
	movq t_entry(%rip), %rax
	call *%rax
1:	cli
	hlt
	jmp 1b

/* struct ap_boot (arch/x86_64/smp.c): the same layout. */
	.balign 8
trampoline_data:
t_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF        /* 0x08: 32-bit code */
	.quad 0x00CF92000000FFFF        /* 0x10: data */
	.quad 0x00AF9A000000FFFF        /* 0x18: 64-bit code */
t_gdtr:
	.short 31
	.long 0                         /* the page + TOFF(t_gdt) */
	.short 0
t_far32:
	.long 0                         /* the page + TOFF(t_prot) */
	.short 0x08, 0
t_far64:
	.long 0                         /* the page + TOFF(t_long) */
	.short 0x18, 0
t_cr0:	.long 0
t_cr3:	.long 0
t_cr4:	.long 0
t_efer:	.long 0
t_table: .quad 0                        /* struct percpu *[256], by APIC ID */
t_entry: .quad 0
trampoline_end:
	.globl trampoline_prot, trampoline_long
	.set trampoline_prot, t_prot
	.set trampoline_long, t_long

	.section .note.GNU-stack, "", @progbits
