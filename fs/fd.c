/* fd.c: open files (shared by dup'd descriptors: refcount, position,
 * status flags) and the per-process descriptor table (lowest free number,
 * close-on-exec bits; grown as descriptors are used, up to RLIMIT_NOFILE
 * and FD_MAX); a new process's table and cwd/umask; the count of open files
 * in the whole system and its limit (fs.file-nr, fs.file-max: ENFILE). */
#include "fs/vfs.h"
#include "fs/poll.h"
#include "fs/inotify.h"
#include <linux/inotify.h>
#include "kernel/proc.h"
#include "kernel/pmem.h"
#include "fs/pseudo.h"
#include <linux/capability.h>
#include <linux/resource.h>

struct fd_table {
	int refs;
	int cap; /* slots allocated in files[] and cloexec[] */
	struct file **files;
	uint8_t *cloexec;
};

/* Status flags a file keeps (open's other flags only act at open). */
#define FILE_KEEP_FLAGS \
	(O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | \
	 O_NOFOLLOW | O_NOATIME | __O_SYNC | O_PATH | FASYNC)

/* Does f count as a writer of its inode (writecount)? */
static bool counts_write(struct file *f) { return S_ISREG(f->ino->mode) && file_writable(f); }

/* Open files in the whole system (/proc/sys/fs/file-nr) and their limit,
 * fs.file-max: as Linux, a tenth of memory at 1 KiB a file, at least
 * 8192; only CAP_SYS_ADMIN opens more (others get ENFILE). */
static unsigned long nr_files;

static unsigned long files_max(void)
{
	unsigned long n = (unsigned long)(pmem_total_pages() * (PAGE_SIZE / 1024) / 10);
	return n > 8192 ? n : 8192;
}

static bool files_full(void) { return nr_files >= files_max() && !capable(CAP_SYS_ADMIN); }

int file_open_err(void) { return files_full() ? -ENFILE : -ENOMEM; }

void gen_file_nr(struct sbuf *sb) { sb_printf(sb, "%lu\t0\t%lu\n", nr_files, files_max()); }

void gen_file_max(struct sbuf *sb) { sb_printf(sb, "%lu\n", files_max()); }

static struct file *file_new(struct inode *ino, unsigned flags, bool limited)
{
	if (limited && files_full())
		return NULL;
	struct file *f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	nr_files++;
	f->refs = 1;
	f->flags = (flags & FILE_KEEP_FLAGS) | O_LARGEFILE;
	f->ino = inode_get(ino);
	f->ops = (flags & O_PATH) ? NULL : ino->fops;
	if (counts_write(f))
		ino->writecount++; /* open checked it is no running program's */
	return f;
}

struct file *file_open_inode(struct inode *ino, unsigned flags)
{
	return file_new(ino, flags, true);
}

struct file *file_open_kernel(struct inode *ino, unsigned flags)
{
	return file_new(ino, flags, false);
}

int inode_deny_write(struct inode *ino)
{
	if (ino->writecount > 0)
		return -ETXTBSY;
	ino->writecount--;
	return 0;
}

void inode_allow_write(struct inode *ino) { ino->writecount++; }

struct file *file_get(struct file *f)
{
	f->refs++;
	return f;
}

void file_put(struct file *f)
{
	if (!f)
		return;
	if (--f->refs > 0)
		return;
	if (!(f->flags & O_PATH))
		inotify_event(f->ino, file_writable(f) ? IN_CLOSE_WRITE : IN_CLOSE_NOWRITE);
	flock_release(f);
	reclock_file_gone(f);
	fasync_file_gone(f);
	dnotify_file_gone(f);
	if (f->ops && f->ops->release)
		f->ops->release(f);
	if (counts_write(f))
		f->ino->writecount--;
	inode_put(f->ino);
	kfree(f);
	nr_files--;
}

struct inode *file_inode(struct file *f) { return f->ino; }

bool file_readable(struct file *f)
{
	unsigned acc = f->flags & O_ACCMODE;
	return !(f->flags & O_PATH) && (acc == O_RDONLY || acc == O_RDWR);
}

bool file_writable(struct file *f)
{
	unsigned acc = f->flags & O_ACCMODE;
	return !(f->flags & O_PATH) && (acc == O_WRONLY || acc == O_RDWR);
}

static struct fd_table *table(void) { return current ? current->files : NULL; }

