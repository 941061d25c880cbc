/* console.h: the virtio console port as the console file uses it
 * (console=hvc): bytes out, bytes in, flushing at exit. */
#ifndef HTUX_VIRTIO_CONSOLE_H
#define HTUX_VIRTIO_CONSOLE_H

#include "kernel/kernel.h"

/* A virtio console was found and set up. */
bool hvc_present(void);
/* Sends n bytes (a user buffer when user); blocks while the port's send
 * buffers are all in flight. Returns n, or what was sent before a fault
 * (-EFAULT when nothing was). */
ssize_t hvc_write(const void *buf, size_t n, bool user);
/* Takes up to n received bytes into buf; 0 when none are waiting. */
size_t hvc_read(uint8_t *buf, size_t n);
/* Waits (a bounded time) until everything written has left. */
void hvc_flush(void);

/* fs/console.c: input arrived on the virtio console. */
void console_input_notify(void);

#endif
