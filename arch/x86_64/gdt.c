/* gdt.c: each CPU's GDT (kernel and user segments in the order
 * SYSCALL/SYSRET need, the ring-0 program code segment of fastsys) and TSS
 * with the kernel stack for entries from ring 3 and separate stacks for
 * double faults, NMIs and fastsys's entries; the per-CPU areas (cpus[], GS
 * base). */
#include "kernel/kernel.h"
#include "kernel/pmem.h"
#include "arch/x86_64/cpu.h"

#define IST_SIZE 8192
#define NIST 3 /* #DF, NMI, every other vector with fastsys (IST_FAST) */

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct cpu_tables {
	uint64_t gdt[11];
	struct tss tss;
};

/* 0x00 null, 0x08 kernel code, 0x10 kernel data, 0x18 and 0x20 null (no
 * 32-bit user code: a far jump to one faults, so a program never runs in
 * compatibility mode), 0x28 user data, 0x30 user code (the order SYSRET
 * needs: entry.h), 0x38 TSS (two slots), 0x48 a user data segment whose
 * limit is the CPU's number (the vDSO's getcpu reads it with LSL, as
 * Linux's does: SEL_CPUNUM; filled in by gdt_load), 0x50 the program's
 * code segment in ring 0 with fastsys (SEL_FCODE: as the kernel's). */
static const uint64_t gdt_template[11] = {
	0,
	0x00AF9A000000FFFF,
	0x00CF92000000FFFF,
	0,
	0,
	0x00CFF2000000FFFF,
	0x00AFFA000000FFFF,
	0,
	0,
	0,
	0x00AF9A000000FFFF,
};

static struct cpu_tables cpu0_tables;
static uint8_t cpu0_ist[NIST][IST_SIZE] __attribute__((aligned(16)));

struct percpu cpus[MAX_CPUS];

/* ist: NIST stacks of IST_SIZE bytes, one after the other */
static void tables_fill(struct cpu_tables *t, uint8_t *ist)
{
	uint64_t base = (uint64_t)&t->tss;
	uint64_t limit = sizeof(t->tss) - 1;

	memcpy(t->gdt, gdt_template, sizeof(t->gdt));
	memset(&t->tss, 0, sizeof(t->tss));
	for (int i = 0; i < NIST; i++)
		t->tss.ist[i] = (uint64_t)ist + (uint64_t)(i + 1) * IST_SIZE;
	t->tss.iomap_base = sizeof(t->tss);
	t->gdt[SEL_TSS / 8] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89UL << 40) |
			      (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
	t->gdt[SEL_TSS / 8 + 1] = base >> 32;
}

void gdt_load(struct percpu *c)
{
	/* present, DPL 3, data read/write accessed; byte granular limit = id */
	c->tables->gdt[SEL_CPUNUM / 8] = (c->id & 0xFFFF) | (0xF3UL << 40) |
					 ((uint64_t)((c->id >> 16) & 0xF) << 48);
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = {
		sizeof(c->tables->gdt) - 1,
		(uint64_t)c->tables->gdt,
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
	c->self = c;
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void percpu_early(void)
{
	cpus[0].self = &cpus[0];
	wrmsr(MSR_GS_BASE, (uint64_t)&cpus[0]);
}

void gdt_init(void)
{
	tables_fill(&cpu0_tables, cpu0_ist[0]);
	cpus[0].tables = &cpu0_tables;
	gdt_load(&cpus[0]);
}

int gdt_prepare(struct percpu *c)
{
	struct cpu_tables *t = kmalloc(sizeof(*t));
	uint64_t ist = pmem_alloc_contig(NIST * IST_SIZE / PAGE_SIZE);
	if (!t || !ist) {
		kfree(t);
		if (ist)
			for (unsigned i = 0; i < NIST * IST_SIZE / PAGE_SIZE; i++)
				pmem_free(ist + i * PAGE_SIZE);
		return -ENOMEM;
	}
	uint8_t *p = phys_to_virt(ist);
	tables_fill(t, p);
	c->tables = t;
	return 0;
}

void tss_set_rsp0(uint64_t rsp0)
{
	struct percpu *c = this_cpu();
	c->tables->tss.rsp[0] = rsp0;
	c->kstack_top = rsp0;
}
