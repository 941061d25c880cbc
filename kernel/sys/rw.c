/* sys/rw.c: the system calls on a descriptor's data: read and write, their
 * positional (pread64, pwrite64) and vector forms (readv, writev, preadv,
 * pwritev), over the file layer's file_read/file_write (fs/rw.c), which
 * has the rules. A buffer or iovec not wholly in user space is EFAULT
 * before the file sees it (Linux's access_ok); the file's copies find the
 * rest. */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "fs/vfs.h"
#include <linux/uio.h>

#define MAX_RW ((size_t)0x7ffff000)   /* Linux's MAX_RW_COUNT */

/* ---- read and write */

/* buf in user memory; the file layer (fs/rw.c) has the rules. */
static ssize_t do_read(struct file *f, void *buf, size_t n, uint64_t *pos)
{
	return file_read(f, buf, n, pos, FILE_IO_USER);
}

static ssize_t do_write(struct file *f, const void *buf, size_t n, uint64_t *pos)
{
	return file_write(f, buf, n, pos, FILE_IO_USER);
}

static bool pos_ok(off_t off)
{
	return off >= 0;
}

long sys_read(int fd, void *buf, size_t n)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return do_read(f, buf, n, NULL);
}

long sys_write(int fd, const void *buf, size_t n)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return do_write(f, buf, n, NULL);
}

long sys_pread64(int fd, void *buf, size_t n, off_t off)
{
	if (!pos_ok(off))
		return -EINVAL;   /* before the descriptor, as Linux */
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	uint64_t pos = (uint64_t)off;
	return do_read(f, buf, n, &pos);
}

long sys_pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	if (!pos_ok(off))
		return -EINVAL;   /* before the descriptor, as Linux */
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	uint64_t pos = (uint64_t)off;
	return do_write(f, buf, n, &pos);
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
		total += v[i].iov_len;   /* no overflow: each is below USER_TOP */
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

static long stream_rwv(struct file *f, const struct iovec *v, int cnt, size_t len, bool wr)
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
	size_t at = 0;                /* bytes of v[i] done */
	while ((size_t)total < len) {
		size_t n = MIN(len - (size_t)total, STREAM_CHUNK), k = 0;
		ssize_t r = 0;
		if (wr) {
			for (int j = i, a = (int)at; k < n; j++, a = 0) {
				size_t c = MIN(v[j].iov_len - (size_t)a, n - k);
				if (copy_from_user(buf + k, (const uint8_t *)v[j].iov_base + a, c)) {
					r = -EFAULT;
					break;
				}
				k += c;
			}
			if (r == 0)
				r = file_write(f, buf, n, NULL, 0);
		} else {
			r = file_read(f, buf, n, NULL, 0);
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

static long rwv_file(struct file *f, const struct iovec *uiov, int cnt, uint64_t *pos0, bool wr)
{
	if (pos0 && !(f->flags & O_PATH) && f->ops && (f->ops->flags & FOP_STREAM))
		return -ESPIPE;   /* before the vector is looked at, as Linux */
	long err;
	size_t len;
	struct iovec *v = get_iov(uiov, cnt, &len, &err);
	if (!v)
		return err;
	if (!pos0 && len && f->ops && (f->ops->flags & FOP_STREAM)) {
		long r = stream_rwv(f, v, cnt, len, wr);
		kfree(v);
		return r;
	}
	long total = 0;
	if (len == 0)      /* still checks the file, as read(fd, p, 0) does */
		total = wr ? do_write(f, NULL, 0, pos0) : do_read(f, NULL, 0, pos0);
	for (int i = 0; i < cnt && len; i++) {
		if (v[i].iov_len == 0)
			continue;
		ssize_t r = wr ? do_write(f, v[i].iov_base, v[i].iov_len, pos0)
			       : do_read(f, v[i].iov_base, v[i].iov_len, pos0);
		if (r < 0) {
			if (total == 0)
				total = r;
			break;
		}
		total += r;   /* file_read/file_write moved *pos0 or the position */
		if ((size_t)r < v[i].iov_len)
			break;
	}
	kfree(v);
	return total;
}

static long do_rwv(int fd, const struct iovec *uiov, int cnt, uint64_t *pos0, bool wr)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	file_get(f);   /* kept across the blocking calls, as do_read does */
	long r = rwv_file(f, uiov, cnt, pos0, wr);
	file_put(f);
	return r;
}

long sys_readv(int fd, const struct iovec *iov, int iovcnt)
{
	return do_rwv(fd, iov, iovcnt, NULL, false);
}

long sys_writev(int fd, const struct iovec *iov, int iovcnt)
{
	return do_rwv(fd, iov, iovcnt, NULL, true);
}

long sys_preadv(int fd, const struct iovec *iov, int iovcnt, off_t off)
{
	if (!pos_ok(off))
		return -EINVAL;
	uint64_t pos = (uint64_t)off;
	return do_rwv(fd, iov, iovcnt, &pos, false);
}

long sys_pwritev(int fd, const struct iovec *iov, int iovcnt, off_t off)
{
	if (!pos_ok(off))
		return -EINVAL;
	uint64_t pos = (uint64_t)off;
	return do_rwv(fd, iov, iovcnt, &pos, true);
}
