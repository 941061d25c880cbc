/* bkl.c: the big kernel lock (see bkl.h): a test-and-test-and-set lock
 * (under TCG a vCPU that holds it may be descheduled by the host; a
 * ticket lock would then stall every waiter behind the next ticket). A
 * CPU waiting for it answers TLB shootdowns (arch/x86_64/tlb.c) while it
 * spins, interrupts off, so a holder waiting for its flush never waits
 * for the lock it holds. */
#include "kernel/kernel.h"
#include "kernel/bkl.h"
#include "kernel/spinlock.h"
#include "arch/x86_64/smp.h"

bool smp_on;
static int bkl_word;

void bkl_lock_smp(void)
{
	struct percpu *c = this_cpu();
	LOCK_CHECK_NOSPIN("big kernel lock taken");
	for (;;) {
		if (!__atomic_load_n(&bkl_word, __ATOMIC_RELAXED) &&
		    !__atomic_exchange_n(&bkl_word, 1, __ATOMIC_ACQUIRE))
			break;
		if (__atomic_load_n(&c->tlb_req, __ATOMIC_ACQUIRE))
			tlb_ipi_work();
		cpu_relax();
	}
	c->bkl_held = 1;
}

void bkl_unlock_smp(void)
{
	struct percpu *c = this_cpu();
	if (c->tlb_pending)
		tlb_sync();
	c->bkl_held = 0;
	__atomic_store_n(&bkl_word, 0, __ATOMIC_RELEASE);
}

void bkl_exit_to_user(void)
{
	if (this_cpu()->bkl_held)
		bkl_unlock_smp();
}

void cpu_wait_interrupt(void)
{
	LOCK_CHECK_NOSPIN("cpu_wait_interrupt"); /* an interrupt here may want it */
	bool held = bkl_mine();
	if (held)
		bkl_unlock();
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	if (held)
		bkl_lock();
}
