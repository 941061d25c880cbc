/* bkl.c: the big kernel lock (see bkl.h): a test-and-test-and-set lock
 * (under TCG a vCPU that holds it may be descheduled by the host; a
 * ticket lock would then stall every waiter behind the next ticket); a
 * CPU that has spun a little halts until a holder, letting go, wakes it
 * with an IPI (the halted ones in turn), handing it the lock if it has
 * waited long. A CPU waiting for
 * it answers TLB shootdowns (arch/x86_64/tlb.c), spinning or halted, so
 * a holder waiting for its flush never waits for the lock it holds. */
#include "kernel/kernel.h"
#include "kernel/bkl.h"
#include "kernel/spinlock.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/trap.h"

bool smp_on;
static int bkl_word;
static uint64_t waiters; /* CPUs halted until the lock comes to them */
static int handoff = -1; /* the CPU the lock was handed to, still held */
/* For the NMI report: times taken, waits that halted, hand-overs. */
static uint64_t n_taken, n_halts, n_handoffs;

#ifdef HTUX_DEBUG_LOCKS
/* panic_test=bkl-race (a kernel with the lock checks; tests/boot/
 * lockcheck.sh): each 16th release holds the lock 3 ms longer, so that a
 * waiter halts long enough to be handed it, then waits 10 ms between
 * choosing the waiter and handing it over, time for that one to wake up
 * (its own tick), take the lock and let it go by itself. */
static unsigned race_n;
static bool race_pause(void)
{
	if (kopts.panic_test != 7 || ++race_n % 16)
		return false;
	for (uint64_t t = time_ns(); time_ns() - t < 3000000;)
		cpu_relax();
	return true;
}
static void race_pause_again(bool slow)
{
	for (uint64_t t = time_ns(); slow && time_ns() - t < 10000000;)
		cpu_relax();
}
#else
#define race_pause() false
#define race_pause_again(slow) ((void)(slow))
#endif

#define SPINS 1000           /* turns of spinning before a CPU halts to wait */
#define HANDOFF_NS 2000000UL /* a waiter this long is handed the lock */

void bkl_lock_smp(void)
{
	struct percpu *c = this_cpu();
	LOCK_CHECK_NOSPIN("big kernel lock taken");
	int me = (int)c->id;
	uint64_t bit = 1UL << me;
	__atomic_store_n(&c->tlb_lazy, 1, __ATOMIC_SEQ_CST); /* from here, no user memory */
	for (int spins = 0;; spins++) {
		if (__atomic_load_n(&handoff, __ATOMIC_ACQUIRE) == me) {
			__atomic_store_n(&handoff, -1, __ATOMIC_RELAXED);
			break; /* handed over by the last holder */
		}
		if (!__atomic_load_n(&bkl_word, __ATOMIC_RELAXED) &&
		    !__atomic_exchange_n(&bkl_word, 1, __ATOMIC_ACQUIRE))
			break;
		if (__atomic_load_n(&c->tlb_req, __ATOMIC_ACQUIRE))
			tlb_ipi_work();
		if (spins < SPINS || c->bkl_waiting) { /* nested (an interrupt): spin */
			cpu_relax();
			continue;
		}
		/* Halt until the holder hands the lock over with an IPI: under
		 * TCG a spinning vCPU takes the host CPU the holder needs (4
		 * vCPUs on 2 host cores slowed to a crawl), and a CPU that
		 * lets go and comes back at once would always win against one
		 * that must wake up first. Halted, it takes interrupts: a TLB
		 * flush is answered, others take the lock in trap() (spinning,
		 * not halting) and let it go. */
		c->bkl_waiting = 1;
		__atomic_add_fetch(&n_halts, 1, __ATOMIC_RELAXED);
		if (!c->bkl_wait_since)
			c->bkl_wait_since = time_ns();
		__atomic_or_fetch(&waiters, bit, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&bkl_word, __ATOMIC_SEQ_CST) &&
		    __atomic_load_n(&handoff, __ATOMIC_SEQ_CST) != me)
			__asm__ volatile("sti; hlt; cli" ::: "memory");
		__atomic_and_fetch(&waiters, ~bit, __ATOMIC_SEQ_CST);
		c->bkl_waiting = 0;
		spins = 0;
	}
	c->bkl_wait_since = 0;
	c->bkl_held = 1;
	if (__atomic_load_n(&c->tlb_req, __ATOMIC_ACQUIRE))
		tlb_ipi_work(); /* a flush left to it while it waited */
	c->tlb_lazy = 0;
	n_taken++;
}

void bkl_unlock_smp(bool to_user)
{
	struct percpu *c = this_cpu();
	if (c->tlb_pending)
		tlb_sync();
	bool slow = race_pause();
	c->bkl_held = 0;
	__atomic_store_n(&c->tlb_lazy, !to_user, __ATOMIC_RELAXED); /* published by the release */
	__atomic_store_n(&bkl_word, 0, __ATOMIC_SEQ_CST);
	/* A waiter sets its bit, then looks at the word: it sees it free,
	 * or this sees its bit and wakes it. The next waiter after this CPU
	 * (turns) is woken to compete for the lock; one that has waited
	 * HANDOFF_NS is handed it (if nobody took it meanwhile: then that
	 * one does so when it lets go), so none starves, while the lock is
	 * not left idle for every wake-up (with 64 vCPUs on 2 host cores,
	 * handing it over each time made 64 threads time out). */
	for (;;) {
		uint64_t w = __atomic_load_n(&waiters, __ATOMIC_SEQ_CST);
		if (!w)
			return;
		unsigned me = c->id, next = me;
		for (unsigned k = 1; k <= MAX_CPUS; k++) {
			next = (me + k) % MAX_CPUS;
			if (w & (1UL << next))
				break;
		}
		uint64_t bit = 1UL << next;
		uint64_t since = __atomic_load_n(&cpus[next].bkl_wait_since, __ATOMIC_RELAXED);
		int free = 0;
		race_pause_again(slow);
		if (since && time_ns() - since >= HANDOFF_NS &&
		    __atomic_compare_exchange_n(&bkl_word, &free, 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED)) {
			/* Handed over only if it still waits: its bit, taken
			 * here, says so. It may have stopped waiting since w
			 * was read (woken by another interrupt, it took the
			 * lock and let it go): handed to a CPU no longer
			 * waiting, the lock stayed held until that one came
			 * back for it, which an idle CPU with no timer never
			 * does, and every other CPU halted for it for good. */
			if (!(__atomic_fetch_and(&waiters, ~bit, __ATOMIC_SEQ_CST) & bit)) {
				__atomic_store_n(&bkl_word, 0, __ATOMIC_SEQ_CST);
				continue; /* free again: the waiters, looked at anew */
			}
			__atomic_store_n(&handoff, (int)next, __ATOMIC_RELEASE);
			__atomic_add_fetch(&n_handoffs, 1, __ATOMIC_RELAXED);
		}
		ipi_send(next, T_IPI_RESCHED);
		return;
	}
}

void bkl_describe(char *buf, size_t size)
{
	ksnprintf(buf, size,
		  "big lock %s, waiters %lx, handed to %d; taken %lu, halts %lu, handed over %lu",
		  __atomic_load_n(&bkl_word, __ATOMIC_RELAXED) ? "held" : "free",
		  __atomic_load_n(&waiters, __ATOMIC_RELAXED),
		  __atomic_load_n(&handoff, __ATOMIC_RELAXED), n_taken, n_halts, n_handoffs);
}

void bkl_exit_to_user(void)
{
	if (this_cpu()->bkl_held)
		bkl_unlock_smp(true);
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
