/* sys/io_uring_ops.h: the io_uring operations (kernel/sys/io_uring_ops.c)
 * for the calls of kernel/sys/io_uring.c. */
#ifndef HTUX_SYS_IO_URING_OPS_H
#define HTUX_SYS_IO_URING_OPS_H

#include <stdbool.h>

/* The operations, for fs/io_uring.c's engine. */
extern const struct io_ops io_uring_ops;
/* Whether opcode op is issued (REGISTER_PROBE). */
bool io_uring_supported(unsigned op);

#endif
