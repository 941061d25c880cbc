/* sys/file.c: the system calls on descriptors and their data: open, close,
 * read/write and their vector and positional forms, lseek, dup*, fcntl,
 * ioctl, getdents64, fsync, ftruncate, and the cache hints (fadvise64,
 * readahead: they check their arguments and are done; sync_file_range
 * writing a disk file's data syncs it as fsync does). */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "fs/vfs.h"
#include "fs/pipe.h"
#include <linux/uio.h>
#include <linux/fadvise.h>
#include <asm/ioctls.h>

#define MAX_RW ((size_t)0x7ffff000)   /* Linux's MAX_RW_COUNT */

#ifndef SEEK_SET
#define SEEK_SET  0
#define SEEK_CUR  1
#define SEEK_END  2
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif

/* ---- read and write */

/* The data of f at *pos (NULL: the file position), buf in user memory. */
static ssize_t do_read(struct file *f, void *buf, size_t n, const uint64_t *pos)
{
	if (!file_readable(f))
		return -EBADF;
	if (S_ISDIR(f->ino->mode))
		return -EISDIR;
	if (!f->ops || !f->ops->read)
		return -EINVAL;
	if (pos && (f->ops->flags & FOP_STREAM))
		return -ESPIPE;
	if (n == 0)
		return 0;
	n = MIN(n, MAX_RW);
	uint64_t off = pos ? *pos : f->off;
	file_get(f);   /* a blocked read keeps f, even if another thread closes fd */
	ssize_t r = f->ops->read(f, buf, n, off, true);
	if (r > 0 && !pos)
		f->off = off + (uint64_t)r;
	file_put(f);
	return r;
}

static ssize_t do_write(struct file *f, const void *buf, size_t n, const uint64_t *pos)
{
	if (!file_writable(f))
		return -EBADF;
	if (!f->ops || !f->ops->write)
		return -EINVAL;
	if (pos && (f->ops->flags & FOP_STREAM))
		return -ESPIPE;
	if (n == 0)
		return 0;
	n = MIN(n, MAX_RW);
	uint64_t off = pos ? *pos : f->off;
	if ((f->flags & O_APPEND) && S_ISREG(f->ino->mode))
		off = f->ino->size;
	file_get(f);
	ssize_t r = f->ops->write(f, buf, n, off, true);
	if (r > 0 && !pos)
		f->off = off + (uint64_t)r;
	file_put(f);
	return r;
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
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (!pos_ok(off))
		return -EINVAL;
	uint64_t pos = (uint64_t)off;
	return do_read(f, buf, n, &pos);
}

long sys_pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (!pos_ok(off))
		return -EINVAL;
	uint64_t pos = (uint64_t)off;
	return do_write(f, buf, n, &pos);
}

