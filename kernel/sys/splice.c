/* sys/splice.c: splice, tee and vmsplice. One end is always a pipe
 * (fs/pipe.h); the bytes pass through a kernel buffer. Waiting follows
 * Linux: for data in the source pipe (none and no writer: 0), for room in
 * the destination pipe; SPLICE_F_NONBLOCK or O_NONBLOCK on a pipe end
 * gives EAGAIN instead. A move takes what is there, up to len and the
 * room, and does not wait for more. The file ends are read and written
 * through the file layer (fs/rw.c). splice_files is the work of splice on
 * open files, also io_uring's (kernel/sys/io_uring_ops.c). */
#include "kernel/syscall.h"
#include "fs/vfs.h"
#include "fs/pipe.h"
#include "kernel/sys/rw.h"
#include <linux/uio.h>

#define SPLICE_F_MOVE 1u /* flags as in <fcntl.h> (no UAPI header has them) */
#define SPLICE_F_NONBLOCK 2u
#define SPLICE_F_MORE 4u
#define SPLICE_F_GIFT 8u

#define SPLICE_F_ALL (SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)
#define CHUNK ((size_t)65536)
#define MAX_RW ((size_t)0x7ffff000)

/* Reads an optional offset (a user one, or a kernel one when kern): 0,
 * -EFAULT, -EINVAL (negative). */
static int get_off(const int64_t *uoff, int64_t *off, bool kern)
{
	if (!uoff)
		return 0;
	if (kern)
		*off = *uoff;
	else if (copy_from_user(off, uoff, sizeof(*off)))
		return -EFAULT;
	return *off < 0 ? -EINVAL : 0;
}

static int put_off(int64_t *uoff, int64_t off, bool kern)
{
	if (kern) {
		*uoff = off;
		return 0;
	}
	return copy_to_user(uoff, &off, sizeof(off));
}

/* pipe in -> file out (out may be a pipe: then it was waited for). The
 * bytes go through the file layer (fs/rw.c): at *uoff, or at out's
 * position (none for a stream), which it moves. */
static long from_pipe(struct file *in, struct file *out, int64_t *uoff, size_t len, bool nb,
		      bool out_pipe, bool kern)
{
	int64_t off = 0;
	int e = get_off(uoff, &off, kern);
	if (e)
		return e;
	if ((e = pipe_wait(in, false, nb)) != 0)
		return e;
	if (out_pipe && (e = pipe_wait(out, true, nb)) != 0)
		return e;
	uint8_t *buf = kmalloc(CHUNK);
	if (!buf)
		return -ENOMEM;
	uint64_t pos = (uint64_t)off;
	long total = 0;
	while ((size_t)total < len) {
		size_t n = MIN(len - (size_t)total, CHUNK);
		if (out_pipe)
			n = MIN(n, pipe_room(out));
		n = pipe_peek(in, buf, n);
		if (n == 0)
			break;
		ssize_t w = file_write(out, buf, n, uoff ? &pos : NULL, 0);
		if (w <= 0) {
			if (total == 0)
				total = w;
			break;
		}
		file_read(in, buf, (size_t)w, NULL, 0); /* consume what went out */
		total += w;
		/* after a short write, on from there, as Linux: the next
		 * write gives the reason (EFBIG and SIGXFSZ, EAGAIN ...) */
	}
	kfree(buf);
	off = (int64_t)pos;
	if (total > 0 && uoff && put_off(uoff, off, kern))
		return -EFAULT;
	return total;
}

/* file in -> pipe out. */
static long to_pipe(struct file *in, int64_t *uoff, struct file *out, size_t len, bool nb,
		    bool kern)
{
	int64_t off = 0;
	int e = get_off(uoff, &off, kern);
	if (e)
		return e;
	if ((e = pipe_wait(out, true, nb)) != 0)
		return e;
	size_t n = MIN(len, pipe_room(out));
	uint8_t *buf = kmalloc(MIN(n, CHUNK));
	if (!buf)
		return -ENOMEM;
	uint64_t pos = (uint64_t)off;
	long total = 0;
	while ((size_t)total < n) {
		size_t k = MIN(n - (size_t)total, CHUNK);
		ssize_t r = file_read(in, buf, k, uoff ? &pos : NULL, 0);
		if (r <= 0) {
			if (total == 0)
				total = r;
			break;
		}
		ssize_t w = file_write(out, buf, (size_t)r, NULL, 0);
		if (w <= 0) {
			if (total == 0)
				total = w;
			break;
		}
		total += w;
		if (r < (ssize_t)k || (in->ops->flags & FOP_STREAM))
			break;
	}
	kfree(buf);
	off = (int64_t)pos;
	if (total > 0 && uoff && put_off(uoff, off, kern))
		return -EFAULT;
	return total;
}

long sys_splice(int fdin, int64_t *offin, int fdout, int64_t *offout, size_t len, unsigned flags)
{
	if (len == 0)
		return 0;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	struct file *in = fd_get(fdin), *out = fd_get(fdout);
	if (!in || !out)
		return -EBADF;
	return splice_files(in, offin, out, offout, len, flags, false);
}

