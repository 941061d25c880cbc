/* fdfiles.h: files a system call of their own makes (fs/eventfd.c,
 * fs/memfd.c, fs/timerfd.c, fs/signalfd.c), for their handlers in kernel/sys/fdfiles.c
 * (the eventfd signal also for fs/aio.c). */
#ifndef HTUX_FS_FDFILES_H
#define HTUX_FS_FDFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct file;

/* An eventfd file counting from count (semaphore: reads take 1; flags:
 * O_NONBLOCK), or NULL for no memory. */
struct file *eventfd_new(uint64_t count, bool semaphore, unsigned flags);
/* Whether f is an eventfd; adding n to one's counter (AIO's
 * IOCB_FLAG_RESFD: saturating at its ceiling, never blocking). */
bool eventfd_is(const struct file *f);
void eventfd_signal(struct file *f, uint64_t n);
/* A memfd named name (len bytes, "memfd:" included) with permission bits
 * mode: 0 and *out, or -errno. */
int memfd_new(const char *name, size_t len, unsigned mode, struct file **out);

/* timerfd: a new one on clock (flags: O_NONBLOCK), or NULL for no memory;
 * the timer descriptor fd names (else NULL, *err -EBADF or -EINVAL); its
 * time to the next expiry and period, in ns; arming it (value 0:
 * disarms; abstime: value is a time on its clock; TIMERFD_FOREVER for
 * "never"). */
#define TIMERFD_FOREVER ((uint64_t)INT64_MAX)
struct timerfd;
struct file *timerfd_new(int clock, unsigned flags);
struct timerfd *timerfd_of(int fd, long *err);
void timerfd_setting(struct timerfd *t, uint64_t *left, uint64_t *interval);
void timerfd_arm(struct timerfd *t, bool abstime, uint64_t value, uint64_t interval);

/* signalfd: a new one for the signals in mask (flags: O_NONBLOCK), or
 * NULL for no memory; a new mask for the one fd names: 0, -EBADF or
 * -EINVAL (not a signalfd). */
struct file *signalfd_new(uint64_t mask, unsigned flags);
int signalfd_set(int fd, uint64_t mask);

#endif