/* Copies in and checks an iovec array; kfree the result. */
static struct iovec *get_iov(const struct iovec *uiov, int cnt, bool to_user, size_t *total_out,
			     long *err)
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
	size_t total = 0;
	for (int i = 0; i < cnt; i++) {
		if (v[i].iov_len > (size_t)INT64_MAX - total) {
			kfree(v);
			*err = -EINVAL;
			return NULL;
		}
		total += v[i].iov_len;
		if (v[i].iov_len && !user_ok(v[i].iov_base, v[i].iov_len, to_user)) {
			kfree(v);
			*err = -EFAULT;
			return NULL;
		}
	}
	*err = 0;
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
	if (wr ? !file_writable(f) : !file_readable(f))
		return -EBADF;
	if (!f->ops || (wr ? !f->ops->write : !f->ops->read))
		return -EINVAL;
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
				r = f->ops->write(f, buf, n, 0, false);
		} else {
			r = f->ops->read(f, buf, n, 0, false);
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

static long rwv_file(struct file *f, const struct iovec *uiov, int cnt, const uint64_t *pos0, bool wr)
{
	long err;
	size_t len;
	struct iovec *v = get_iov(uiov, cnt, !wr, &len, &err);
	if (!v)
		return err;
	if (!pos0 && len && f->ops && (f->ops->flags & FOP_STREAM)) {
		long r = stream_rwv(f, v, cnt, len, wr);
		kfree(v);
		return r;
	}
	uint64_t pos = pos0 ? *pos0 : 0;
	long total = 0;
	if (len == 0)      /* still checks the file, as read(fd, p, 0) does */
		total = wr ? do_write(f, NULL, 0, pos0) : do_read(f, NULL, 0, pos0);
	for (int i = 0; i < cnt && len; i++) {
		if (v[i].iov_len == 0)
			continue;
		ssize_t r = wr ? do_write(f, v[i].iov_base, v[i].iov_len, pos0 ? &pos : NULL)
			       : do_read(f, v[i].iov_base, v[i].iov_len, pos0 ? &pos : NULL);
		if (r < 0) {
			if (total == 0)
				total = r;
			break;
		}
		total += r;
		pos += (uint64_t)r;
		if ((size_t)r < v[i].iov_len)
			break;
	}
	kfree(v);
	return total;
}

static long do_rwv(int fd, const struct iovec *uiov, int cnt, const uint64_t *pos0, bool wr)
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

/* ---- open and close */

long sys_openat(int dirfd, const char *upath, int flags, int mode)
{
	int e;
	char *path = path_from_user(upath, &e);
	if (!path)
		return e;
	struct file *f;
	e = vfs_openat(dirfd, path, flags, (unsigned)mode, &f);
	kfree(path);
	if (e)
		return e;
	return fd_alloc(f, 0, flags & O_CLOEXEC);
}

long sys_open(const char *path, int flags, int mode)
{
	return sys_openat(AT_FDCWD, path, flags, mode);
}

long sys_creat(const char *path, int mode)
{
	return sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

long sys_close(int fd)
{
	return fd_close(fd);
}

/* ---- positions */

long sys_lseek(int fd, off_t off, int whence)
{
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (f->ops && (f->ops->flags & FOP_SEEK0))
		return 0;     /* before FOP_STREAM: eventfd, timerfd and epoll are both */
	if (f->ops && (f->ops->flags & FOP_STREAM))
		return -ESPIPE;
	uint64_t size = f->ino->size;
	int64_t base;
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->off;
		break;
	case SEEK_END:
		if (S_ISDIR(f->ino->mode))
			return -EINVAL;
		base = (int64_t)size;
		break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (!S_ISREG(f->ino->mode))
			return -EINVAL;
		if (off < 0 || (uint64_t)off >= size)
			return -ENXIO;
		f->off = whence == SEEK_DATA ? (uint64_t)off : size;
		return (long)f->off;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off))
		return -EOVERFLOW;
	int64_t n = base + off;
	if (n < 0)
		return -EINVAL;
	f->off = (uint64_t)n;
	return n;
}

/* ---- duplicating */

long sys_dup(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return fd_alloc(file_get(f), 0, false);
}

long sys_dup3(int oldfd, int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	struct file *f = fd_get(oldfd);
	if (!f)
		return -EBADF;
	if (newfd < 0 || newfd >= FD_MAX)
		return -EBADF;
	return fd_install(newfd, file_get(f), flags & O_CLOEXEC);
}

long sys_dup2(int oldfd, int newfd)
{
	if (oldfd == newfd)
		return fd_get(oldfd) ? newfd : -EBADF;
	return sys_dup3(oldfd, newfd, 0);
}

/* ---- fcntl */

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME | FASYNC)

/* Record locks: fs/reclock.c. */
static long lock_cmd(struct file *f, int cmd, unsigned long arg)
{
	struct flock fl;
	if (copy_from_user(&fl, (void *)arg, sizeof(fl)))
		return -EFAULT;
	long e = reclock_fcntl(f, cmd, &fl);
	if (!e && (cmd == F_GETLK || cmd == F_OFD_GETLK))
		return copy_to_user((void *)arg, &fl, sizeof(fl));
	return e;
}

