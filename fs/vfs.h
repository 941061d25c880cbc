/* vfs.h: the file layer's vocabulary: inodes (one per file, in one tree of
 * names rooted at "/"), open files, the per-process descriptor table and
 * cwd/umask, path lookup, and the calls the rest of the kernel makes.
 *
 * Directory entries own the names; a non-directory may have several
 * (hard links, counted by nlink). Each inode also knows one name and
 * parent directory (a directory its only one), which gives ".." and
 * getcwd. Filesystems (minifs, the /proc and /dev pseudo files) fill in
 * struct inode_ops for names and metadata and struct file_ops for the data
 * of an open file. */
#ifndef HTUX_VFS_H
#define HTUX_VFS_H

#include "kernel/kernel.h"
#include <linux/fcntl.h>
#include <linux/limits.h>
#include <linux/stat.h>

struct proc;
struct stat;
struct statx;
struct inode;
struct file;

#define FD_MAX \
	(1 << 20)                            /* fs.nr_open: RLIMIT_NOFILE's ceiling (descriptors are
				  * 0..limit-1; the table grows as they are used) */
#define SYMLOOP_MAX 40                       /* symlinks followed in one lookup (ELOOP) */
#define IFTODT(mode) (((mode)&S_IFMT) >> 12) /* d_type of a mode */

/* A directory iterator calls this for each entry; a nonzero return means
 * "no room": the entry is not consumed and iteration stops. */
typedef int (*dir_emit_t)(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type,
			  uint64_t next_pos);

struct inode_ops {
	/* Directories. lookup returns a referenced inode or -ENOENT; it is
	 * never asked for "." or "..". readdir emits the entries at position
	 * *pos and after (0 is the first), advancing *pos past each one
	 * emitted; it includes "." and "..". create makes a regular file,
	 * directory or symlink (S_IFMT of mode; target for a symlink) named
	 * name, which does not exist yet. mknod makes a FIFO, socket, device
	 * or regular file (rdev for devices). tmpfile makes a regular file
	 * with no name (O_TMPFILE; linkable: link may name it later). link
	 * adds the name name for ino (not a directory). unlink removes the
	 * entry name, which names victim (the VFS has checked its type and,
	 * for a directory, emptiness). rename moves the entry oname (naming
	 * node) from odir to ndir under name, first removing victim (the
	 * existing target, or NULL). */
	int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
	int (*readdir)(struct inode *dir, uint64_t *pos, dir_emit_t emit, void *ctx);
	int (*create)(struct inode *dir, const char *name, size_t len, unsigned mode,
		      const char *target, struct inode **out);
	int (*mknod)(struct inode *dir, const char *name, size_t len, unsigned mode, uint64_t rdev,
		     struct inode **out);
	int (*tmpfile)(struct inode *dir, unsigned mode, bool linkable, struct inode **out);
	int (*link)(struct inode *dir, const char *name, size_t len, struct inode *ino);
	int (*unlink)(struct inode *dir, const char *name, size_t len, struct inode *victim);
	int (*rename)(struct inode *odir, const char *oname, size_t olen, struct inode *node,
		      struct inode *ndir, const char *name, size_t len, struct inode *victim);
	/* Swaps the inodes named aname (a, in adir) and bname (b, in bdir):
	 * RENAME_EXCHANGE. */
	int (*exchange)(struct inode *adir, const char *aname, size_t alen, struct inode *a,
			struct inode *bdir, const char *bname, size_t blen, struct inode *b);
	/* Symlinks: copies at most n bytes of the target (no NUL) to the
	 * kernel buffer buf and returns the target's full length. */
	ssize_t (*readlink)(struct inode *ino, char *buf, size_t n);
	/* Metadata and data. */
	int (*truncate)(struct inode *ino, uint64_t len);
	int (*chmod)(struct inode *ino, unsigned mode); /* permission bits */
	const void *(*data)(struct inode *ino);         /* bytes that never change or NULL */
	/* Regular files: lseek's SEEK_DATA (hole false) or SEEK_HOLE from
	 * off (< size): the offset, or -ENXIO. NULL: all data. */
	int64_t (*seek_data)(struct inode *ino, uint64_t off, bool hole);
	/* Regular files: the 512-byte blocks held (st_blocks). NULL: the
	 * size's whole pages. */
	uint64_t (*blocks)(struct inode *ino);
	/* Regular files kept in pages (a RAM filesystem): the physical page
	 * holding bytes [idx * 4096, + 4096), made in a hole, with one more
	 * reference (pageref.c) for the MAP_SHARED mapping that asks: 0,
	 * -ERANGE (past the end: the caller uses a page of its own), -ENOSPC
	 * or -ENOMEM. NULL: none (shared mappings keep a copy, written back). */
	int (*page)(struct inode *ino, uint64_t idx, uint64_t *pa);
	/* The last reference to an inode with no names (nlink 0) is gone. */
	void (*evict)(struct inode *ino);
	/* File handles (name_to_handle_at, open_by_handle_at): fh_encode
	 * puts ino's handle, stable for the inode's life, into fh (room for
	 * *len bytes), sets *len to its size and returns its type (> 0), or
	 * -EOVERFLOW with *len the size needed. fh_decode finds the inode of
	 * handle fh (len bytes, of type) on the filesystem of ino: a
	 * referenced inode, or -ESTALE. NULL: no handles (EOPNOTSUPP, and
	 * ESTALE for a mount of that kind). */
	/* Optional: the last word after the mode bits refused mask (0 lets
	 * it through): /proc/<pid>/fd for the process's own threads, as
	 * Linux's proc_fd_permission. */
	int (*permission)(struct inode *ino, int mask);
	int (*fh_encode)(struct inode *ino, void *fh, size_t *len);
	int (*fh_decode)(struct inode *ino, int type, const void *fh, size_t len,
			 struct inode **out);
};

