/* multiboot.S: the boot headers (multiboot v1 with address fields for
 * QEMU's -kernel, multiboot2 for GRUB, the Xen PVH entry note for
 * Firecracker, Cloud Hypervisor and QEMU's PVH loader) and the 32-bit entry
 * that turns on long mode with a first set of page tables and jumps to
 * kmain(). */
#define KERNEL_VMA 0xFFFFFFFF80000000
#define PHYS(x) ((x) - KERNEL_VMA)

#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00010003   /* page-aligned modules, memory info, address fields */
#define MB2_MAGIC 0xE85250D6

	.section .multiboot, "a"
	.align 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long PHYS(mb1_header)         /* header_addr */
	.long PHYS(_image_start)       /* load_addr */
	.long PHYS(_load_end)          /* load_end_addr */
	.long PHYS(_end)               /* bss_end_addr */
	.long PHYS(_start)             /* entry_addr */

	.align 8
mb2_header:
	.long MB2_MAGIC
	.long 0                        /* i386 protected mode */
	.long mb2_end - mb2_header
	.long -(MB2_MAGIC + (mb2_end - mb2_header))
	/* entry address tag */
	.short 3, 0
	.long 12
	.long PHYS(_start)
	.long 0                        /* pad to 8 */
	/* module alignment tag */
	.short 6, 0
	.long 8
	/* end tag */
	.short 0, 0
	.long 8
mb2_end:

/* The PVH entry point (xen/include/public/elfnote.h: XEN_ELFNOTE_PHYS32_ENTRY
 * = 18, owner "Xen", a 32-bit physical address). A PT_NOTE program header
 * (boot/kernel.ld) makes loaders find it. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define PVH_MAGIC 0x336ec578           /* hvm_start_info.magic, our "loader magic" */

	.section .note.Xen, "a"
	.align 4
	.long 4                        /* namesz: "Xen\0" */
	.long 4                        /* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long PHYS(pvh_start)

/* ---- 32-bit entries: EAX = loader magic, EBX = info (physical) ---------- */
	.section .boot32, "ax"
	.code32
/* PVH: 32-bit protected mode, paging off, flat CS/DS/ES/SS, EBX = the
 * hvm_start_info, EAX undefined (the start info carries its own magic). */
	.globl pvh_start
pvh_start:
	movl $PVH_MAGIC, %eax
	/* fall through to _start */
	.globl _start
_start:
	cli
	cld
	movl %eax, %edi
	movl %ebx, %esi
	movl $PHYS(boot_stack_top), %esp

	/* Long mode needs CPUID 0x80000001 EDX.LM. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode
	movl %edx, %ebp                /* keep NX support (bit 20) */

	movl $PHYS(boot_pml4), %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $((1 << 5) | (1 << 9) | (1 << 10)), %eax   /* PAE, OSFXSR, OSXMMEXCPT */
	movl %eax, %cr4
	movl $0xC0000080, %ecx         /* EFER */
	rdmsr
	orl $((1 << 8) | (1 << 0)), %eax               /* LME, SCE */
	btl $20, %ebp
	jnc 1f
	orl $(1 << 11), %eax                           /* NXE */
1:	wrmsr
	movl %cr0, %eax
	andl $~(1 << 2), %eax                          /* no EM */
	orl $((1 << 31) | (1 << 16) | (1 << 1) | 1), %eax   /* PG, WP, MP, PE */
	movl %eax, %cr0
	lgdt PHYS(boot_gdt_ptr)
	ljmp $0x08, $PHYS(start64_low)

no_long_mode:
	/* Say so on COM1 and stop through isa-debug-exit (status 255). */
	movl $PHYS(msg_no_lm), %esi
2:	lodsb
	testb %al, %al
	jz 3f
	movw $0x3F8, %dx
	outb %al, %dx
	jmp 2b
3:	movw $0xF4, %dx
	movl $255, %eax
	outl %eax, %dx
4:	hlt
	jmp 4b

	.code64
start64_low:
	movabsq $start64, %rax
	jmp *%rax

	.text
start64:
	xorl %eax, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	/* kmain(magic, info_phys) with edi, esi as set above */
	call kmain
5:	cli
	hlt
	jmp 5b

	.section .rodata
msg_no_lm:
	.asciz "htux: this CPU has no 64-bit long mode\n"

/* ---- first page tables -------------------------------------------------
 * the low 4 GiB (the 32-bit space, where QEMU's multiboot loader puts a
 * large initrd) as identity (to switch to long mode) and at DIRECT_MAP (all
 * RAM; kernel/paging.c extends it past 4 GiB); the low 1 GiB at -2 GiB
 * (the kernel image). */
	.data
	.align 4096
	.globl boot_pml4
boot_pml4:
	.quad PHYS(boot_pdpt_low) + 3
	.fill 255, 8, 0
	.quad PHYS(boot_pdpt_low) + 3          /* 256: DIRECT_MAP */
	.fill 254, 8, 0
	.quad PHYS(boot_pdpt_high) + 3         /* 511: -512 GiB .. 0 */
boot_pdpt_low:
	.quad PHYS(boot_pd) + 3
	.quad PHYS(boot_pd) + 0x1000 + 3
	.quad PHYS(boot_pd) + 0x2000 + 3
	.quad PHYS(boot_pd) + 0x3000 + 3
	.fill 508, 8, 0
boot_pdpt_high:
	.fill 510, 8, 0
	.quad PHYS(boot_pd) + 3                /* 510: -2 GiB */
	.quad 0
	.globl boot_pd
boot_pd:                                       /* four pages: 0 .. 4 GiB */
	.set i, 0
	.rept 2048
	.quad (i << 21) | 0x83                 /* present, writable, 2 MiB */
	.set i, i + 1
	.endr

	.align 16
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF               /* 0x08: 64-bit code */
	.quad 0x00CF92000000FFFF               /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)

	.bss
	.align 16
	.globl boot_stack_top
boot_stack:
	.skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