/* Makes slot fd exist. */
static int grow(struct fd_table *t, int fd)
{
	if (fd < t->cap)
		return 0;
	int cap = t->cap ? t->cap : 64; /* then 128, 256, ...: Linux's sizes */
	while (cap <= fd)
		cap *= 2;
	if (cap > FD_MAX)
		cap = FD_MAX;
	struct file **files = krealloc(t->files, sizeof(*files) * (size_t)cap);
	if (!files)
		return -ENOMEM;
	t->files = files;
	uint8_t *ce = krealloc(t->cloexec, (size_t)cap);
	if (!ce)
		return -ENOMEM;
	t->cloexec = ce;
	memset(files + t->cap, 0, sizeof(*files) * (size_t)(cap - t->cap));
	memset(ce + t->cap, 0, (size_t)(cap - t->cap));
	t->cap = cap;
	return 0;
}

struct file *fd_get_in(struct proc *p, int fd)
{
	struct fd_table *t = p ? p->files : NULL;
	if (!t || fd < 0 || fd >= t->cap)
		return NULL;
	return t->files[fd];
}

struct file *fd_get(int fd) { return fd_get_in(current, fd); }

/* Descriptors are below RLIMIT_NOFILE's soft limit (and FD_MAX). */
static int fd_limit(void)
{
	uint64_t lim = rlimit_cur(RLIMIT_NOFILE);
	return lim < FD_MAX ? (int)lim : FD_MAX;
}

static int table_alloc(struct fd_table *t, struct file *f, int minfd, bool cloexec)
{
	int limit = fd_limit();
	if (minfd < 0 || minfd >= limit) {
		file_put(f);
		return minfd == 0 ? -EMFILE : -EINVAL; /* a limit of 0: EMFILE (Linux) */
	}
	for (int fd = minfd; fd < limit; fd++) {
		if (fd < t->cap && t->files[fd])
			continue;
		int e = grow(t, fd);
		if (e) {
			file_put(f);
			return e;
		}
		t->files[fd] = f;
		t->cloexec[fd] = cloexec;
		return fd;
	}
	file_put(f);
	return -EMFILE;
}

bool fd_slot_free(void)
{
	struct fd_table *t = table();
	int limit = fd_limit();
	if (!t)
		return false;
	for (int fd = 0; fd < limit; fd++)
		if (fd >= t->cap || !t->files[fd])
			return true;
	return false;
}

int fd_alloc(struct file *f, int minfd, bool cloexec)
{
	struct fd_table *t = table();
	if (!t) {
		file_put(f);
		return -EMFILE;
	}
	return table_alloc(t, f, minfd, cloexec);
}

int fd_install(int fd, struct file *f, bool cloexec)
{
	struct fd_table *t = table();
	if (!t || fd < 0 || fd >= fd_limit()) {
		file_put(f);
		return -EBADF;
	}
	int e = grow(t, fd);
	if (e) {
		file_put(f);
		return e;
	}
	struct file *old = t->files[fd];
	t->files[fd] = f;
	t->cloexec[fd] = cloexec;
	if (old) {
		reclock_close(current, old->ino);
		dnotify_close(old, t);
	}
	file_put(old);
	return fd;
}

int fd_close(int fd)
{
	struct fd_table *t = table();
	if (!t || fd < 0 || fd >= t->cap || !t->files[fd])
		return -EBADF;
	struct file *f = t->files[fd];
	t->files[fd] = NULL;
	t->cloexec[fd] = 0;
	reclock_close(current, f->ino);
	dnotify_close(f, t);
	file_put(f);
	return 0;
}

int fd_get_cloexec(int fd)
{
	struct fd_table *t = table();
	if (!fd_get(fd))
		return -EBADF;
	return t->cloexec[fd];
}

int fd_set_cloexec(int fd, bool on)
{
	struct fd_table *t = table();
	if (!fd_get(fd))
		return -EBADF;
	t->cloexec[fd] = on;
	return 0;
}

int fd_next_open_in(struct proc *p, int from)
{
	struct fd_table *t = p ? p->files : NULL;
	if (!t || from < 0)
		return -1;
	for (int fd = from; fd < t->cap; fd++)
		if (t->files[fd])
			return fd;
	return -1;
}

int fd_next_open(int from) { return fd_next_open_in(current, from); }

int fd_table_size(struct proc *p)
{
	struct fd_table *t = p ? p->files : NULL;
	return t && t->cap ? t->cap : 64;
}

int fd_close_on_exec(void)
{
	struct fd_table *t = table();
	if (!t)
		return 0;
	for (int fd = 0; fd < t->cap; fd++)
		if (t->files[fd] && t->cloexec[fd])
			fd_close(fd);
	return 0;
}

