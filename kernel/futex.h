/* futex.h: the futex waiters (kernel/futex.c): waiting on, waking and
 * requeueing 32-bit words of user memory, and PI locks, for futex(2) and
 * thread exit. shared: the word is known by its object and offset when it
 * lies in a MAP_SHARED area (futex(2) without FUTEX_PRIVATE_FLAG), so that
 * every process mapping it meets there; else by address space and address. */
#ifndef HTUX_FUTEX_H
#define HTUX_FUTEX_H

#include <stdint.h>
#include <stdbool.h>

/* Wakes up to n waiters on the word at uaddr whose bitset meets bitset;
 * returns how many. */
int futex_wake(uint64_t uaddr, bool shared, int n, uint32_t bitset);
/* Reads the aligned user word uaddr: 0, -EINVAL or -EFAULT. */
int futex_read(const uint32_t *uaddr, uint32_t *v);
/* Sleeps while *uaddr == val until woken (0), the time_ns() deadline
 * passes (-ETIMEDOUT; 0: none) or a signal comes (-EINTR); -EAGAIN if the
 * word differs. */
long futex_wait(uint32_t *uaddr, bool shared, uint32_t val, uint64_t deadline, uint32_t bitset);
/* One word of futex_waitv: its address (aligned, checked), the value
 * expected there, and whether it is shared. */
struct futex_vec {
	uint64_t uaddr;
	uint32_t val;
	bool shared;
};
/* Sleeps on the n words of v (n <= 128) while each holds its value until
 * one is woken: its index (the last one woken if several), -EAGAIN if a
 * word differs, -EFAULT, -ETIMEDOUT at the time_ns() deadline (0: none),
 * -EINTR for a signal, -ENOMEM. */
long futex_wait_multiple(const struct futex_vec *v, unsigned n, uint64_t deadline);
/* Wakes nwake waiters on from and moves up to nmove others to to; returns
 * how many were woken or moved. */
int futex_requeue(uint64_t from, uint64_t to, bool shared, int nwake, int nmove);
/* FUTEX_LOCK_PI (try: FUTEX_TRYLOCK_PI): takes the PI lock at uaddr for
 * the current thread (the word becomes its tid), waiting (FUTEX_WAITERS
 * set) until the owner unlocks, the deadline or a signal. 0, -EDEADLK
 * (ours already), -EAGAIN (try, held), -ESRCH (no such owner),
 * -ETIMEDOUT, -EINTR, -EFAULT. */
long futex_lock_pi(uint32_t *uaddr, bool shared, uint64_t deadline, bool try);
/* FUTEX_UNLOCK_PI: the lock goes to its first waiter (woken), or is
 * free (0). -EPERM if the current thread does not own it. */
long futex_unlock_pi(uint32_t *uaddr, bool shared);

#endif