#define FOP_STREAM 1u    /* no file position: lseek and pread/pwrite give ESPIPE */
#define FOP_SEEK0 2u     /* lseek does nothing and returns 0 (/dev/null, /dev/zero) */
#define FOP_MMAP_ANON 4u /* mmap gives anonymous memory (/dev/zero) */

/* Readiness bits returned by poll (the values of POLLIN/POLLOUT). */
#define FPOLL_IN 0x001u
#define FPOLL_OUT 0x004u

struct file_ops {
	/* buf is a user pointer when user is true, else a kernel one. The
	 * read/write position is off (ignored by streams); the caller moves
	 * the file's position. */
	ssize_t (*read)(struct file *f, void *buf, size_t n, uint64_t off, bool user);
	ssize_t (*write)(struct file *f, const void *buf, size_t n, uint64_t off, bool user);
	long (*ioctl)(struct file *f, unsigned long req, unsigned long arg); /* NULL: ENOTTY */
	unsigned (*poll)(struct file *f);            /* FPOLL_* ready now; NULL: both */
	int (*open)(struct file *f);                 /* optional */
	void (*release)(struct file *f);             /* optional, last close */
	int (*fsync)(struct file *f, bool datasync); /* optional: fsync (false), fdatasync (true) */
	/* Optional: mmap of len bytes at off maps the shared object *obj
	 * (kernel/shmem.h) from *objoff, MAP_SHARED whatever was asked
	 * (io_uring's rings); 0 or -errno. */
	int (*mmap)(struct file *f, uint64_t off, uint64_t len, struct inode **obj,
		    uint64_t *objoff);
	unsigned flags; /* FOP_* */
};

struct inode {
	uint64_t ino;
	uint64_t dev;                /* st_dev, Linux encoding */
	uint64_t rdev;               /* devices: st_rdev */
	unsigned mode;               /* S_IFMT type | permission bits */
	unsigned nlink;              /* 0: no name left; freed at the last put */
	unsigned uid, gid;           /* owner: the creator's fs ids; chown changes them */
	bool transient;              /* made on demand: freed at the last put anyway */
	uint64_t size;               /* regular: bytes; symlink: target length */
	int64_t atime, mtime, ctime; /* ns since the epoch */
	int refs;
	int writecount; /* regular: > 0 open for writing by that many files; < 0
				   * the executable of that many processes (or being
				   * loaded): writing it is ETXTBSY, as Linux's i_writecount */
	const struct inode_ops *ops;
	const struct file_ops *fops;
	void *priv;             /* the filesystem's */
	void *xattrs;           /* extended attributes (fs/xattr.c) */
	char *name;             /* name in parent (owned by the filesystem) */
	struct inode *parent;   /* containing directory; root: itself; NULL: detached */
	struct pageset *shared; /* pages of its MAP_SHARED mappings (kernel/shmem.c) */
};

struct file {
	int refs;
	unsigned flags; /* O_ACCMODE, O_APPEND, O_NONBLOCK, O_PATH, ... */
	uint64_t off;
	struct inode *ino;
	const struct file_ops *ops;
	void *priv;
	/* Signal-driven I/O (fs/fasync.c): the owner (F_SETOWN: F_OWNER_*
	 * type and id, 0: none), the ids of whoever set it (they must match
	 * the target's to signal it), and the signal (F_SETSIG, 0: SIGIO). */
	int owner_id;
	int owner_uid, owner_euid;
	uint8_t owner_type;
	uint8_t sigio_sig;
};

