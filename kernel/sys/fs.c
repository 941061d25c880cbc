/* sys/fs.c: the system calls on names and metadata: stat and statx,
 * access, readlink, getcwd/chdir, umask, mkdir, unlink/rmdir, rename,
 * truncate, chmod, chown, the utime family, renameat2, sync,
 * hard links and mknod. */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include <linux/securebits.h>
#include "fs/vfs.h"
#include "fs/inotify.h"
#include <linux/inotify.h>
#include "fs/minifs/minifs.h"
#include "fs/mount.h"
#include "kernel/pmem.h"
#include <asm/statfs.h>
#include <linux/utime.h>
#include <asm/stat.h>
#include <linux/time_types.h>

#define R_OK 4
#define W_OK 2
#define X_OK 1

/* ---- stat */

static long put_stat(struct inode *ino, struct stat *ust)
{
	struct stat st;
	inode_fill_stat(ino, &st);
	return copy_to_user(ust, &st, sizeof(st));
}

long sys_newfstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	struct inode *ino;
	unsigned lf = (flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
		      (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
	long e = vfs_lookup_user(dirfd, path, lf, &ino);
	if (e)
		return e;
	e = put_stat(ino, st);
	inode_put(ino);
	return e;
}

long sys_stat(const char *path, struct stat *st) { return sys_newfstatat(AT_FDCWD, path, st, 0); }

long sys_lstat(const char *path, struct stat *st)
{
	return sys_newfstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

long sys_fstat(int fd, struct stat *st)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return put_stat(f->ino, st);
}

long sys_statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *sx)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (mask & STATX__RESERVED)
		return -EINVAL;
	struct inode *ino;
	unsigned lf = (flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
		      (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
	long e = vfs_lookup_user(dirfd, path, lf, &ino);
	if (e)
		return e;
	struct statx x;
	inode_fill_statx(ino, mask, &x);
	inode_put(ino);
	return copy_to_user(sx, &x, sizeof(x));
}

/* ---- access */

long sys_faccessat2(int dirfd, const char *path, int mode, int flags)
{
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *ino;
	unsigned lf = (flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
		      (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
	long e = vfs_lookup_user(dirfd, path, lf, &ino);
	if (e)
		return e;
	/* checked with the real ids, and root's permitted capabilities (none
	 * for anyone else), unless AT_EACCESS; as Linux's access_override_creds */
	struct proc *p = current;
	int fsuid = p->fsuid, fsgid = p->fsgid;
	uint64_t eff = p->cap_eff;
	if (!(flags & AT_EACCESS)) {
		p->fsuid = p->uid;
		p->fsgid = p->gid;
		if (!(p->set.securebits & SECBIT_NO_SETUID_FIXUP))
			p->cap_eff = p->uid == 0 ? p->cap_perm : 0;
	}
	e = inode_permission(ino, mode & (R_OK | W_OK | X_OK));
	p->fsuid = fsuid;
	p->fsgid = fsgid;
	p->cap_eff = eff;
	inode_put(ino);
	return e;
}

long sys_faccessat(int dirfd, const char *path, int mode)
{
	return sys_faccessat2(dirfd, path, mode, 0);
}

long sys_access(const char *path, int mode) { return sys_faccessat2(AT_FDCWD, path, mode, 0); }

/* ---- symlinks and the cwd */

long sys_readlinkat(int dirfd, const char *path, char *buf, size_t n)
{
	if ((int)n <= 0)
		return -EINVAL;
	struct inode *ino;
	long e = vfs_lookup_user(dirfd, path, LOOKUP_EMPTY, &ino);
	if (e)
		return e;
	if (!S_ISLNK(ino->mode) || !ino->ops || !ino->ops->readlink) {
		inode_put(ino);
		return -EINVAL;
	}
	char *t = kmalloc(PATH_MAX);
	if (!t) {
		inode_put(ino);
		return -ENOMEM;
	}
	ssize_t len = ino->ops->readlink(ino, t, PATH_MAX);
	inode_put(ino);
	if (len >= 0) {
		len = MIN((size_t)len, MIN(n, (size_t)PATH_MAX));
		if (copy_to_user(buf, t, (size_t)len))
			len = -EFAULT;
	}
	kfree(t);
	return len;
}

long sys_readlink(const char *path, char *buf, size_t n)
{
	if (!path)
		return -EFAULT;
	return sys_readlinkat(AT_FDCWD, path, buf, n);
}

long sys_getcwd(char *buf, size_t n)
{
	char *t = kmalloc(PATH_MAX);
	if (!t)
		return -ENOMEM;
	long len = vfs_getcwd(t, PATH_MAX);
	if (len >= 0) {
		if ((size_t)len + 1 > n)
			len = -ERANGE;
		else if (copy_to_user(buf, t, (size_t)len + 1))
			len = -EFAULT;
		else
			len++;
	}
	kfree(t);
	return len;
}

long sys_chdir(const char *path)
{
	struct inode *ino;
	long e = vfs_lookup_user(AT_FDCWD, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &ino);
	if (e)
		return e;
	e = vfs_chdir(ino);
	inode_put(ino);
	return e;
}

long sys_fchdir(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return vfs_chdir(f->ino);
}

long sys_umask(int mask)
{
	if (!current || !current->fs)
		return 022;
	unsigned old = current->fs->umask;
	current->fs->umask = (unsigned)mask & 0777;
	return old;
}

/* ---- making and removing names */

long sys_mkdirat(int dirfd, const char *upath, int mode)
{
	int e;
	char *path = path_from_user(upath, &e);
	if (!path)
		return e;
	e = vfs_mkdirat(dirfd, path, (unsigned)mode);
	kfree(path);
	return e;
}

long sys_mkdir(const char *path, int mode) { return sys_mkdirat(AT_FDCWD, path, mode); }

long sys_unlinkat(int dirfd, const char *upath, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	int e;
	char *path = path_from_user(upath, &e);
	if (!path)
		return e;
	e = vfs_unlinkat(dirfd, path, flags & AT_REMOVEDIR);
	kfree(path);
	return e;
}

long sys_unlink(const char *path) { return sys_unlinkat(AT_FDCWD, path, 0); }

long sys_rmdir(const char *path) { return sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR); }

/* Copies two user paths (for rename and link); 0, or -errno with nothing
 * left to free. */
static int two_paths(const char *ua, const char *ub, char **a, char **b)
{
	int e;
	*a = path_from_user(ua, &e);
	if (!*a)
		return e;
	*b = path_from_user(ub, &e);
	if (!*b) {
		kfree(*a);
		return e;
	}
	return 0;
}

long sys_renameat(int fromfd, const char *ufrom, int tofd, const char *uto)
{
	return sys_renameat2(fromfd, ufrom, tofd, uto, 0);
}

long sys_rename(const char *from, const char *to)
{
	return sys_renameat(AT_FDCWD, from, AT_FDCWD, to);
}

/* ---- size and mode */

long sys_truncate(const char *path, off_t len)
{
	if (len < 0)
		return -EINVAL;
	struct inode *ino;
	long e = vfs_lookup_user(AT_FDCWD, path, LOOKUP_FOLLOW, &ino);
	if (e)
		return e;
	e = S_ISDIR(ino->mode) ? 0 : inode_permission(ino, MAY_WRITE);
	if (!e)
		e = vfs_truncate(ino, (uint64_t)len);
	inode_put(ino);
	return e;
}

long sys_fchmodat(int dirfd, const char *path, int mode)
{
	struct inode *ino;
	long e = vfs_lookup_user(dirfd, path, LOOKUP_FOLLOW, &ino);
	if (e)
		return e;
	e = vfs_chmod(ino, (unsigned)mode);
	inode_put(ino);
	return e;
}

long sys_chmod(const char *path, int mode) { return sys_fchmodat(AT_FDCWD, path, mode); }

long sys_fchmod(int fd, int mode)
{
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	return vfs_chmod(f->ino, (unsigned)mode);
}

/* ---- links and times */

long sys_symlinkat(const char *utarget, int dirfd, const char *upath)
{
	char *target, *path;
	int e = two_paths(utarget, upath, &target, &path);
	if (e)
		return e;
	e = vfs_symlinkat(target, dirfd, path);
	kfree(path);
	kfree(target);
	return e;
}

long sys_symlink(const char *target, const char *path)
{
	return sys_symlinkat(target, AT_FDCWD, path);
}

#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

static int ts_to_ns(const struct __kernel_timespec *t, int64_t now, int64_t *ns, bool *omit)
{
	*omit = false;
	if (t->tv_nsec == UTIME_OMIT) {
		*omit = true;
		return 0;
	}
	if (t->tv_nsec == UTIME_NOW) {
		*ns = now;
		return 0;
	}
	if (t->tv_nsec < 0 || t->tv_nsec >= 1000000000)
		return -EINVAL;
	*ns = t->tv_sec * 1000000000 + t->tv_nsec;
	return 0;
}

/* ts: two kernel timespecs, or NULL for "now" */
static long utimens_kernel(int dirfd, const char *upath, const struct __kernel_timespec *t,
			   int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	int64_t now = fs_now(), at = now, mt = now;
	bool aomit = false, momit = false;
	if (t && (ts_to_ns(&t[0], now, &at, &aomit) || ts_to_ns(&t[1], now, &mt, &momit)))
		return -EINVAL;
	struct inode *ino;
	unsigned lf = (flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
		      (flags & AT_EMPTY_PATH || !upath ? LOOKUP_EMPTY : 0);
	long e = vfs_lookup_user(dirfd, upath, lf, &ino);
	if (e)
		return e;
	if (mount_readonly(ino)) {
		inode_put(ino);
		return -EROFS;
	}
	/* given times: the owner (or CAP_FOWNER); "now": also anyone who may
	 * write the file */
	bool given = t && !(aomit && momit) &&
		     !((aomit || t[0].tv_nsec == UTIME_NOW) &&
		       (momit || t[1].tv_nsec == UTIME_NOW));
	if (!cred_owner_or_capable(ino->uid) && (given || inode_permission(ino, MAY_WRITE))) {
		inode_put(ino);
		return given ? -EPERM : -EACCES;
	}
	if (!aomit)
		ino->atime = at;
	if (!momit)
		ino->mtime = mt;
	ino->ctime = now;
	/* Linux's fsnotify_change: both times ATTRIB, one ACCESS or MODIFY */
	fsnotify(ino,
		 !aomit && !momit ? DN_ATTRIB
		 : !aomit         ? DN_ACCESS
		 : !momit         ? DN_MODIFY
				  : 0,
		 IN_ATTRIB);
	inode_put(ino);
	return 0;
}

long sys_utimensat(int dirfd, const char *upath, const struct __kernel_timespec *utimes, int flags)
{
	struct __kernel_timespec t[2];
	if (utimes && copy_from_user(t, utimes, sizeof(t)))
		return -EFAULT;
	return utimens_kernel(dirfd, upath, utimes ? t : NULL, flags);
}

/* ---- owners */

long sys_fchownat(int dirfd, const char *path, int uid, int gid, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *ino;
	unsigned lf = (flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
		      (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
	long e = vfs_lookup_user(dirfd, path, lf, &ino);
	if (e)
		return e;
	e = vfs_chown(ino, uid, gid);
	inode_put(ino);
	return e;
}

long sys_chown(const char *path, int uid, int gid)
{
	return sys_fchownat(AT_FDCWD, path, uid, gid, 0);
}

long sys_lchown(const char *path, int uid, int gid)
{
	return sys_fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

long sys_fchown(int fd, int uid, int gid)
{
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	return vfs_chown(f->ino, uid, gid);
}

/* ---- the older time-setting calls, in microseconds or seconds */

static long set_times_us(int dirfd, const char *path, const struct __kernel_old_timeval *utv)
{
	if (!utv)
		return sys_utimensat(dirfd, path, NULL, 0);
	struct __kernel_old_timeval tv[2];
	if (copy_from_user(tv, utv, sizeof(tv)))
		return -EFAULT;
	struct __kernel_timespec ts[2];
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return utimens_kernel(dirfd, path, ts, 0);
}

long sys_utimes(const char *path, const struct __kernel_old_timeval *tv)
{
	return set_times_us(AT_FDCWD, path, tv);
}

long sys_futimesat(int dirfd, const char *path, const struct __kernel_old_timeval *tv)
{
	return set_times_us(dirfd, path, tv);
}

long sys_utime(const char *path, const struct utimbuf *ub)
{
	if (!ub)
		return sys_utimensat(AT_FDCWD, path, NULL, 0);
	struct utimbuf b;
	if (copy_from_user(&b, ub, sizeof(b)))
		return -EFAULT;
	struct __kernel_timespec ts[2] = { { b.actime, 0 }, { b.modtime, 0 } };
	return utimens_kernel(AT_FDCWD, path, ts, 0);
}

/* ---- renameat2 and syncing (the disks: fs/mount.c) */

long sys_renameat2(int fromfd, const char *ufrom, int tofd, const char *uto, unsigned flags)
{
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	char *from, *to;
	int e = two_paths(ufrom, uto, &from, &to);
	if (e)
		return e;
	e = vfs_renameat2(fromfd, from, tofd, to, flags);
	kfree(from);
	kfree(to);
	return e;
}

long sys_sync(void)
{
	vm_sync_file(NULL); /* what shared mappings stored; sync() tells nothing */
	mounts_sync();
	return 0;
}

long sys_syncfs(int fd)
{
	if (!fd_get(fd))
		return -EBADF;
	int e = vm_sync_file(NULL);
	long r = mounts_sync();
	return e ? e : r;
}

/* ---- hard links and special files */

long sys_linkat(int ofd, const char *uold, int nfd, const char *unew, int flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	char *from, *to;
	int e = two_paths(uold, unew, &from, &to);
	if (e)
		return e;
	e = vfs_linkat(ofd, from, nfd, to, flags);
	kfree(from);
	kfree(to);
	return e;
}

long sys_link(const char *from, const char *to)
{
	return sys_linkat(AT_FDCWD, from, AT_FDCWD, to, 0);
}

long sys_mknodat(int dirfd, const char *upath, unsigned mode, unsigned dev)
{
	switch (mode & S_IFMT) {
	case 0: mode |= S_IFREG; break;
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK: break;
	case S_IFDIR: return -EPERM;
	default: return -EINVAL;
	}
	int e;
	char *path = path_from_user(upath, &e);
	if (!path)
		return e;
	/* dev is the 32-bit form of the st_rdev encoding: kept as is */
	e = vfs_mknodat(dirfd, path, mode, dev);
	kfree(path);
	return e;
}

long sys_mknod(const char *path, unsigned mode, unsigned dev)
{
	return sys_mknodat(AT_FDCWD, path, mode, dev);
}