int fs_proc_init(struct proc *p)
{
	struct fd_table *t = kzalloc(sizeof(*t));
	struct fs_ctx *fs = kzalloc(sizeof(*fs));
	if (!t || !fs) {
		kfree(t);
		kfree(fs);
		return -ENOMEM;
	}
	t->refs = 1;
	fs->refs = 1;
	fs->cwd = inode_get(fs_root);
	fs->root = inode_get(fs_root);
	fs->umask = 022;

	struct file *con;
	int e = vfs_openat(AT_FDCWD, "/dev/console", O_RDWR, 0, &con);
	if (e) {
		inode_put(fs->cwd);
		inode_put(fs->root);
		kfree(t);
		kfree(fs);
		return e;
	}
	/* 0, 1 and 2 share one open file, as after init's open + dup + dup;
	 * with stderr=com3, 2 is a stream of its own (fs/console.c) */
	struct file *err = console_stderr_file();
	for (int fd = 0; fd < 3; fd++) {
		e = table_alloc(t, fd == 2 && err ? err : fd ? file_get(con) : con, fd, false);
		if (e < 0)
			return e;
	}
	p->files = t;
	p->fs = fs;
	return 0;
}

/* A copy of old (each open file shared with it), or NULL. */
static struct fd_table *table_copy(struct fd_table *old)
{
	struct fd_table *t = kzalloc(sizeof(*t));
	if (!t || (old->cap && grow(t, old->cap - 1))) {
		if (t) {
			kfree(t->files);
			kfree(t->cloexec);
			kfree(t);
		}
		return NULL;
	}
	t->refs = 1;
	for (int fd = 0; fd < old->cap; fd++) {
		t->files[fd] = old->files[fd] ? file_get(old->files[fd]) : NULL;
		t->cloexec[fd] = old->cloexec[fd];
	}
	return t;
}

int fd_close_range(unsigned first, unsigned last, bool unshare, bool cloexec)
{
	struct fd_table *t = table();
	if (!t)
		return -EBADF;
	if (unshare && t->refs > 1) {
		struct fd_table *n = table_copy(t);
		if (!n)
			return -ENOMEM;
		t->refs--;
		current->files = t = n;
	}
	for (unsigned fd = first; fd <= last && fd < (unsigned)t->cap; fd++) {
		if (!t->files[fd])
			continue;
		if (cloexec)
			t->cloexec[fd] = 1;
		else
			fd_close((int)fd);
	}
	return 0;
}

int fs_proc_fork(struct proc *child, bool share_files, bool share_fs)
{
	struct fd_table *old = table(), *t = NULL;
	struct fs_ctx *fs = NULL;
	if (share_files) {
		t = old;
		t->refs++;
	} else if (!(t = table_copy(old))) {
		return -ENOMEM;
	}
	child->files = t;
	if (share_fs) {
		fs = current->fs;
		fs->refs++;
	} else if ((fs = kzalloc(sizeof(*fs)))) {
		fs->refs = 1;
		fs->cwd = inode_get(current->fs->cwd);
		fs->root = inode_get(current->fs->root);
		fs->umask = current->fs->umask;
	} else {
		return -ENOMEM; /* the caller's fs_proc_exit drops the table */
	}
	child->fs = fs;
	return 0;
}

int fs_unshare(bool files, bool fs)
{
	struct proc *p = current;
	struct fd_table *t = NULL;
	struct fs_ctx *c = NULL;

	if (fs && p->fs->refs > 1) {
		if (!(c = kzalloc(sizeof(*c))))
			return -ENOMEM;
		c->refs = 1;
		c->cwd = inode_get(p->fs->cwd);
		c->root = inode_get(p->fs->root);
		c->umask = p->fs->umask;
	}
	if (files && p->files->refs > 1 && !(t = table_copy(p->files))) {
		if (c) {
			inode_put(c->cwd);
			inode_put(c->root);
			kfree(c);
		}
		return -ENOMEM;
	}
	if (c) {
		p->fs->refs--;
		p->fs = c;
	}
	if (t) {
		p->files->refs--;
		p->files = t;
	}
	return 0;
}

void fs_proc_exit(struct proc *p)
{
	reclock_proc_exit(p);
	struct fd_table *t = p->files;
	if (t && --t->refs == 0) {
		for (int fd = 0; fd < t->cap; fd++)
			if (t->files[fd]) {
				struct file *f = t->files[fd];
				t->files[fd] = NULL;
				dnotify_close(f, t);
				file_put(f);
			}
		kfree(t->files);
		kfree(t->cloexec);
		kfree(t);
	}
	p->files = NULL;
	struct fs_ctx *fs = p->fs;
	if (fs && --fs->refs == 0) {
		inode_put(fs->cwd);
		inode_put(fs->root);
		kfree(fs);
	}
	p->fs = NULL;
}
