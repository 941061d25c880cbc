/* sys/file.c: the system calls on descriptors: open, openat2, close, close_range, lseek, dup*,
 * fcntl, ioctl, getdents64 and getdents, fsync, ftruncate, and the cache hints (fadvise64,
 * readahead: they check their arguments and are done; sync_file_range
 * writing a disk file's data syncs it as fsync does). */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "fs/vfs.h"
#include "fs/pipe.h"
#include "fs/poll.h"
#include <linux/uio.h>
#include <linux/fadvise.h>
#include <asm/ioctls.h>

#define MAX_RW ((size_t)0x7ffff000) /* Linux's MAX_RW_COUNT */

#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif

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

/* openat2's struct open_how: version 0 is 24 bytes; a larger one's extra
 * bytes must be zero (E2BIG otherwise). Unlike openat, unknown flags,
 * a mode without O_CREAT/O_TMPFILE and unknown RESOLVE_* are EINVAL. */
#define OPEN_HOW_SIZE0 24u
#define OPENAT2_FLAGS \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC | \
	 FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | \
	 __O_SYNC | O_PATH | __O_TMPFILE)
#define RESOLVE_ALL \
	(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | \
	 RESOLVE_IN_ROOT | RESOLVE_CACHED)

long sys_openat2(int dirfd, const char *upath, const struct open_how *uhow, size_t size)
{
	struct open_how how;
	if (size < OPEN_HOW_SIZE0)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	if (copy_from_user(&how, uhow, sizeof(how)))
		return -EFAULT;
	for (size_t i = sizeof(how); i < size; i++) {
		uint8_t b;
		if (copy_from_user(&b, (const uint8_t *)uhow + i, 1))
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	if (how.flags & ~(uint64_t)OPENAT2_FLAGS)
		return -EINVAL;
	if (how.resolve & ~(uint64_t)RESOLVE_ALL)
		return -EINVAL;
	if ((how.resolve & RESOLVE_BENEATH) && (how.resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	int flags = (int)how.flags;
	if ((flags & (O_CREAT | __O_TMPFILE)) ? (how.mode & ~(uint64_t)07777) : how.mode)
		return -EINVAL;
	if ((flags & O_PATH) && (flags & ~(O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)))
		return -EINVAL;
	if ((flags & __O_TMPFILE) &&
	    ((flags & O_TMPFILE) != O_TMPFILE || (flags & O_CREAT) || !(flags & O_ACCMODE)))
		return -EINVAL;
	if ((flags & O_CREAT) && (flags & O_DIRECTORY))
		return -EINVAL;
	if ((how.resolve & RESOLVE_CACHED) && (flags & (O_TRUNC | O_CREAT | __O_TMPFILE)))
		return -EAGAIN;
	int e;
	char *path = path_from_user(upath, &e);
	if (!path)
		return e;
	struct file *f;
	e = vfs_openat2(dirfd, path, flags, (unsigned)how.mode, (unsigned)how.resolve, &f);
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

long sys_close(int fd) { return fd_close(fd); }

#define CLOSE_RANGE_UNSHARE (1u << 1)
#define CLOSE_RANGE_CLOEXEC (1u << 2)

long sys_close_range(unsigned first, unsigned last, unsigned flags)
{
	if ((flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) || first > last)
		return -EINVAL;
	return fd_close_range(first, last, flags & CLOSE_RANGE_UNSHARE,
			      flags & CLOSE_RANGE_CLOEXEC);
}

/* ---- positions */

long sys_lseek(int fd, off_t off, int whence)
{
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (f->ops && (f->ops->flags & FOP_SEEK0))
		return 0; /* before FOP_STREAM: eventfd, timerfd and epoll are both */
	if (f->ops && (f->ops->flags & FOP_STREAM))
		return -ESPIPE;
	uint64_t size = f->ino->size;
	int64_t base;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->off; break;
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
		if (f->ino->ops && f->ino->ops->seek_data) {
			int64_t r = f->ino->ops->seek_data(f->ino, (uint64_t)off,
							   whence == SEEK_HOLE);
			if (r < 0)
				return r;
			f->off = (uint64_t)r;
		} else {
			f->off = whence == SEEK_DATA ? (uint64_t)off : size;
		}
		return (long)f->off;
	default: return -EINVAL;
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

/* Signal-driven I/O's owner and signal (fs/fasync.c). */
static long owner_cmd(struct file *f, int cmd, unsigned long arg)
{
	struct f_owner_ex ex;
	int type, id;
	switch (cmd) {
	case F_GETOWN: return fown_getown(f);
	case F_SETOWN: return fown_setown(f, (int)arg);
	case F_GETOWN_EX:
		fown_get(f, &type, &id);
		ex.type = type;
		ex.pid = id;
		return copy_to_user((void *)arg, &ex, sizeof(ex));
	case F_SETOWN_EX:
		if (copy_from_user(&ex, (void *)arg, sizeof(ex)))
			return -EFAULT;
		return fown_set(f, ex.type, ex.pid);
	case F_GETSIG: return f->sigio_sig;
	default:                        /* F_SETSIG */
		if ((unsigned)arg > 64) /* Linux takes the int */
			return -EINVAL;
		f->sigio_sig = (uint8_t)arg;
		return 0;
	}
}

long sys_fcntl(int fd, int cmd, unsigned long arg)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= FD_MAX || arg >= rlimit_cur(RLIMIT_NOFILE))
			return -EINVAL; /* even 0 under a limit of 0 (Linux) */
		return fd_alloc(file_get(f), (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD: return fd_get_cloexec(fd) ? FD_CLOEXEC : 0;
	case F_SETFD: return fd_set_cloexec(fd, arg & FD_CLOEXEC);
	case F_GETFL: return f->flags;
	case F_SETFL:
		if (f->flags & O_PATH)
			return -EBADF;
		if (!fasync_supported(f))
			arg &= ~(unsigned long)FASYNC; /* Linux 6.x: no O_ASYNC without fasync */
		if ((arg ^ f->flags) & FASYNC) {
			long e = fasync_set(f, fd, arg & FASYNC);
			if (e)
				return e;
		}
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
	case F_NOTIFY:
		if (f->flags & O_PATH)
			return -EBADF;
		return dnotify_fcntl(f, fd, arg);
	case F_GETOWN:
	case F_SETOWN:
	case F_GETOWN_EX:
	case F_SETOWN_EX:
	case F_GETSIG:
	case F_SETSIG:
		if (f->flags & O_PATH)
			return -EBADF;
		return owner_cmd(f, cmd, arg);
	default: return -EINVAL;
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
	req = (unsigned int)req; /* Linux takes cmd as unsigned int (musl passes an int) */
	switch (req) {
	case FIOCLEX: return fd_set_cloexec(fd, true);
	case FIONCLEX: return fd_set_cloexec(fd, false);
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
	case FIOASYNC: {
		int on;
		if (copy_from_user(&on, (void *)arg, sizeof(on)))
			return -EFAULT;
		return fasync_set(f, fd, on != 0);
	}
	case FIONREAD:
		if (S_ISREG(f->ino->mode)) {
			int n = f->off >= f->ino->size
					? 0
					: (int)MIN(f->ino->size - f->off, (uint64_t)INT32_MAX);
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

/* getdents's older record: d_type is its last byte, after the name's NUL. */
struct linux_dirent {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	char d_name[];
};

struct dents {
	char *ubuf;
	size_t cap, used;
	int err;
	bool old; /* getdents's records, not getdents64's */
	bool full;
	bool fault; /* stopped at ubuf + fault_at: its page is not there yet */
	size_t fault_at;
};

static int dents_emit(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type,
		      uint64_t next)
{
	struct dents *d = ctx;
	char rec[sizeof(struct linux_dirent64) + NAME_MAX + 1 + 8];
	size_t reclen = (offsetof(struct linux_dirent64, d_name) + len + 1 + 7) & ~(size_t)7;
	if (d->old)
		reclen = (offsetof(struct linux_dirent, d_name) + len + 2 + 7) & ~(size_t)7;
	if (len > NAME_MAX)
		return 0; /* cannot happen: names are checked when made */
	if (d->used + reclen > d->cap) {
		d->full = true;
		return 1;
	}
	memset(rec, 0, reclen);
	if (d->old) {
		struct linux_dirent *de = (struct linux_dirent *)rec;
		de->d_ino = ino;
		de->d_off = (int64_t)next;
		de->d_reclen = (uint16_t)reclen;
		memcpy(de->d_name, name, len);
		rec[reclen - 1] = (char)type;
	} else {
		struct linux_dirent64 *de = (struct linux_dirent64 *)rec;
		de->d_ino = ino;
		de->d_off = (int64_t)next;
		de->d_reclen = (uint16_t)reclen;
		de->d_type = (uint8_t)type;
		memcpy(de->d_name, name, len);
	}
	/* the filesystem walks its entries meanwhile: no fault that sleeps */
	size_t c = copy_to_user_nosleep(d->ubuf + d->used, rec, reclen);
	if (c < reclen) {
		d->fault = true;
		d->fault_at = d->used + c;
		return 1;
	}
	d->used += reclen;
	return 0;
}

static long getdents(int fd, void *buf, size_t n, bool old)
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
	if (!access_ok(buf, n))
		return -EFAULT; /* as Linux, before any entry is read */
	struct dents d = { .ubuf = buf, .cap = MIN(n, MAX_RW), .old = old };
	uint64_t pos = f->off;
	int e;
	for (;;) {
		e = f->ino->ops->readdir(f->ino, &pos, dents_emit, &d);
		if (!d.fault)
			break;
		/* the entry that did not fit was not taken: bring the page
		 * in (it may sleep) and go on from it */
		d.fault = false;
		if (fault_in_user(d.ubuf + d.fault_at, true)) {
			d.err = -EFAULT;
			break;
		}
	}
	f->off = pos;
	if (d.used)
		return (long)d.used;
	if (e)
		return e;
	if (d.err)
		return d.err;
	if (d.full)
		return -EINVAL; /* buffer too small for one entry */
	return 0;
}

long sys_getdents64(int fd, void *buf, size_t n) { return getdents(fd, buf, n, false); }
long sys_getdents(int fd, void *buf, size_t n) { return getdents(fd, buf, n, true); }

/* ---- the rest */

long sys_fsync(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	int e = vm_sync_file(f->ino); /* what its shared mappings stored */
	long r = file_fsync(f, false);
	return e ? e : r;
}

long sys_fdatasync(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	int e = vm_sync_file(f->ino);
	long r = file_fsync(f, true);
	return e ? e : r;
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
	case POSIX_FADV_NOREUSE: return 0;
	default: return -EINVAL;
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

#define SYNC_FILE_RANGE_VALID 7u /* WAIT_BEFORE | WRITE | WAIT_AFTER */

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
	if ((flags & 2u) && f->ops && f->ops->fsync) /* SYNC_FILE_RANGE_WRITE: the data */
		return f->ops->fsync(f, true);
	return 0;
}
