/* sys/rw.c: the system calls on a descriptor's data: read and write, their
 * positional (pread64, pwrite64) and vector forms (readv, writev, preadv,
 * pwritev, preadv2, pwritev2; the vector and RWF_* helpers also for
 * kernel/sys/aio.c), over the file layer's file_read/file_write (fs/rw.c), which
 * has the rules. A buffer or iovec not wholly in user space is EFAULT
 * before the file sees it (Linux's access_ok); the file's copies find the
 * rest. */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "fs/vfs.h"
#include "kernel/sys/rw.h"
#include <linux/uio.h>

#define MAX_RW ((size_t)0x7ffff000) /* Linux's MAX_RW_COUNT */

/* ---- read and write */

/* buf in user memory; the file layer (fs/rw.c) has the rules. how: more
 * FILE_IO_* (preadv2/pwritev2's flags). */
static ssize_t do_read(struct file *f, void *buf, size_t n, uint64_t *pos, unsigned how)
{
	return file_read(f, buf, n, pos, FILE_IO_USER | how);
}

static ssize_t do_write(struct file *f, const void *buf, size_t n, uint64_t *pos, unsigned how)
{
	return file_write(f, buf, n, pos, FILE_IO_USER | how);
}

static bool pos_ok(off_t off) { return off >= 0; }

long sys_read(int fd, void *buf, size_t n)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return do_read(f, buf, n, NULL, 0);
}

long sys_write(int fd, const void *buf, size_t n)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return do_write(f, buf, n, NULL, 0);
}

long sys_pread64(int fd, void *buf, size_t n, off_t off)
{
	if (!pos_ok(off))
		return -EINVAL; /* before the descriptor, as Linux */
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	uint64_t pos = (uint64_t)off;
	return do_read(f, buf, n, &pos, 0);
}

long sys_pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	if (!pos_ok(off))
		return -EINVAL; /* before the descriptor, as Linux */
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	uint64_t pos = (uint64_t)off;
	return do_write(f, buf, n, &pos, 0);
}

/* Copies in and checks an iovec array; kfree the result. */
static struct iovec *get_iov(const struct iovec *uiov, int cnt, size_t *total_out, long *err)
{
	if (cnt < 0 || cnt > UIO_MAXIOV) {
		*err = -EINVAL;
		return NULL;
	}
	struct iovec *v = kmalloc(sizeof(*v) * (size_t)(cnt ? cnt : 1));
	if (!v) {
		*err = -ENOMEM;
		return NULL;
	}
	if (copy_from_user(v, uiov, sizeof(*v) * (size_t)cnt)) {
		kfree(v);
		*err = -EFAULT;
		return NULL;
	}
	/* as Linux: a negative length is EINVAL, before any base is looked
	 * at; a base not in user space is EFAULT, even for 0 bytes */
	size_t total = 0;
	*err = 0;
	for (int i = 0; i < cnt; i++)
		if (v[i].iov_len > (size_t)INT64_MAX)
			*err = -EINVAL;
	for (int i = 0; i < cnt && !*err; i++) {
		if (!access_ok(v[i].iov_base, v[i].iov_len))
			*err = -EFAULT;
		total += v[i].iov_len; /* no overflow: each is below USER_TOP */
	}
	if (*err) {
		kfree(v);
		return NULL;
	}
	*total_out = total;
	return v;
}

/* A vector on a stream (pipe, console, eventfd) goes to the file in one
 * call, as Linux hands it the whole vector: a read returns what one read
 * gives instead of blocking for the next part, a write of up to PIPE_BUF
 * bytes to a pipe stays atomic, and an eventfd takes its 8 bytes in
 * pieces. The bytes pass through a kernel buffer, STREAM_CHUNK at a time. */
#define STREAM_CHUNK ((size_t)65536)

static long stream_rwv(struct file *f, const struct iovec *v, size_t len, bool wr, unsigned how)
{
	int e = file_rw_ok(f, wr);
	if (e)
		return e;
	len = MIN(len, MAX_RW);
	uint8_t *buf = kmalloc(MIN(len, STREAM_CHUNK));
	if (!buf)
		return -ENOMEM;
	long total = 0;
	int i = 0;
	size_t at = 0; /* bytes of v[i] done */
	while ((size_t)total < len) {
		size_t n = MIN(len - (size_t)total, STREAM_CHUNK), k = 0;
		ssize_t r = 0;
		if (wr) {
			for (int j = i, a = (int)at; k < n; j++, a = 0) {
				size_t c = MIN(v[j].iov_len - (size_t)a, n - k);
				if (copy_from_user(buf + k, (const uint8_t *)v[j].iov_base + a,
						   c)) {
					r = -EFAULT;
					break;
				}
				k += c;
			}
			if (r == 0)
				r = file_write(f, buf, n, NULL, how);
		} else {
			r = file_read(f, buf, n, NULL, how);
		}
		if (r <= 0) {
			if (total == 0)
				total = r;
			break;
		}
		/* move along the vector by r bytes (a read scatters them) */
		for (size_t done = 0; done < (size_t)r;) {
			size_t c = MIN(v[i].iov_len - at, (size_t)r - done);
			if (!wr && copy_to_user((uint8_t *)v[i].iov_base + at, buf + done, c)) {
				kfree(buf);
				return done ? (long)done : -EFAULT;
			}
			done += c;
			at += c;
			if (at == v[i].iov_len) {
				i++;
				at = 0;
			}
		}
		total += r;
		if ((size_t)r < n || !wr)
			break;
	}
	kfree(buf);
	return total;
}