struct fd_table; /* fs/fd.c */

struct fs_ctx {
	int refs;
	struct inode *cwd;
	struct inode *root; /* where "/" and ".." at the top lead (chroot) */
	unsigned umask;
};

/* ---- called by the rest of the kernel */
int fs_init(const void *cpio, size_t len); /* prints "htux: initrd: ..." on error */
int fs_proc_init(struct proc *p);          /* fds 0,1,2 on the console, cwd "/", umask 022 */
/* The child's descriptor table and cwd/umask: current's shared, or copies. */
int fs_proc_fork(struct proc *child, bool share_files, bool share_fs);
void fs_proc_exit(struct proc *p); /* closes p's descriptors, drops its cwd */
/* unshare(2): the current process gets its own copy of its descriptor
 * table (files) and of its cwd, root and umask (fs) where another
 * process shares them. 0 or -ENOMEM (nothing changed). */
int fs_unshare(bool files, bool fs);
struct inode *fs_lookup(const char *path, bool follow, int *err); /* referenced */
struct inode *inode_get(struct inode *ino);
void inode_put(struct inode *ino);
ssize_t inode_read(struct inode *ino, void *buf, size_t n, uint64_t off); /* kernel buf; fs/rw.c */
uint64_t inode_size(struct inode *ino);
unsigned inode_mode(struct inode *ino);
const void *
inode_data(struct inode *ino); /* regular file bytes that never change (the image's), else NULL */
struct file *fd_get(int fd);   /* borrowed: valid until the fd is closed */
struct inode *file_inode(struct file *f);
int fd_close_on_exec(void);

/* ---- inodes and paths (fs/inode.c, fs/vfs.c, fs/namei.c) */
extern struct inode *fs_root;
int64_t fs_now(void); /* wall clock, ns since the epoch */
void inode_init(struct inode *ino, unsigned mode,
		uint64_t dev); /* fresh ino number, times now, refs 0 */
bool dir_is_empty(struct inode *dir);
/* ino's absolute path as the caller sees it (from its root; a file
 * outside that root: from the real one); length or -ERANGE/-ENOENT. */
int inode_path(struct inode *ino, char *buf, size_t n);
void inode_fill_stat(struct inode *ino, struct stat *st);
void inode_fill_statx(struct inode *ino, unsigned mask, struct statx *sx);

/* Kernel-side path strings; dirfd is a descriptor or AT_FDCWD. */
#define LOOKUP_FOLLOW 1u                           /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 2u                        /* the result must be a directory */
#define LOOKUP_EMPTY 4u                            /* "" names dirfd itself (AT_EMPTY_PATH) */
char *path_from_user(const char *upath, int *err); /* kmalloc'd copy; kfree it */
/* A user path's inode, relative to dirfd (LOOKUP_EMPTY: "" or NULL is dirfd) */
long vfs_lookup_user(int dirfd, const char *upath, unsigned lflags, struct inode **out);
int vfs_lookupat(int dirfd, const char *path, unsigned flags, struct inode **out);
int vfs_openat(int dirfd, const char *path, int flags, unsigned mode, struct file **out);
/* openat2's path rules (RESOLVE_* of <linux/openat2.h>, which
 * <linux/fcntl.h> includes; checked by the caller); RESOLVE_CACHED changes
 * nothing: every lookup here is as good as cached. */
int vfs_openat2(int dirfd, const char *path, int flags, unsigned mode, unsigned resolve,
		struct file **out);
/* open's checks and work on an inode found (its reference consumed; flags
 * as open's, O_PATH already masked; created: open made it just now). */
