/* smp.c: the other CPUs: found in the ACPI MADT (enabled local APIC and
 * x2APIC entries), started one at a time with INIT-SIPI-SIPI through the
 * real-mode trampoline (arch/x86_64/trampoline.S) copied to the low page
 * kernel/pmem.c keeps, each with its own GDT, TSS, IST stacks, per-CPU
 * area and stack; then parked (halted) until the scheduler takes them
 * (smp_release_aps(): kernel/sched.c's idle loop); the IPIs they take
 * (a wake-up, a TLB flush: arch/x86_64/tlb.c). */
#include "kernel/kernel.h"
#include "kernel/pmem.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/smp.h"
#include "kernel/sched.h"

#define ICR_INIT 0x4500u        /* INIT, level assert */
#define ICR_SIPI 0x4600u        /* start-up; the low byte is the vector */
#define AP_STACK_PAGES 2        /* a parked CPU's stack (its idle thread has its own) */
#define INIT_WAIT_NS 10000000UL /* after INIT (Intel SDM: 10 ms) */
#define SIPI_WAIT_NS 200000UL   /* between the two SIPIs (200 us) */
#define CHECKIN_NS 500000000UL  /* the first wait for an AP, doubled at each try */
#define CHECKIN_TRIES 3

/* The trampoline's data (trampoline.S, trampoline_data: same layout). */
struct ap_boot {
	uint64_t gdt[4];
	uint16_t gdtr_limit;
	uint32_t gdtr_base;
	uint16_t pad0;
	uint32_t far32;
	uint16_t sel32, pad1;
	uint32_t far64;
	uint16_t sel64, pad2;
	uint32_t cr0, cr3, cr4, efer;
	uint64_t table, entry;
} __attribute__((packed));

extern const char trampoline_start[], trampoline_data[], trampoline_end[];
extern const char trampoline_prot[], trampoline_long[];

/* Offset of a label of the trampoline from its start. */
static uint32_t toff(const char *label)
{
	return (uint32_t)((uintptr_t)label - (uintptr_t)trampoline_start);
}

static unsigned apic_ids[MAX_CPUS];
static unsigned nfound, nskipped;
static unsigned ncpus_up = 1;
static struct percpu *by_apic_id[256]; /* for the trampoline */
static uint64_t online_mask = 1;
static int aps_go;
_Static_assert(__builtin_offsetof(struct percpu, boot_stack) == 24, "trampoline.S");
/* The AP's first page tables: the kernel's, plus the identity map of the
 * low GiB the trampoline runs in; below 4 GiB (CR3 is loaded in 32-bit
 * mode) as the kernel image is. */
static uint64_t ap_pml4[512] __attribute__((aligned(4096)));

static void madt_cpu(const uint8_t *e, void *arg)
{
	uint32_t id, flags;
	(void)arg;
	if (e[0] == 0 && e[1] >= 8) {
		id = e[3];
		flags = *(const uint32_t *)(e + 4);
	} else if (e[0] == 9 && e[1] >= 16) {
		id = *(const uint32_t *)(e + 4);
		flags = *(const uint32_t *)(e + 8);
	} else {
		return;
	}
	/* bit 0 clear: not there now (bit 1, online capable: hot-pluggable) */
	if (!(flags & 1))
		return;
	for (unsigned i = 0; i < nfound; i++)
		if (apic_ids[i] == id)
			return;
	if (id >= 255 || nfound == MAX_CPUS) { /* no x2APIC mode (yet) */
		nskipped++;
		return;
	}
	apic_ids[nfound++] = id;
}

/* Waits ns, or until *flag is set. Also at least ns / 1024 turns of the
 * loop: where there is no PIT to calibrate the TSC against (microvm)
 * time_ns() can run far too fast. */
static bool wait_flag(const int *flag, uint64_t ns)
{
	uint64_t t0 = time_ns();
	for (uint64_t turns = 0; time_ns() - t0 < ns || turns < ns / 1024; turns++) {
		if (flag && __atomic_load_n(flag, __ATOMIC_ACQUIRE))
			return true;
		cpu_relax();
	}
	return flag && __atomic_load_n(flag, __ATOMIC_ACQUIRE);
}