long splice_files(struct file *in, int64_t *offin, struct file *out, int64_t *offout, size_t len,
		  unsigned flags, bool kern)
{
	if (len == 0)
		return 0;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if ((in->flags & O_PATH) || (out->flags & O_PATH))
		return -EBADF;
	bool ip = file_is_pipe(in), op = file_is_pipe(out);
	if ((ip && offin) || (op && offout))
		return -ESPIPE;
	if (!file_readable(in) || !file_writable(out))
		return -EBADF;
	len = MIN(len, MAX_RW);
	bool nb = flags & SPLICE_F_NONBLOCK;
	if (ip && op) {
		if (pipe_same(in, out))
			return -EINVAL;
		if ((in->flags | out->flags) & O_NONBLOCK)
			nb = true;
		return from_pipe(in, out, NULL, len, nb, true, kern);
	}
	if (ip) {
		if (!out->ops || !out->ops->write || (offout && (out->ops->flags & FOP_STREAM)))
			return -EINVAL;
		if (out->flags & O_APPEND)
			return -EINVAL;
		return from_pipe(in, out, offout, len, nb || (in->flags & O_NONBLOCK), false, kern);
	}
	if (op) {
		if (!in->ops || !in->ops->read || (offin && (in->ops->flags & FOP_STREAM)))
			return -EINVAL;
		if (S_ISDIR(in->ino->mode))
			return -EINVAL;
		return to_pipe(in, offin, out, len, nb || (out->flags & O_NONBLOCK), kern);
	}
	return -EINVAL;
}

long sys_tee(int fdin, int fdout, size_t len, unsigned flags)
{
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (len == 0)
		return 0;
	struct file *in = fd_get(fdin), *out = fd_get(fdout);
	if (!in || !out || (in->flags & O_PATH) || (out->flags & O_PATH))
		return -EBADF;
	if (!file_is_pipe(in) || !file_is_pipe(out) || pipe_same(in, out))
		return -EINVAL;
	if (!file_readable(in) || !file_writable(out))
		return -EBADF;
	bool nb = (flags & SPLICE_F_NONBLOCK) || ((in->flags | out->flags) & O_NONBLOCK);
	int e = pipe_wait(in, false, nb);
	if (e)
		return e;
	if ((e = pipe_wait(out, true, nb)) != 0)
		return e;
	size_t n = MIN(MIN(len, pipe_unread(in)), pipe_room(out));
	if (n == 0)
		return 0;
	uint8_t *buf = kmalloc(n);
	if (!buf)
		return -ENOMEM;
	n = pipe_peek(in, buf, n);
	ssize_t w = file_write(out, buf, n, NULL, 0);
	kfree(buf);
	return w;
}

long sys_vmsplice(int fd, const struct iovec *uiov, unsigned long nr, unsigned flags)
{
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (!file_is_pipe(f))
		return -EBADF;
	bool wr = file_writable(f);
	if (!wr && !file_readable(f))
		return -EBADF;
	if (nr > UIO_MAXIOV)
		return -EINVAL;
	if (nr == 0)
		return 0;
	struct iovec *v = kmalloc(sizeof(*v) * nr);
	if (!v)
		return -ENOMEM;
	long r = 0;
	size_t total = 0;
	if (copy_from_user(v, uiov, sizeof(*v) * nr))
		r = -EFAULT;
	for (unsigned long i = 0; !r && i < nr; i++) {
		if (!access_ok(v[i].iov_base, v[i].iov_len)) /* even for 0 bytes, as Linux */
			r = -EFAULT;
		if (v[i].iov_len > MAX_RW - total)
			v[i].iov_len = MAX_RW - total;
		total += v[i].iov_len;
	}
	bool nb = (flags & SPLICE_F_NONBLOCK) || (f->flags & O_NONBLOCK);
	if (!r && total)
		r = pipe_wait(f, wr, nb);
	size_t n = 0;
	if (!r && total)
		n = MIN(total, wr ? pipe_room(f) : pipe_unread(f));
	uint8_t *buf = n ? kmalloc(n) : NULL;
	if (n && !buf)
		r = -ENOMEM;
	if (!r && n) {
		size_t done = 0;
		for (unsigned long i = 0; done < n && wr; i++) {
			/* a fault ends the data: what came before goes in (Linux) */
			size_t k = MIN(v[i].iov_len, n - done);
			size_t c = copy_from_user_partial(buf + done, v[i].iov_base, k);
			done += c;
			if (c < k) {
				n = done;
				r = done ? 0 : -EFAULT;
				break;
			}
		}
		if (!r) {
			ssize_t got = wr ? file_write(f, buf, n, NULL, 0)
					 : file_read(f, buf, n, NULL, 0);
			r = got;
			for (unsigned long i = 0; !wr && got > 0 && done < (size_t)got; i++) {
				size_t k = MIN(v[i].iov_len, (size_t)got - done);
				if (copy_to_user(v[i].iov_base, buf + done, k)) {
					r = done ? (long)done : -EFAULT;
					break;
				}
				done += k;
			}
		}
	}
	kfree(buf);
	kfree(v);
	return r;
}
