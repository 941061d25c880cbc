/* futex.c: the futex waiters: threads waiting on a 32-bit word of user
 * memory, woken by futex(2), by a thread's exit (CLONE_CHILD_CLEARTID) or
 * moved to another word (requeue), and the PI locks (the word holds the
 * owner's tid; unlocking hands it to the first waiter). A word is known by
 * its key, as on Linux: a private futex (FUTEX_PRIVATE_FLAG, or a word in
 * MAP_PRIVATE memory) by (address space, address); a shared one in a
 * MAP_SHARED area by (the file or shared-memory object, byte offset), the
 * same in every process mapping it, wherever. kernel/sys/futex.c decodes
 * futex(2). */
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "kernel/futex.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "fs/vfs.h"
#include <linux/futex.h>

struct key {
	void *obj;    /* the struct mm, or the struct inode (held while waiting) */
	uint64_t off; /* the address, or the offset in the object */
	bool ino;
};

struct waiter {
	struct key key;
	uint32_t bitset;
	bool pi; /* waits to own a PI lock: given it when woken */
	int tid;
	struct waitq q, *qp; /* qp: where its thread sleeps (&q, or futex_waitv's) */
	bool woken;
	struct waiter *next;
};

static struct waiter *waiters;

/* Inlined (as the other helpers of the wait and wake paths below): a
 * futex round trip is two waits and two wakes, all through here. */
#define HOT static inline __attribute__((always_inline))

/* The key of the word at uaddr in the current address space: a private
 * futex's without looking at the areas. */
HOT struct key key_of(uint64_t uaddr, bool shared)
{
	struct mm *mm = current->mm;
	struct key k = { mm, uaddr, false };
	struct vma *v = shared ? vm_find(mm, uaddr) : NULL;
	if (v && vma_shared(v)) {
		k.obj = v->file;
		k.off = v->file_off + (uaddr - v->start);
		k.ino = true;
	}
	return k;
}

HOT bool same(const struct key *a, const struct key *b)
{
	return a->obj == b->obj && a->off == b->off;
}

HOT void key_hold(struct key *k)
{
	if (k->ino)
		inode_get(k->obj);
}

HOT void key_drop(struct key *k)
{
	if (k->ino)
		inode_put(k->obj);
}

static void unlink(struct waiter *w)
{
	for (struct waiter **pp = &waiters; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			return;
		}
}

/* Wakes up to n non-PI waiters on k whose bitset meets bitset. */
HOT int wake_key(const struct key *k, int n, uint32_t bitset)
{
	int woken = 0;
	struct waiter **pp = &waiters;
	while (*pp && woken < n) {
		struct waiter *w = *pp;
		if (same(&w->key, k) && !w->pi && (w->bitset & bitset)) {
			*pp = w->next;
			w->woken = true;
			waitq_wake(w->qp, 1);
			woken++;
		} else {
			pp = &w->next;
		}
	}
	return woken;
}

int futex_wake(uint64_t uaddr, bool shared, int n, uint32_t bitset)
{
	struct key k = key_of(uaddr, shared);
	return wake_key(&k, n, bitset);
}

int futex_read(const uint32_t *uaddr, uint32_t *v)
{
	if ((uint64_t)uaddr & 3)
		return -EINVAL;
	return get_user_u32(v, uaddr);
}

/* Queues w (its key set) and sleeps: 0 when woken, else -ETIMEDOUT or
 * -EINTR (w unqueued). */
HOT long sleep_on(struct waiter *w, uint64_t deadline)
{
	w->qp = &w->q;
	key_hold(&w->key);
	w->next = waiters;
	waiters = w;
	int r = waitq_wait(&w->q, deadline);
	if (!w->woken)
		unlink(w);
	key_drop(&w->key);
	if (w->woken)
		return 0;
	return r == WAKE_TIMEOUT ? -ETIMEDOUT : -EINTR;
}

long futex_wait(uint32_t *uaddr, bool shared, uint32_t val, uint64_t deadline, uint32_t bitset)
{
	uint32_t cur;
	int err = futex_read(uaddr, &cur);
	if (err)
		return err;
	if (cur != val)
		return -EAGAIN;
	struct waiter w = {
		key_of((uint64_t)uaddr, shared), bitset, false, 0, { NULL }, NULL, false, NULL
	};
	return sleep_on(&w, deadline);
}