/* Where an AP arrives in 64-bit mode, on its stack. */
static void __attribute__((noreturn)) ap_main(struct percpu *c)
{
	write_cr3(virt_to_phys(boot_pml4)); /* the kernel's, without the low identity */
	gdt_load(c);
	idt_load();
	syscall_init();
	lapic_init_this();
	__atomic_store_n(&c->started, 1, __ATOMIC_RELEASE);
	/* Parked until smp_release_aps() (an IPI wakes it), or for ever. */
	while (!__atomic_load_n(&aps_go, __ATOMIC_ACQUIRE)) {
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
	if (!(__atomic_load_n(&online_mask, __ATOMIC_ACQUIRE) & (1UL << c->id)))
		for (;;) /* started after CPU 0 gave up on it: not counted, not used */
			__asm__ volatile("cli; hlt");
	sched_ap_enter(); /* kernel/sched.c: its idle loop */
}

void smp_release_aps(void)
{
	__atomic_store_n(&aps_go, 1, __ATOMIC_RELEASE);
	for (unsigned i = 1; i < MAX_CPUS; i++)
		if (online_mask & (1UL << i))
			ipi_send(i, T_IPI_RESCHED);
}

void ipi_send(unsigned cpu, unsigned vec)
{
	lapic_send_ipi(cpus[cpu].apic_id, 0x4000u | vec); /* fixed, assert */
}

uint64_t smp_online_mask(void) { return online_mask; }

static bool start_ap(unsigned idx, unsigned apic_id, uint64_t page)
{
	struct percpu *c = &cpus[idx];
	uint64_t stack = pmem_alloc_contig(AP_STACK_PAGES);
	if (!stack || gdt_prepare(c)) {
		kprintf("htux: CPU %u (APIC %u): no memory for its stacks; skipped\n", idx,
			apic_id);
		if (stack)
			for (int i = 0; i < AP_STACK_PAGES; i++)
				pmem_free(stack + i * PAGE_SIZE);
		return false;
	}
	c->id = idx;
	c->apic_id = apic_id;
	c->boot_stack = (uint64_t)phys_to_virt(stack) + AP_STACK_PAGES * PAGE_SIZE;
	__atomic_store_n(&by_apic_id[apic_id], c, __ATOMIC_RELEASE);
	unsigned vector = page >> 12;
	/* Under TCG on a loaded host a vCPU may take its INIT after the
	 * SIPIs came (and drop them): so INIT-SIPI-SIPI again, waiting
	 * longer each time, before giving up. */
	static bool one_failed; /* then one try each: CPUs that never start cost 0.5 s, not 3.5 */
	for (int try = 0; try < (one_failed ? 1 : CHECKIN_TRIES); try++) {
		if (try) {
			lapic_send_ipi(apic_id, ICR_INIT);
			wait_flag(NULL, INIT_WAIT_NS);
		}
		lapic_send_ipi(apic_id, ICR_SIPI | vector);
		if (wait_flag(&c->started, SIPI_WAIT_NS))
			return true;
		lapic_send_ipi(apic_id, ICR_SIPI | vector);
		if (wait_flag(&c->started, CHECKIN_NS << try))
			return true;
	}
	/* Back to waiting for a SIPI. Should it still come up, it parks on
	 * its own stack and slot, which stay allocated. */
	lapic_send_ipi(apic_id, ICR_INIT);
	one_failed = true;
	kprintf("htux: CPU %u (APIC %u) did not start; skipped\n", idx, apic_id);
	return false;
}

void smp_init(void)
{
	if (acpi_madt_walk(madt_cpu, NULL) < 0 || nfound <= 1)
		return; /* one CPU: nothing to do */
	uint64_t page = pmem_low_page();
	if (!page) {
		kprintf("htux: %u CPUs, but no page below 1 MiB to start them from; using one\n",
			nfound);
		return;
	}
	unsigned self = lapic_id();
	cpus[0].apic_id = self;

	uint8_t *low = phys_to_virt(page);
	memcpy(low, trampoline_start, toff(trampoline_end));
	struct ap_boot *b = (struct ap_boot *)(low + toff(trampoline_data));
	b->gdtr_base = page + toff(trampoline_data);
	b->far32 = page + toff(trampoline_prot);
	b->far64 = page + toff(trampoline_long);
	b->cr0 = (uint32_t)read_cr0();
	b->cr3 = virt_to_phys(ap_pml4);
	uint64_t cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	b->cr4 = (uint32_t)cr4 & ~(1u << 17);              /* no PCIDE outside long mode */
	b->efer = (uint32_t)rdmsr(MSR_EFER) & ~(1u << 10); /* LMA is the CPU's */
	b->table = (uint64_t)by_apic_id;
	b->entry = (uint64_t)ap_main;
	memcpy(ap_pml4, boot_pml4, sizeof(ap_pml4));
	ap_pml4[0] = boot_pml4[256]; /* the direct map's first GiB, at 0 */

	/* INIT to all first, one wait, then each in turn: the trampoline's
	 * data serves one CPU at a time. */
	for (unsigned i = 0; i < nfound; i++)
		if (apic_ids[i] != self)
			lapic_send_ipi(apic_ids[i], ICR_INIT);
	wait_flag(NULL, INIT_WAIT_NS);
	/* a slot in cpus[] each, also for one that does not start; their
	 * stacks take at most an eighth of the free memory */
	uint64_t floor = pmem_free_pages() - pmem_free_pages() / 8;
	unsigned idx = 1, nomem = 0;
	for (unsigned i = 0; i < nfound; i++) {
		if (apic_ids[i] == self)
			continue;
		if (pmem_free_pages() < floor)
			nomem++;
		else if (start_ap(idx, apic_ids[i], page)) {
			online_mask |= 1UL << idx++;
			ncpus_up++;
		} else {
			idx++;
		}
	}
	if (nomem)
		kprintf("htux: %u CPUs not started: too little memory (give more with -m)\n",
			nomem);
	if (nskipped)
		kprintf("htux: %u CPUs not used (APIC IDs above 254 or more than %d)\n", nskipped,
			MAX_CPUS);
	kinfo("%u CPUs, %u started\n", nfound, ncpus_up - 1);
}

unsigned smp_cpus_running(void) { return ncpus_up; }
