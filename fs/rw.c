/* rw.c: the one way into an open file's data. file_read and file_write
 * (Linux's vfs_read/vfs_write) apply the rules every reader and writer
 * shares: the access mode (EBADF), a file with no read/write (EINVAL), a
 * position given to a stream (ESPIPE), a user buffer outside user space
 * (EFAULT), a position or end past the largest offset (EINVAL), a
 * directory (EISDIR), the MAX_RW_COUNT cap, O_APPEND, RLIMIT_FSIZE
 * (SIGXFSZ and EFBIG at the limit, a short write before it), moving the
 * position, and preadv2/pwritev2's per-call flags (no blocking, append,
 * sync). The system calls (read ... pwritev, sendfile, splice, tee,
 * vmsplice, copy_file_range, fallocate's zeroing), the page cache (file
 * mappings' fill and write-back) and the kernel's own reads of files
 * (inode_read: the ELF loader, #!, symbols) all come here; nothing else
 * calls a file's ops->read or ops->write (tests/fileio_entry.sh). And
 * they keep a file and its MAP_SHARED mappings' copies of its pages one
 * (shared_fixup). */
#include "fs/vfs.h"
#include "fs/inotify.h"
#include <linux/inotify.h>
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/shmem.h"
#include "kernel/pmem.h"
#include <linux/resource.h>

#define MAX_RW ((size_t)0x7ffff000) /* Linux's MAX_RW_COUNT */

/* (Inlined where wr is a constant: every read and write passes here.) */
static inline __attribute__((always_inline)) int rw_ok(struct file *f, bool wr)
{
	if (wr ? !file_writable(f) : !file_readable(f))
		return -EBADF;
	if (!wr && S_ISDIR(f->ino->mode))
		return 0; /* EISDIR, after the other checks */
	if (!f->ops || (wr ? !f->ops->write : !f->ops->read))
		return -EINVAL;
	return 0;
}

int file_rw_ok(struct file *f, bool wr) { return rw_ok(f, wr); }

static bool is_stream(struct file *f) { return f->ops && (f->ops->flags & FOP_STREAM); }

/* After a transfer that ended at end: the given position or the file's
 * own moves there (streams have none). */
static void advance(struct file *f, uint64_t *pos, uint64_t end)
{
	if (pos)
		*pos = end;
	else
		f->off = end;
}

/* The checks before the file sees anything, in Linux's order; 0 or an
 * error. pos as file_read's: NULL for the file position. */
static inline __attribute__((always_inline)) ssize_t
rw_check(struct file *f, const void *buf, size_t n, const uint64_t *pos, unsigned how, bool wr)
{
	if (f->flags & O_PATH)
		return -EBADF;
	/* as Linux's pread/pwrite: no position before the access mode */
	if (pos && is_stream(f) && !S_ISDIR(f->ino->mode))
		return -ESPIPE;
	int e = rw_ok(f, wr);
	if (e)
		return e;
	if ((how & FILE_IO_USER) && !access_ok(buf, n))
		return -EFAULT;
	if ((int64_t)n < 0)
		return -EINVAL;
	if (!is_stream(f) && (pos || !S_ISDIR(f->ino->mode))) {
		uint64_t off = pos ? *pos : f->off;
		if ((int64_t)off < 0 || (int64_t)(off + n) < 0)
			return -EINVAL; /* rw_verify_area */
	}
	if (!wr && S_ISDIR(f->ino->mode))
		return -EISDIR;
	return 0;
}

/* FILE_IO_NOWAIT: the file's ops block only where O_NONBLOCK is clear, so
 * the call runs with it set (the kernel is not preemptive: other threads
 * see it only if the copy sleeps on a page); returns whether to clear it
 * again. */
static bool nowait_begin(struct file *f, unsigned how)
{
	if (!(how & FILE_IO_NOWAIT) || (f->flags & O_NONBLOCK))
		return false;
	f->flags |= O_NONBLOCK;
	return true;
}

static void nowait_end(struct file *f, bool set)
{
	if (set)
		f->flags &= ~(unsigned)O_NONBLOCK;
}

/* A file whose MAP_SHARED mappings keep copies of its pages (a disk
 * file's, kernel/shmem.c): read(2) sees what the mappings stored and the
 * mappings what write(2) stored, as on Linux, where both are the one page
 * cache (SQLite with mmap_size reads through a mapping what it wrote with
 * write(2); LMDB the other way round). After a read of [off, off + n)
 * into buf the bytes of the pages the mappings hold are theirs; after a
 * write the pages they hold are read again from the file. A mapping's
 * own write-back (FILE_IO_WRITEBACK) is left alone. */
