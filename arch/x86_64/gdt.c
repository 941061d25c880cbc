/* gdt.c: the GDT (kernel and user segments in the order SYSCALL/SYSRET
 * need) and the TSS with the kernel stack for entries from ring 3 and
 * separate stacks for double faults and NMIs. */
#include "kernel/kernel.h"
#include "arch/x86_64/cpu.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

static struct tss tss;
static uint8_t ist_stack[2][8192] __attribute__((aligned(16)));

/* 0x00 null, 0x08 kernel code, 0x10 kernel data, 0x18 and 0x20 null (no
 * 32-bit user code: a far jump to one faults, so a program never runs in
 * compatibility mode), 0x28 user data, 0x30 user code (the order SYSRET
 * needs: entry.h), 0x38 TSS (two slots). */
static uint64_t gdt[9] = {
	0, 0x00AF9A000000FFFF, 0x00CF92000000FFFF, 0, 0, 0x00CFF2000000FFFF, 0x00AFFA000000FFFF, 0,
	0,
};

struct percpu cpu0;

void gdt_init(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	tss.ist[0] = (uint64_t)&ist_stack[0][sizeof(ist_stack[0])];
	tss.ist[1] = (uint64_t)&ist_stack[1][sizeof(ist_stack[1])];
	tss.iomap_base = sizeof(tss);
	gdt[SEL_TSS / 8] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89UL << 40) |
			   (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
	gdt[SEL_TSS / 8 + 1] = base >> 32;

	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = {
		sizeof(gdt) - 1,
		(uint64_t)gdt,
	};
	__asm__ volatile("lgdt %0\n\t"
			 "pushq $0x08\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl $0x10, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t"
			 "movw %1, %%ax\n\t"
			 "ltr %%ax"
			 :
			 : "m"(ptr), "i"(SEL_TSS)
			 : "rax", "memory");

	cpu0.self = &cpu0;
	wrmsr(MSR_GS_BASE, (uint64_t)&cpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void tss_set_rsp0(uint64_t rsp0)
{
	tss.rsp[0] = rsp0;
	cpu0.kstack_top = rsp0;
}
