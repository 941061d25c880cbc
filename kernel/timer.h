/* timer.h: the timers that send signals (kernel/timer.c): setitimer's
 * three per process and POSIX timers, all of the current process, in
 * nanoseconds. The tick and exit hooks are declared in kernel/signal.h. */
#ifndef HTUX_TIMER_H
#define HTUX_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/signal.h"

/* ITIMER_REAL/_VIRTUAL/_PROF (which, checked by the caller): the time
 * left (an expired timer not yet ticked reads as 1) and the period. */
void itimer_read(int which, uint64_t *left, uint64_t *interval);
/* Arms it value ns from now (0: disarms) with the period interval. */
void itimer_arm(int which, uint64_t value, uint64_t interval);

/* A POSIX timer on clock notifying by notify (SIGEV_SIGNAL, with
 * SIGEV_THREAD_ID: thread tid; or SIGEV_NONE) with signo and *value (NULL:
 * the id, as Linux). Its id, or -EAGAIN. */
int ptimer_create(int clock, int notify, int signo, int tid, const sigval_t *value);
/* The rest: 0 (ptimer_overrun: the count) or -EINVAL for no such timer. */
int ptimer_read(int id, uint64_t *left, uint64_t *interval);
int ptimer_arm(int id, bool abstime, uint64_t value, uint64_t interval);
int ptimer_overrun(int id);
int ptimer_delete(int id);

#endif
