/* fdfiles.h: files a system call of their own makes (fs/eventfd.c,
 * fs/memfd.c), for their handlers in kernel/sys/fdfiles.c. */
#ifndef HTUX_FS_FDFILES_H
#define HTUX_FS_FDFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct file;

/* An eventfd file counting from count (semaphore: reads take 1; flags:
 * O_NONBLOCK), or NULL for no memory. */
struct file *eventfd_new(uint64_t count, bool semaphore, unsigned flags);
/* A memfd named name (len bytes, "memfd:" included) with permission bits
 * mode: 0 and *out, or -errno. */
int memfd_new(const char *name, size_t len, unsigned mode, struct file **out);

#endif
