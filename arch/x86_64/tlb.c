/* tlb.c: TLB shootdown across CPUs. A CPU that changes a page table entry
 * flushes its own TLB at once and notes what the others owe (the address
 * space, or everything); before it lets the big kernel lock go (or hands
 * a page out again, kernel/pmem.c) it asks each CPU whose CR3 holds that
 * space for a full flush and waits for all of them. The asked CPU answers
 * in the IPI's handler (running the program, or halted) or while it spins
 * for the lock: never with the lock, so the asker, which holds it, always
 * gets its answers. A CPU that will take the lock before it touches user
 * memory again (percpu.tlb_lazy: it waits for the lock, or is idle) is
 * neither interrupted nor waited for: it flushes when it takes the lock.
 * (With 4 vCPUs on 2 busy host cores, waiting for vCPUs the host had not
 * scheduled took 18 of 26 s under the lock, and starved whole programs.)
 * Page table pages and pages freed meanwhile are not reused before then:
 * only the lock holder allocates. */
#include "kernel/kernel.h"
#include "kernel/bkl.h"
#include "kernel/spinlock.h"
#include "kernel/vm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/trap.h"

#define REQ_FLUSH 1   /* flush everything */
#define REQ_LEAVE 2   /* and move off the address space (it is being freed) */
#define REQ_BARRIER 3 /* nothing: taking the interrupt is the barrier */

static void note(struct mm *mm)
{
	struct percpu *c = this_cpu();
	if (!smp_on)
		return;
	if (!mm)
		c->tlb_pending = 2;
	else if (!c->tlb_pending) {
		c->tlb_pending = 1;
		c->tlb_pending_mm = mm;
	} else if (c->tlb_pending == 1 && c->tlb_pending_mm != mm)
		c->tlb_pending = 2;
}

void tlb_flush_page(struct mm *mm, uint64_t va)
{
	invlpg(va);
	note(mm);
}

void tlb_flush_mm(struct mm *mm)
{
	struct percpu *c = this_cpu();
	if (!mm || c->mm == mm)
		write_cr3(read_cr3());
	note(mm);
}

/* For the NMI report: shootdowns asked, CPUs asked, time spent waiting. */
static uint64_t n_asks, n_asked, n_lazy, wait_ns;

void tlb_describe(char *buf, size_t size)
{
	ksnprintf(buf, size,
		  "TLB shootdowns %lu, CPUs asked %lu, left to flush later %lu, waited %lu ms",
		  n_asks, n_asked, n_lazy, wait_ns / 1000000);
}

/* Asks every other CPU that holds mm in CR3 (mm NULL: every one) for req,
 * and waits for their answers. */
static void ask(struct mm *mm, bool all, int req)
{
	struct percpu *me = this_cpu();
	uint64_t online = smp_online_mask(), asked = 0;
	LOCK_CHECK_NOSPIN("TLB shootdown wait");
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		struct percpu *c = &cpus[i];
		if (!(online & (1UL << i)) || c == me || (!all && c->mm != mm))
			continue;
		if (req == REQ_FLUSH && __atomic_load_n(&c->tlb_lazy, __ATOMIC_SEQ_CST)) {
			/* It flushes when it takes the lock, which this CPU
			 * holds: before it touches user memory. */
			int none = 0;
			__atomic_compare_exchange_n(&c->tlb_req, &none, REQ_FLUSH, false,
						    __ATOMIC_RELEASE, __ATOMIC_RELAXED);
			n_lazy++;
			continue;
		}
		/* A flush left to it still owed: a barrier does it too. */
		int r = req == REQ_BARRIER &&
					__atomic_load_n(&c->tlb_req, __ATOMIC_ACQUIRE) == REQ_FLUSH
				? REQ_FLUSH
				: req;
		__atomic_store_n(&c->tlb_req, r, __ATOMIC_RELEASE);
		ipi_send(i, T_IPI_TLB);
		asked |= 1UL << i;
		n_asked++;
	}
	n_asks++;
	uint64_t t0 = time_ns();
	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (asked & (1UL << i))
			while (__atomic_load_n(&cpus[i].tlb_req, __ATOMIC_ACQUIRE))
				cpu_relax();
	wait_ns += time_ns() - t0;
}

void tlb_sync(void)
{
	struct percpu *c = this_cpu();
	int pending = c->tlb_pending;
	if (!pending)
		return;
	c->tlb_pending = 0;
	ask(c->tlb_pending_mm, pending == 2, REQ_FLUSH);
}

void tlb_mm_gone(struct mm *mm)
{
	struct percpu *c = this_cpu();
	if (c->mm == mm) {
		write_cr3(virt_to_phys(boot_pml4));
		c->mm = NULL;
	}
	if (smp_on) {
		tlb_sync();
		ask(mm, false, REQ_LEAVE);
	}
}

void smp_barrier(struct mm *mm)
{
	if (smp_on)
		ask(mm, mm == NULL, REQ_BARRIER);
}

void tlb_ipi_work(void)
{
	struct percpu *c = this_cpu();
	int req = __atomic_load_n(&c->tlb_req, __ATOMIC_ACQUIRE);
	if (req == REQ_LEAVE) {
		write_cr3(virt_to_phys(boot_pml4));
		c->mm = NULL;
	} else if (req == REQ_FLUSH) {
		write_cr3(read_cr3());
	}
	__atomic_store_n(&c->tlb_req, 0, __ATOMIC_RELEASE);
}
