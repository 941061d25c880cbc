/* sys/xfer.c: moving data between files inside the kernel (sendfile,
 * copy_file_range) and reserving or punching file space (fallocate). */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "fs/vfs.h"

#define MAX_RW ((size_t)0x7ffff000)
#define CHUNK 4096

#define FALLOC_FL_KEEP_SIZE 0x01
#define FALLOC_FL_PUNCH_HOLE 0x02

/* Copies up to len bytes from in at *ipos (NULL: its position) to out at
 * *opos (NULL: its position), through the file layer (fs/rw.c). The input
 * moves on by what was written. */
static ssize_t copy_data(struct file *in, uint64_t *ipos, struct file *out, uint64_t *opos,
			 size_t len)
{
	char *buf = kmalloc(CHUNK);
	if (!buf)
		return -ENOMEM;
	bool stream = in->ops && (in->ops->flags & FOP_STREAM);
	size_t done = 0;
	ssize_t err = 0;
	len = MIN(len, MAX_RW);
	while (done < len) {
		uint64_t off = ipos ? *ipos : in->off;
		ssize_t r = file_read(in, buf, MIN(len - done, CHUNK), stream ? NULL : &off, 0);
		if (r <= 0) {
			err = r;
			break;
		}
		/* a short write is written on from where it stopped, as
		 * Linux's splice does: the next one gives the reason (EFBIG
		 * and SIGXFSZ at RLIMIT_FSIZE), which the count hides */
		ssize_t w = 0, k;
		while (w < r && (k = file_write(out, buf + w, (size_t)(r - w), opos, 0)) > 0)
			w += k;
		if (w == 0) {
			err = k;
			break;
		}
		if (!stream) {
			off += (uint64_t)w - (uint64_t)r;
			if (ipos)
				*ipos = off;
			else
				in->off = off;
		}
		done += (size_t)w;
		if (w < r)
			break;
	}
	kfree(buf);
	return done ? (ssize_t)done : err;
}

static long get_pos(const int64_t *upos, uint64_t *pos)
{
	int64_t v;
	if (copy_from_user(&v, upos, sizeof(v)))
		return -EFAULT;
	if (v < 0)
		return -EINVAL;
	*pos = (uint64_t)v;
	return 0;
}

long sys_sendfile(int outfd, int infd, int64_t *uoff, size_t count)
{
	struct file *in = fd_get(infd), *out = fd_get(outfd);
	if (!in || !out || !file_readable(in) || !file_writable(out))
		return -EBADF;
	if (out->flags & O_APPEND)
		return -EINVAL;
	if (!in->ops || !in->ops->read || !out->ops || !out->ops->write || S_ISDIR(in->ino->mode))
		return -EINVAL;
	uint64_t pos;
	if (uoff) {
		if (in->ops->flags & FOP_STREAM)
			return -ESPIPE;
		long e = get_pos(uoff, &pos);
		if (e)
			return e;
	}
	if (count == 0)
		return 0;
	ssize_t r = copy_data(in, uoff ? &pos : NULL, out, NULL, count);
	if (uoff && r >= 0 && copy_to_user(uoff, &pos, sizeof(pos)))
		return -EFAULT;
	return r;
}

long sys_copy_file_range(int infd, int64_t *uin, int outfd, int64_t *uout, size_t len,
			 unsigned flags)
{
	if (flags)
		return -EINVAL;
	struct file *in = fd_get(infd), *out = fd_get(outfd);
	if (!in || !out || !file_readable(in) || !file_writable(out))
		return -EBADF;
	if (S_ISDIR(in->ino->mode) || S_ISDIR(out->ino->mode))
		return -EISDIR;
	if (!S_ISREG(in->ino->mode) || !S_ISREG(out->ino->mode))
		return -EINVAL;
	if (out->flags & O_APPEND)
		return -EBADF;
	uint64_t ipos = in->off, opos = out->off;
	long e;
	if (uin && (e = get_pos(uin, &ipos)) != 0)
		return e;
	if (uout && (e = get_pos(uout, &opos)) != 0)
		return e;
	if (in->ino == out->ino && ipos < opos + len && opos < ipos + len)
		return -EINVAL; /* overlapping ranges of one file */
	if (len == 0)
		return 0;
	ssize_t r = copy_data(in, &ipos, out, &opos, len);
	if (r > 0) {
		if (uin) {
			if (copy_to_user(uin, &ipos, sizeof(ipos)))
				return -EFAULT;
		} else {
			in->off = ipos;
		}
		if (uout) {
			if (copy_to_user(uout, &opos, sizeof(opos)))
				return -EFAULT;
		} else {
			out->off = opos;
		}
	}
	return r;
}

/* Mode 0 makes the file at least off+len long (the new bytes are zeros);
 * PUNCH_HOLE|KEEP_SIZE zeroes a range. RAM is not reserved ahead, so
 * KEEP_SIZE alone (preallocation) is not offered. */
long sys_fallocate(int fd, int mode, int64_t off, int64_t len)
{
	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode != 0 && mode != (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	struct file *f = fd_get(fd);
	if (!f || !file_writable(f))
		return -EBADF;
	if (S_ISDIR(f->ino->mode))
		return -EISDIR;
	if (f->ops && (f->ops->flags & FOP_STREAM))
		return -ESPIPE;
	if (!S_ISREG(f->ino->mode))
		return -ENODEV;
	if (off > INT64_MAX - len)
		return -EFBIG;
	uint64_t end = (uint64_t)off + (uint64_t)len;
	if (mode == 0) {
		if (f->flags & O_APPEND)
			return -EBADF;
		return end > f->ino->size ? vfs_truncate(f->ino, end) : 0;
	}
	end = MIN(end, f->ino->size);
	static const char zeros[512];
	for (uint64_t p = (uint64_t)off; p < end;) {
		ssize_t w = file_write(f, zeros, MIN(end - p, sizeof(zeros)), &p, FILE_IO_INPLACE);
		if (w <= 0)
			return w ? w : -EIO;
	}
	return 0;
}