long sys_fcntl(int fd, int cmd, unsigned long arg)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= FD_MAX)
			return -EINVAL;
		return fd_alloc(file_get(f), (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fd_get_cloexec(fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		return fd_set_cloexec(fd, arg & FD_CLOEXEC);
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		if (f->flags & O_PATH)
			return -EBADF;
		f->flags = (f->flags & ~(unsigned)SETFL_MASK) | ((unsigned)arg & SETFL_MASK);
		return 0;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		if (f->flags & O_PATH)
			return -EBADF;
		return lock_cmd(f, cmd, arg);
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		if (!file_is_pipe(f))
			return -EBADF;
		return pipe_fcntl(f, cmd, arg);
	case F_GETOWN:
		return 0;
	case F_SETOWN:
		return 0;
	default:
		return -EINVAL;
	}
}

/* ---- ioctl */

long sys_ioctl(int fd, unsigned long req, unsigned long arg)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		return -EBADF;
	req = (unsigned int)req;   /* Linux takes cmd as unsigned int (musl passes an int) */
	switch (req) {
	case FIOCLEX:
		return fd_set_cloexec(fd, true);
	case FIONCLEX:
		return fd_set_cloexec(fd, false);
	case FIONBIO: {
		int on;
		if (copy_from_user(&on, (void *)arg, sizeof(on)))
			return -EFAULT;
		if (on)
			f->flags |= O_NONBLOCK;
		else
			f->flags &= ~(unsigned)O_NONBLOCK;
		return 0;
	}
	case FIONREAD:
		if (S_ISREG(f->ino->mode)) {
			int n = f->off >= f->ino->size ? 0 : (int)MIN(f->ino->size - f->off, (uint64_t)INT32_MAX);
			return copy_to_user((void *)arg, &n, sizeof(n));
		}
		break;
	}
	if (!f->ops || !f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(f, req, arg);
}

/* ---- directories */

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

struct dents {
	char *ubuf;
	size_t cap, used;
	int err;
	bool full;
};

static int dents_emit(void *ctx, const char *name, size_t len, uint64_t ino,
		      unsigned type, uint64_t next)
{
	struct dents *d = ctx;
	char rec[sizeof(struct linux_dirent64) + NAME_MAX + 1 + 8];
	size_t reclen = (offsetof(struct linux_dirent64, d_name) + len + 1 + 7) & ~(size_t)7;
	if (len > NAME_MAX)
		return 0;     /* cannot happen: names are checked when made */
	if (d->used + reclen > d->cap) {
		d->full = true;
		return 1;
	}
	struct linux_dirent64 *de = (struct linux_dirent64 *)rec;
	memset(rec, 0, reclen);
	de->d_ino = ino;
	de->d_off = (int64_t)next;
	de->d_reclen = (uint16_t)reclen;
	de->d_type = (uint8_t)type;
	memcpy(de->d_name, name, len);
	if (copy_to_user(d->ubuf + d->used, rec, reclen)) {
		d->err = -EFAULT;
		return 1;
	}
	d->used += reclen;
	return 0;
}

long sys_getdents64(int fd, void *buf, size_t n)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		return -EBADF;
	if (!S_ISDIR(f->ino->mode))
		return -ENOTDIR;
	if (!f->ino->ops || !f->ino->ops->readdir)
		return -ENOTDIR;
	struct dents d = { .ubuf = buf, .cap = MIN(n, MAX_RW), .used = 0, .err = 0, .full = false };
	uint64_t pos = f->off;
	int e = f->ino->ops->readdir(f->ino, &pos, dents_emit, &d);
	f->off = pos;
	if (d.used)
		return (long)d.used;
	if (e)
		return e;
	if (d.err)
		return d.err;
	if (d.full)
		return -EINVAL;   /* buffer too small for one entry */
	return 0;
}

/* ---- the rest */

long sys_fsync(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		return -EBADF;
	if (f->ops && (f->ops->flags & FOP_STREAM))
		return -EINVAL;
	if (f->ops && f->ops->fsync)
		return f->ops->fsync(f);
	return 0;
}

long sys_fdatasync(int fd)
{
	return sys_fsync(fd);
}

long sys_ftruncate(int fd, off_t len)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		return -EBADF;
	if (len < 0)
		return -EINVAL;
	if (!S_ISREG(f->ino->mode) || !file_writable(f))
		return -EINVAL;
	return vfs_truncate(f->ino, (uint64_t)len);
}

/* ---- cache hints */

long sys_fadvise64(int fd, int64_t off, int64_t len, int advice)
{
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (S_ISFIFO(f->ino->mode))
		return -ESPIPE;
	if (len < 0)
		return -EINVAL;
	switch (advice) {
	case POSIX_FADV_NORMAL:
	case POSIX_FADV_RANDOM:
	case POSIX_FADV_SEQUENTIAL:
	case POSIX_FADV_WILLNEED:
	case POSIX_FADV_DONTNEED:
	case POSIX_FADV_NOREUSE:
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_readahead(int fd, int64_t off, size_t count)
{
	struct file *f = fd_get(fd);
	if (!f || !file_readable(f))
		return -EBADF;
	if (!S_ISREG(f->ino->mode))
		return -EINVAL;
	return 0;
}

#define SYNC_FILE_RANGE_VALID 7u   /* WAIT_BEFORE | WRITE | WAIT_AFTER */

long sys_sync_file_range(int fd, int64_t off, int64_t n, unsigned flags)
{
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (flags & ~SYNC_FILE_RANGE_VALID)
		return -EINVAL;
	if (off < 0 || n < 0 || (n > 0 && off > INT64_MAX - n))
		return -EINVAL;
	unsigned t = f->ino->mode & S_IFMT;
	if (t != S_IFREG && t != S_IFDIR && t != S_IFLNK && t != S_IFBLK)
		return -ESPIPE;
	if ((flags & 2u) && f->ops && f->ops->fsync)   /* SYNC_FILE_RANGE_WRITE */
		return f->ops->fsync(f);
	return 0;
}