int vfs_open_inode(struct inode *ino, int flags, bool created, struct file **out);
int vfs_mkdirat(int dirfd, const char *path, unsigned mode);
int vfs_symlinkat(const char *target, int dirfd, const char *path);
int vfs_unlinkat(int dirfd, const char *path, bool dir);
/* flags: AT_SYMLINK_FOLLOW, AT_EMPTY_PATH (checked by the caller) */
int vfs_linkat(int ofd, const char *opath, int nfd, const char *npath, int flags);
int vfs_mknodat(int dirfd, const char *path, unsigned mode, uint64_t rdev);
int vfs_truncate(struct inode *ino, uint64_t len);
int vfs_chmod(struct inode *ino, unsigned mode);
int vfs_chown(struct inode *ino, int uid, int gid); /* -1: unchanged */
#define RENAME_NOREPLACE 1u
#define RENAME_EXCHANGE 2u
#define RENAME_WHITEOUT 4u
/* flags: RENAME_NOREPLACE or RENAME_EXCHANGE (checked by the caller) */
int vfs_renameat2(int ofd, const char *opath, int nfd, const char *npath, unsigned flags);
int vfs_chdir(struct inode *dir);
int vfs_chroot(struct inode *dir); /* the caller's root becomes dir */
/* fs/perm.c: Linux's permission checks for the current process: 0 or
 * -EACCES for mask (MAY_READ, MAY_WRITE, MAY_EXEC) on ino; making a
 * name in dir (write and search); removing victim from dir (the same,
 * and -EPERM under the sticky bit unless owner or CAP_FOWNER). */
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4
int inode_permission(struct inode *ino, int mask);
int may_create(struct inode *dir);
int may_delete(struct inode *dir, struct inode *victim);
int vfs_getcwd(char *buf, size_t n); /* length without NUL, or -errno */

/* ---- open files and descriptors (fs/fd.c) */
struct file *file_open_inode(struct inode *ino, unsigned flags); /* takes a ref on ino */
struct file *file_get(struct file *f);
void file_put(struct file *f);
int fd_alloc(struct file *f, int minfd, bool cloexec); /* consumes the ref; fd or -EMFILE */
bool fd_slot_free(void);
/* What a NULL from file_open_inode means: -ENFILE (fs.file-max reached)
 * or -ENOMEM. */
int file_open_err(void);
/* As file_open_inode, for the kernel's own use (writeback): not held to
 * fs.file-max. */
struct file *file_open_kernel(
	struct inode *ino,
	unsigned flags); /* a descriptor is free below the limit (fd_alloc would not EMFILE) */
int fd_install(int fd, struct file *f, bool cloexec); /* dup2: closes what was at fd */
int fd_close(int fd);
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);
/* close_range: closes (or marks close-on-exec) fds first..last, after
 * giving the caller its own table if unshare and it shares one. */
int fd_close_range(unsigned first, unsigned last, bool unshare, bool cloexec);
int fd_next_open(int from);        /* lowest open fd >= from, or -1 */
int fd_table_size(struct proc *p); /* slots in p's table, as Linux's max_fds */
/* The same in another process's table (/proc/<pid>/fd). */
struct file *fd_get_in(struct proc *p, int fd);
int fd_next_open_in(struct proc *p, int from);
bool file_readable(struct file *f);
bool file_writable(struct file *f);
/* The one entry into a file's data (fs/rw.c; Linux's vfs_read/vfs_write):
 * the access mode, stream or position, EFAULT for a user buffer outside
 * user space, offset overflow (EINVAL), O_APPEND, RLIMIT_FSIZE and the
 * position's move.
 * pos NULL: at the file position (a stream has none), moved by what was
 * done; else at *pos, and *pos moves instead. */
#define FILE_IO_USER 1u /* buf is a user pointer */
#define FILE_IO_INPLACE \
	2u                    /* rewrite bytes the file has: at *pos even with O_APPEND,
				 * past RLIMIT_FSIZE (fallocate's zeroing, write-back) */
#define FILE_IO_NOWAIT 4u     /* never block: -EAGAIN where a stream would (RWF_NOWAIT) */
#define FILE_IO_APPEND 8u     /* write at the end, as O_APPEND (RWF_APPEND) */
#define FILE_IO_SYNC 16u      /* sync the file after writing (RWF_DSYNC, RWF_SYNC) */
#define FILE_IO_WRITEBACK 32u /* a shared mapping's page written back (kernel/filemap.c) */
ssize_t file_read(struct file *f, void *buf, size_t n, uint64_t *pos, unsigned how);
ssize_t file_write(struct file *f, const void *buf, size_t n, uint64_t *pos, unsigned how);
int file_rw_ok(struct file *f, bool wr); /* 0, -EBADF (access mode), -EINVAL (no op) */
int file_fsync(struct file *f,
	       bool datasync); /* fsync(2)'s work: 0, -EBADF, -EINVAL (a stream), -EIO */
/* Deny-write of a running program's file: -ETXTBSY when ino is open for
 * writing, else 0 and opening it for writing (or truncating it) answers
 * ETXTBSY until inode_allow_write. */
int inode_deny_write(struct inode *ino);
void inode_allow_write(struct inode *ino);

/* ---- change notification (fs/fsnotify.c): ino was accessed or changed:
 * dn (DN_*, 0: none) goes to dnotify, in (IN_*, 0: none) to inotify. While
 * no watch of either exists (fsnotify_watches counts them) it costs one test. */