long futex_wait_multiple(const struct futex_vec *v, unsigned n, uint64_t deadline)
{
	struct waitq q = { NULL };
	uint32_t cur;

	for (unsigned i = 0; i < n; i++) {
		int err = futex_read((const uint32_t *)v[i].uaddr, &cur);
		if (err)
			return err;
		if (cur != v[i].val)
			return -EAGAIN;
	}
	struct waiter *ws = kzalloc(n * sizeof(*ws));
	if (!ws)
		return -ENOMEM;
	/* the kernel is not preempted: no wake-up comes between the reads
	 * and the queueing */
	for (unsigned i = 0; i < n; i++) {
		ws[i].key = key_of(v[i].uaddr, v[i].shared);
		ws[i].bitset = ~0u;
		ws[i].qp = &q;
		key_hold(&ws[i].key);
		ws[i].next = waiters;
		waiters = &ws[i];
	}
	int r = waitq_wait(&q, deadline);
	long ret = -1;
	for (unsigned i = 0; i < n; i++) {
		if (ws[i].woken)
			ret = i;
		else
			unlink(&ws[i]);
		key_drop(&ws[i].key);
	}
	kfree(ws);
	if (ret >= 0)
		return ret;
	return r == WAKE_TIMEOUT ? -ETIMEDOUT : -EINTR;
}

int futex_requeue(uint64_t from, uint64_t to, bool shared, int nwake, int nmove)
{
	struct key kf = key_of(from, shared), kt = key_of(to, shared);
	int done = wake_key(&kf, nwake, ~0u);
	for (struct waiter *w = waiters; w && nmove > 0; w = w->next)
		if (same(&w->key, &kf) && !w->pi) {
			key_drop(&w->key);
			w->key = kt;
			key_hold(&w->key);
			nmove--;
			done++;
		}
	return done;
}

/* ---- PI locks: the word is the owner's tid, | FUTEX_WAITERS while some
 * thread waits in the kernel (unlocking must then come here). */

static struct waiter *first_pi(const struct key *k, struct waiter *skip)
{
	for (struct waiter *w = waiters; w; w = w->next)
		if (w != skip && w->pi && same(&w->key, k))
			return w;
	return NULL;
}

/* Sets the word from cur to nv, atomically (the program on another CPU may
 * change it meanwhile): 0, 1 when it no longer held cur (*cur is then what
 * it held: look again), or -EFAULT. */
static int word_set(uint32_t *uaddr, uint32_t *cur, uint32_t nv)
{
	uint32_t seen = *cur;
	int err = cmpxchg_user_u32(uaddr, &seen, nv);
	if (err)
		return err;
	if (seen == *cur)
		return 0;
	*cur = seen;
	return 1;
}

long futex_lock_pi(uint32_t *uaddr, bool shared, uint64_t deadline, bool try)
{
	int tid = cur_thread->tid;
	uint32_t cur, nv;
	int err = futex_read(uaddr, &cur);
	if (err)
		return err;
	struct key k = key_of((uint64_t)uaddr, shared);
	for (;;) {
		uint32_t owner = cur & FUTEX_TID_MASK;
		if (owner == (uint32_t)tid)
			return -EDEADLK;
		if (!owner) {
			/* free (or its owner died): ours; waiters stay marked */
			nv = (cur & FUTEX_OWNER_DIED) | (uint32_t)tid |
			     (first_pi(&k, NULL) ? FUTEX_WAITERS : 0);
			err = word_set(uaddr, &cur, nv);
			if (err <= 0)
				return err;
			continue;
		}
		if (try)
			return -EAGAIN;
		if (!thread_find((int)owner))
			return -ESRCH;    /* Linux: an owner that does not exist */
		nv = cur | FUTEX_WAITERS; /* the owner's unlock must come here */
		if (nv == cur || (err = word_set(uaddr, &cur, nv)) == 0)
			break;
		if (err < 0)
			return err;
	}
	struct waiter w = { k, ~0u, true, tid, { NULL }, NULL, false, NULL };
	long r = sleep_on(&w, deadline);
	if (r == 0)
		return 0; /* handed over by futex_unlock_pi */
	if (r == -ETIMEDOUT) {
		/* nobody left waiting: the owner may unlock in user space */
		if (!first_pi(&k, NULL) && !futex_read(uaddr, &cur) && (cur & FUTEX_WAITERS))
			word_set(uaddr, &cur, cur & ~FUTEX_WAITERS);
	}
	return r; /* a signal (Linux restarts the call; no restarts here) */
}

long futex_unlock_pi(uint32_t *uaddr, bool shared)
{
	uint32_t cur, nv = 0;
	int err = futex_read(uaddr, &cur);
	if (err)
		return err;
	struct key k = key_of((uint64_t)uaddr, shared);
	struct waiter *w;
	do {
		if ((cur & FUTEX_TID_MASK) != (uint32_t)cur_thread->tid)
			return -EPERM;
		w = first_pi(&k, NULL);
		/* as Linux: marked while handed over */
		nv = w ? (uint32_t)w->tid | FUTEX_WAITERS : 0;
	} while ((err = word_set(uaddr, &cur, nv)) == 1);
	if (err)
		return err;
	if (w) {
		unlink(w);
		w->woken = true;
		waitq_wake(&w->q, 1);
	}
	return 0;
}
