/* futex.c: the futex waiters: threads waiting on a 32-bit word of user
 * memory, woken by futex(2), by a thread's exit (CLONE_CHILD_CLEARTID) or
 * moved to another word (requeue). A futex is a word of one address space
 * (struct mm): there is no memory shared between processes, so private and
 * shared futexes are the same. kernel/sys/futex.c decodes futex(2). */
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "kernel/futex.h"
#include "kernel/proc.h"

struct waiter {
	struct mm *mm;
	uint64_t uaddr;
	uint32_t bitset;
	struct waitq q;
	bool woken;
	struct waiter *next;
};

static struct waiter *waiters;

static void unlink(struct waiter *w)
{
	for (struct waiter **pp = &waiters; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			return;
		}
}

int futex_wake(uint64_t uaddr, int n, uint32_t bitset)
{
	int woken = 0;
	struct waiter **pp = &waiters;
	while (*pp && woken < n) {
		struct waiter *w = *pp;
		if (w->uaddr == uaddr && w->mm == current->mm && (w->bitset & bitset)) {
			*pp = w->next;
			w->woken = true;
			waitq_wake(&w->q, 1);
			woken++;
		} else {
			pp = &w->next;
		}
	}
	return woken;
}

int futex_read(const uint32_t *uaddr, uint32_t *v)
{
	if ((uint64_t)uaddr & 3)
		return -EINVAL;
	return copy_from_user(v, uaddr, sizeof(*v));
}

long futex_wait(uint32_t *uaddr, uint32_t val, uint64_t deadline, uint32_t bitset)
{
	uint32_t cur;
	int err = futex_read(uaddr, &cur);
	if (err)
		return err;
	if (cur != val)
		return -EAGAIN;
	struct waiter w = { current->mm, (uint64_t)uaddr, bitset, { NULL }, false, waiters };
	waiters = &w;
	int r = waitq_wait(&w.q, deadline);
	if (!w.woken)
		unlink(&w);
	if (w.woken)
		return 0;
	return r == WAKE_TIMEOUT ? -ETIMEDOUT : -EINTR;
}

int futex_requeue(uint64_t from, uint64_t to, int nwake, int nmove)
{
	int done = futex_wake(from, nwake, ~0u);
	for (struct waiter *w = waiters; w && nmove > 0; w = w->next)
		if (w->uaddr == from && w->mm == current->mm) {
			w->uaddr = to;
			nmove--;
			done++;
		}
	return done;
}