extern unsigned fsnotify_watches;
void fsnotify_report(struct inode *ino, unsigned dn, uint32_t in);
static inline void fsnotify(struct inode *ino, unsigned dn, uint32_t in)
{
	if (fsnotify_watches)
		fsnotify_report(ino, dn, in);
}

/* ---- directory notification (fs/dnotify.c): fcntl(F_NOTIFY) on f (fd:
 * si_fd); a change ev (DN_*) of the entries of dir; of ino itself (its
 * watches if a directory, and its parent's); f closed through table t's
 * descriptor (t's watches on f end); f's last reference gone. */
long dnotify_fcntl(struct file *f, int fd, unsigned long arg);
void dnotify_dir(struct inode *dir, unsigned ev);
void dnotify_inode(struct inode *ino, unsigned ev);
void dnotify_move(struct inode *odir, struct inode *ndir); /* a rename */
void dnotify_close(struct file *f, struct fd_table *t);
void dnotify_file_gone(struct file *f);

/* ---- pieces (fs/console.c, fs/pseudo.c, fs/devices.c, fs/pipe.c, fs/xattr.c) */
extern const struct file_ops console_fops;
/* fs/console.c: the program's fd 2 with stderr=com3, or NULL (then fd 2
 * is the console, as 0 and 1). */
struct file *console_stderr_file(void);
int console_fg_pgrp(void);              /* the console's foreground group (TIOCGPGRP) */
extern const struct file_ops fifo_fops; /* named pipes (FIFO inodes) */
void xattr_drop(struct inode *ino);     /* frees ino's extended attributes */
void flock_release(struct file *f);     /* f's last close: drops its flock (fs/flock.c) */
/* flock(2) on f: takes (lock; ex: exclusive; nb: fails with EWOULDBLOCK
 * rather than sleeping) or drops f's lock: 0 or -errno (fs/flock.c). */
long flock_file(struct file *f, bool lock, bool ex, bool nb);
/* fs/reclock.c: fcntl record locks. reclock_fcntl does F_[OFD_]GETLK,
 * SETLK, SETLKW (fl copied in and, for GETLK, back out by the caller). */
struct flock;
long reclock_fcntl(struct file *f, int cmd, struct flock *fl);
void reclock_close(struct proc *p, struct inode *ino); /* p closed a descriptor of ino */
void reclock_proc_exit(struct proc *p);
void reclock_file_gone(struct file *f);   /* f's last close */
int pseudo_init(struct inode *root);      /* /dev, /proc and /sys */
int devices_init(void);                   /* /dev (fs/devices.c) */
bool pseudo_magiclink(struct inode *ino); /* /proc/<pid>/{exe,cwd,root,fd/N}, ... */
int etc_init(void);                       /* /etc/passwd, group, hosts, resolv.conf (fs/etc.c) */
void etc_set_resolv(const char *text);    /* our resolv.conf says text (kept by the caller) */
int blockdev_nodes_init(void);            /* /dev/vda, ... for the disks found (fs/blockdev.c) */

/* Copies to/from a user or kernel buffer; 0 or -EFAULT. The _partial
 * forms return the bytes copied (n: all), for a file's read or write that
 * returns the part before the fault, as Linux's regular files do. */
static inline int xcopy_out(void *dst, const void *src, size_t n, bool user)
{
	if (user)
		return copy_to_user(dst, src, n);
	memcpy(dst, src, n);
	return 0;
}

static inline int xcopy_in(void *dst, const void *src, size_t n, bool user)
{
	if (user)
		return copy_from_user(dst, src, n);
	memcpy(dst, src, n);
	return 0;
}

static inline size_t xcopy_out_partial(void *dst, const void *src, size_t n, bool user)
{
	if (user)
		return copy_to_user_partial(dst, src, n);
	memcpy(dst, src, n);
	return n;
}

static inline size_t xcopy_in_partial(void *dst, const void *src, size_t n, bool user)
{
	if (user)
		return copy_from_user_partial(dst, src, n);
	memcpy(dst, src, n);
	return n;
}

/* The _nosleep copies (kernel.h) for a user or kernel buffer. */
static inline size_t xcopy_out_nosleep(void *dst, const void *src, size_t n, bool user)
{
	if (user)
		return copy_to_user_nosleep(dst, src, n);
	memcpy(dst, src, n);
	return n;
}

static inline size_t xcopy_in_nosleep(void *dst, const void *src, size_t n, bool user)
{
	if (user)
		return copy_from_user_nosleep(dst, src, n);
	memcpy(dst, src, n);
	return n;
}

#endif
