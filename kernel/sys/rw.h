/* sys/rw.h: kernel/sys/rw.c's helpers for the other calls that read and
 * write (kernel/sys/aio.c, kernel/sys/io_uring_ops.c), and splice's. */
#ifndef HTUX_SYS_RW_H
#define HTUX_SYS_RW_H

#include <stdbool.h>
#include <stdint.h>

struct file;
struct iovec;

/* readv/writev of f from/to the user vector uiov (cnt entries); pos0:
 * the position to use and move, NULL for the file's; how: FILE_IO_*. */
long rwv_file(struct file *f, const struct iovec *uiov, int cnt, uint64_t *pos0, bool wr,
	      unsigned how);
/* The FILE_IO_* for RWF_* flags, or -EOPNOTSUPP. */
long rwf_how(unsigned flags, bool wr);
/* kernel/sys/splice.c: splice from in to out (offsets: NULL, or user
 * pointers, kernel ones when kern), as splice(2). */
long splice_files(struct file *in, int64_t *offin, struct file *out, int64_t *offout, size_t len,
		  unsigned flags, bool kern);

#endif
