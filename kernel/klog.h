/* klog.h: reading and steering the kernel log (kernel/klog.c), for
 * syslog(2); writing to it is kernel/kernel.h's klog_write and kinfo. */
#ifndef HTUX_KLOG_H
#define HTUX_KLOG_H

#include <stdbool.h>
#include <stddef.h>

#define KLOG_SIZE 16384 /* bytes of records kept */

/* Waits for unread records and copies those that fit in len bytes (len >
 * 0, ubuf checked by the caller) to ubuf, or the start of the first: the
 * bytes copied, -EINTR or -EFAULT. */
long klog_read(char *ubuf, size_t len);
/* The newest records that fit, unread or not (since the last clear); with
 * clear, hides them from the next call. Bytes copied or -EFAULT. */
long klog_read_all(char *ubuf, size_t len, bool clear);
void klog_clear(void);
/* The console's level: off (1, keeping the old one), back on, set. */
void klog_console_off(void);
void klog_console_on(void);
void klog_console_level(int level);
size_t klog_unread(void);

#endif