static void shared_fixup(struct file *f, void *buf, uint64_t off, size_t n, bool user, bool wr)
{
	struct inode *ino = f->ino;
	for (uint64_t a = off & ~(PAGE_SIZE - 1); a < off + n && ino->shared; a += PAGE_SIZE) {
		uint64_t pa = shared_copy_get(ino, a / PAGE_SIZE); /* held: a read may sleep */
		if (!pa)
			continue;
		uint64_t from = MAX(a, off), to = MIN(a + PAGE_SIZE, off + n);
		char *page = (char *)phys_to_virt(pa) + (from - a);
		char *b = (char *)buf + (from - off);
		if (wr)
			(void)f->ops->read(f, page, to - from, from, false);
		else if (user)
			(void)copy_to_user(b, page, to - from); /* it took the read's bytes */
		else
			memcpy(b, page, to - from);
		page_put(pa);
	}
}

static inline bool has_copies(struct file *f)
{
	return __builtin_expect(f->ino && f->ino->shared != NULL, 0) && S_ISREG(f->ino->mode);
}

ssize_t file_read(struct file *f, void *buf, size_t n, uint64_t *pos, unsigned how)
{
	ssize_t r = rw_check(f, buf, n, pos, how, false);
	if (r || n == 0)
		return r;
	n = MIN(n, MAX_RW);
	bool stream = is_stream(f);
	uint64_t off = stream ? 0 : pos ? *pos : f->off;
	file_get(f); /* a blocked read keeps f, even if another thread closes fd */
	bool nb = nowait_begin(f, how);
	r = f->ops->read(f, buf, n, off, how & FILE_IO_USER);
	nowait_end(f, nb);
	if (r > 0 && has_copies(f))
		shared_fixup(f, buf, off, (size_t)r, how & FILE_IO_USER, false);
	if (r > 0 && !stream)
		advance(f, pos, off + (uint64_t)r);
	if (r > 0)
		fsnotify(f->ino, DN_ACCESS, IN_ACCESS);
	file_put(f);
	return r;
}

ssize_t file_write(struct file *f, const void *buf, size_t n, uint64_t *pos, unsigned how)
{
	ssize_t r = rw_check(f, buf, n, pos, how, true);
	if (r || n == 0)
		return r;
	n = MIN(n, MAX_RW);
	bool stream = is_stream(f);
	uint64_t off = stream ? 0 : pos ? *pos : f->off;
	bool keep = how & FILE_IO_INPLACE;
	/* as Linux, O_APPEND appends even at a given position (pwrite) */
	if ((f->flags & O_APPEND || how & FILE_IO_APPEND) && !keep && S_ISREG(f->ino->mode))
		off = f->ino->size;
	uint64_t lim = RLIM_INFINITY; /* RLIMIT_FSIZE: regular files only */
	if (S_ISREG(f->ino->mode) && !keep && current)
		lim = rlimit_cur(RLIMIT_FSIZE);
	if (lim != RLIM_INFINITY) {
		if (off >= lim) {
			if (cur_thread)
				signal_send_thread(cur_thread, SIGXFSZ);
			return -EFBIG;
		}
		n = MIN(n, lim - off);
	}
	file_get(f);
	bool nb = nowait_begin(f, how);
	r = f->ops->write(f, buf, n, off, how & FILE_IO_USER);
	nowait_end(f, nb);
	if (r > 0 && has_copies(f) && !(how & FILE_IO_WRITEBACK))
		shared_fixup(f, (void *)buf, off, (size_t)r, false, true);
	if (r > 0 && !stream)
		advance(f, pos, off + (uint64_t)r);
	if (r > 0)
		fsnotify(f->ino, DN_MODIFY, keep ? 0 : IN_MODIFY);
	if (r > 0 && (how & FILE_IO_SYNC) && f->ops->fsync) {
		int e = f->ops->fsync(f, false);
		if (e)
			r = e;
	}
	file_put(f);
	return r;
}

/* The kernel's own reads of a file it has no open file for: through a
 * file of the moment, opened for reading. */
ssize_t inode_read(struct inode *ino, void *buf, size_t n, uint64_t off)
{
	if (S_ISDIR(ino->mode))
		return -EISDIR;
	struct file tmp = { .refs = 1, .flags = O_RDONLY, .ino = ino, .ops = ino->fops };
	return file_read(&tmp, buf, n, &off, 0);
}

int file_fsync(struct file *f, bool datasync)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (f->ops && (f->ops->flags & FOP_STREAM))
		return -EINVAL;
	if (f->ops && f->ops->fsync)
		return f->ops->fsync(f, datasync);
	return 0;
}