long rwv_file(struct file *f, const struct iovec *uiov, int cnt, uint64_t *pos0, bool wr,
	      unsigned how)
{
	if (pos0 && !(f->flags & O_PATH) && f->ops && (f->ops->flags & FOP_STREAM))
		return -ESPIPE; /* before the vector is looked at, as Linux */
	long err;
	size_t len;
	struct iovec *v = get_iov(uiov, cnt, &len, &err);
	if (!v)
		return err;
	if (!pos0 && len && f->ops && (f->ops->flags & FOP_STREAM)) {
		long r = stream_rwv(f, v, len, wr, how);
		kfree(v);
		return r;
	}
	long total = 0;
	if (len == 0) /* still checks the file, as read(fd, p, 0) does */
		total = wr ? do_write(f, NULL, 0, pos0, how) : do_read(f, NULL, 0, pos0, how);
	for (int i = 0; i < cnt && len; i++) {
		if (v[i].iov_len == 0)
			continue;
		ssize_t r = wr ? do_write(f, v[i].iov_base, v[i].iov_len, pos0, how)
			       : do_read(f, v[i].iov_base, v[i].iov_len, pos0, how);
		if (r < 0) {
			if (total == 0)
				total = r;
			break;
		}
		total += r; /* file_read/file_write moved *pos0 or the position */
		if ((size_t)r < v[i].iov_len)
			break;
	}
	kfree(v);
	return total;
}

static long do_rwv(int fd, const struct iovec *uiov, int cnt, uint64_t *pos0, bool wr, unsigned how)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	file_get(f); /* kept across the blocking calls, as do_read does */
	long r = rwv_file(f, uiov, cnt, pos0, wr, how);
	file_put(f);
	return r;
}

long sys_readv(int fd, const struct iovec *iov, int iovcnt)
{
	return do_rwv(fd, iov, iovcnt, NULL, false, 0);
}

long sys_writev(int fd, const struct iovec *iov, int iovcnt)
{
	return do_rwv(fd, iov, iovcnt, NULL, true, 0);
}

long sys_preadv(int fd, const struct iovec *iov, int iovcnt, off_t off)
{
	if (!pos_ok(off))
		return -EINVAL;
	uint64_t pos = (uint64_t)off;
	return do_rwv(fd, iov, iovcnt, &pos, false, 0);
}

long sys_pwritev(int fd, const struct iovec *iov, int iovcnt, off_t off)
{
	if (!pos_ok(off))
		return -EINVAL;
	uint64_t pos = (uint64_t)off;
	return do_rwv(fd, iov, iovcnt, &pos, true, 0);
}

/* preadv2/pwritev2's flags (Linux 6.1's RWF_SUPPORTED). */
#define RWF_HIPRI 0x01u
#define RWF_DSYNC 0x02u
#define RWF_SYNC 0x04u
#define RWF_NOWAIT 0x08u
#define RWF_APPEND 0x10u

/* The FILE_IO_* for flags, or -EOPNOTSUPP. */
long rwf_how(unsigned flags, bool wr)
{
	if (flags & ~(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND))
		return -EOPNOTSUPP;
	unsigned how = 0;
	if (flags & RWF_NOWAIT)
		how |= FILE_IO_NOWAIT;
	if (wr && (flags & RWF_APPEND))
		how |= FILE_IO_APPEND;
	if (wr && (flags & (RWF_DSYNC | RWF_SYNC)))
		how |= FILE_IO_SYNC;
	return how; /* RWF_HIPRI: polling a device's completion; nothing to do */
}

/* Offset -1 is the file position (readv/writev); pos_h is for 32-bit
 * systems and not used. */
static long rwv2(int fd, const struct iovec *iov, int iovcnt, off_t off, int flags, bool wr)
{
	if (off < -1)
		return -EINVAL;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	/* Linux looks at the flags last, after the file's checks */
	int e = file_rw_ok(f, wr);
	if (e)
		return e;
	if (off != -1 && f->ops && (f->ops->flags & FOP_STREAM))
		return -ESPIPE;
	long how = rwf_how((unsigned)flags, wr);
	if (how < 0)
		return how;
	/* Linux's FMODE_NOWAIT: pipes and sockets; not tmpfs, ext2 nor ttys */
	if ((how & FILE_IO_NOWAIT) && !S_ISFIFO(f->ino->mode) && !S_ISSOCK(f->ino->mode))
		return -EOPNOTSUPP;
	uint64_t pos = (uint64_t)off;
	return do_rwv(fd, iov, iovcnt, off == -1 ? NULL : &pos, wr, (unsigned)how);
}

long sys_preadv2(int fd, const struct iovec *iov, int iovcnt, off_t pos_l, off_t pos_h, int flags)
{
	(void)pos_h;
	return rwv2(fd, iov, iovcnt, pos_l, flags, false);
}

long sys_pwritev2(int fd, const struct iovec *iov, int iovcnt, off_t pos_l, off_t pos_h, int flags)
{
	(void)pos_h;
	return rwv2(fd, iov, iovcnt, pos_l, flags, true);
}
