/* spinlock.c: the spinlock and, in a debug build (HTUX_DEBUG_LOCKS), the
 * lock checks (see spinlock.h): per CPU a count of the spinlocks held and
 * a mask of their ranks (struct percpu). */
#include "kernel/kernel.h"
#include "kernel/spinlock.h"
#include "kernel/bkl.h"
#include "arch/x86_64/cpu.h"

static inline uint64_t flags_save(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(f) : : "memory");
	return f;
}

#ifdef HTUX_DEBUG_LOCKS
static const char *const rank_names[LOCK_RANKS] = {
	"proc_lock",     "mm->lock",     "inode lock",   "net_lock",   "files->lock",
	"sighand->lock", "futex_lock",   "pipe lock",    "waitq lock", "rq_lock",
	"bcache_lock",   "pageref_lock", "kmalloc_lock", "pmem_lock",  "console_lock",
};

/* The outermost rank held (the highest set bit: the last taken). */
static int top_rank(unsigned ranks) { return ranks ? 31 - __builtin_clz(ranks) : -1; }

static void check_order(const struct spinlock *l)
{
	struct percpu *c = this_cpu();
	int top = top_rank(c->spin_ranks);
	if (l->rank < 0 || l->rank >= LOCK_RANKS)
		panic("lock check: %s has no rank", l->name);
	if (top >= l->rank)
		panic("lock check: lock order: %s (%s) taken with %s held (take only downwards, "
		      "docs/design.md)",
		      l->name, rank_names[l->rank], rank_names[top]);
}

void lock_check_sleep(const char *where)
{
	struct percpu *c = this_cpu();
	uint64_t f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	if (c->spin_count)
		panic("lock check: sleep with a spinlock held: %s with %d held (%s)", where,
		      c->spin_count, rank_names[top_rank(c->spin_ranks)]);
	if (f & FL_IF)
		panic("lock check: sleep with interrupts on: %s", where);
	if (smp_on && !c->bkl_held)
		panic("lock check: sleep without the big kernel lock: %s", where);
}

void lock_check_nospin(const char *what)
{
	struct percpu *c = this_cpu();
	if (c->spin_count)
		panic("lock check: %s with a spinlock held (%s)", what,
		      rank_names[top_rank(c->spin_ranks)]);
}
#endif

uint64_t spin_lock(struct spinlock *l)
{
	uint64_t flags = flags_save();
#ifdef HTUX_DEBUG_LOCKS
	check_order(l);
#endif
	while (__atomic_load_n(&l->word, __ATOMIC_RELAXED) ||
	       __atomic_exchange_n(&l->word, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
#ifdef HTUX_DEBUG_LOCKS
	struct percpu *c = this_cpu();
	c->spin_count++;
	c->spin_ranks |= 1u << l->rank;
#endif
	return flags;
}

void spin_unlock(struct spinlock *l, uint64_t flags)
{
#ifdef HTUX_DEBUG_LOCKS
	struct percpu *c = this_cpu();
	if (!l->word || !(c->spin_ranks & (1u << l->rank)))
		panic("lock check: %s let go but not held here", l->name);
	c->spin_count--;
	c->spin_ranks &= ~(1u << l->rank);
#endif
	__atomic_store_n(&l->word, 0, __ATOMIC_RELEASE);
	if (flags & FL_IF)
		__asm__ volatile("sti" ::: "memory");
}
