/* futex.h: the futex waiters (kernel/futex.c): waiting on, waking and
 * requeueing 32-bit words of user memory, for futex(2) and thread exit. */
#ifndef HTUX_FUTEX_H
#define HTUX_FUTEX_H

#include <stdint.h>

/* Wakes up to n waiters on the user address uaddr whose bitset meets
 * bitset; returns how many. */
int futex_wake(uint64_t uaddr, int n, uint32_t bitset);
/* Reads the aligned user word uaddr: 0, -EINVAL or -EFAULT. */
int futex_read(const uint32_t *uaddr, uint32_t *v);
/* Sleeps while *uaddr == val until woken (0), the time_ns() deadline
 * passes (-ETIMEDOUT; 0: none) or a signal comes (-EINTR); -EAGAIN if the
 * word differs. */
long futex_wait(uint32_t *uaddr, uint32_t val, uint64_t deadline, uint32_t bitset);
/* Wakes nwake waiters on from and moves up to nmove others to to; returns
 * how many were woken or moved. */
int futex_requeue(uint64_t from, uint64_t to, int nwake, int nmove);

#endif
