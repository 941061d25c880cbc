/* spinlock.h: a small spinlock for what runs outside the big kernel lock
 * (kernel/bkl.c), and the lock checks of a debug build (configure
 * --enable-debug-locks, or the htux-debug.elf variant: HTUX_DEBUG_LOCKS):
 * each spinlock has a rank from the order in docs/design.md ("Locking
 * rules"); taking one whose rank is not below every rank this CPU holds,
 * or sleeping with one held, without the big lock (several CPUs) or with
 * interrupts on, panics with "htux: lock check: " and the rule broken.
 * Without the checks a spinlock is a word and the sleep check nothing. */
#ifndef HTUX_SPINLOCK_H
#define HTUX_SPINLOCK_H

#include <stdint.h>

/* The ranks, outermost first: a CPU takes them only in this order. */
enum lock_rank {
	LOCK_PROC,
	LOCK_MM,
	LOCK_INODE,
	LOCK_NET,
	LOCK_FILES,
	LOCK_SIGHAND,
	LOCK_FUTEX,
	LOCK_PIPE,
	LOCK_WAITQ,
	LOCK_RQ,
	LOCK_BCACHE,
	LOCK_PAGEREF,
	LOCK_KMALLOC,
	LOCK_PMEM,
	LOCK_CONSOLE,
	LOCK_RANKS
};

struct spinlock {
	int word;
	int rank; /* enum lock_rank */
	const char *name;
};
#define SPINLOCK_INIT(r, n) \
	{ \
		0, (r), (n) \
	}

/* Interrupts off on this CPU (the caller's flag is returned, for the
 * unlock to put back), then the lock. */
uint64_t spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l, uint64_t flags);

#ifdef HTUX_DEBUG_LOCKS
/* At every way into a sleep (schedule(), waitq_wait*): where says which. */
void lock_check_sleep(const char *where);
/* What may wait for another CPU (what says what: taking the big kernel
 * lock, waiting for TLB shootdown answers) is not done with a spinlock
 * held: that CPU may be spinning for it with interrupts off. */
void lock_check_nospin(const char *what);
#define LOCK_CHECK_SLEEP(where) lock_check_sleep(where)
#define LOCK_CHECK_NOSPIN(what) lock_check_nospin(what)
#else
#define LOCK_CHECK_SLEEP(where) ((void)0)
#define LOCK_CHECK_NOSPIN(what) ((void)0)
#endif

#endif
