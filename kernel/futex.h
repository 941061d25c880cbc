/* futex.h: waking futex waiters from inside the kernel (thread exit). */
#ifndef HTUX_FUTEX_H
#define HTUX_FUTEX_H

#include <stdint.h>

/* Wakes up to n waiters on the user address uaddr whose bitset meets
 * bitset; returns how many. */
int futex_wake(uint64_t uaddr, int n, uint32_t bitset);

#endif
