/* sys/xattr.c: setxattr, getxattr, listxattr, removexattr and their l-
 * and f- forms: the name, value and list copied in and out, the target
 * looked up by path or descriptor. The attributes are fs/xattr.c's. */
#include "kernel/syscall.h"
#include "fs/vfs.h"
#include "fs/xattr.h"
#include <linux/xattr.h>
#include <linux/limits.h>

/* Copies in an attribute name: -ERANGE when empty or too long. */
static int get_name(const char *uname, char *buf)
{
	long n = strncpy_from_user(buf, uname, XATTR_NAME_MAX + 1);
	if (n == -ENAMETOOLONG || n == 0)
		return -ERANGE;
	return n < 0 ? (int)n : 0;
}

/* The inode an xattr call is about: a path (following symlinks unless
 * nofollow) or, with upath NULL, the descriptor fd. */
static int target(bool byfd, const char *upath, int fd, bool nofollow, struct inode **out)
{
	if (byfd) {
		struct file *f = fd_get(fd);
		if (!f || (f->flags & O_PATH))
			return -EBADF;
		*out = inode_get(f->ino);
		return 0;
	}
	int e;
	char *path = path_from_user(upath, &e);
	if (!path)
		return e;
	e = vfs_lookupat(AT_FDCWD, path, nofollow ? 0 : LOOKUP_FOLLOW, out);
	kfree(path);
	return e;
}

static long do_set(bool byfd, const char *upath, int fd, bool nofollow, const char *uname,
		   const void *uvalue, size_t size, int flags)
{
	char name[XATTR_NAME_MAX + 1];
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	int e = get_name(uname, name);
	if (e)
		return e;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	void *value = kmalloc(size ? size : 1);
	if (!value)
		return -ENOMEM;
	if (size && copy_from_user(value, uvalue, size)) {
		kfree(value);
		return -EFAULT;
	}
	struct inode *ino;
	e = target(byfd, upath, fd, nofollow, &ino);
	if (!e) {
		e = xattr_set(ino, name, value, size, flags);
		inode_put(ino);
	}
	kfree(value);
	return e;
}

static long do_get(bool byfd, const char *upath, int fd, bool nofollow, const char *uname,
		   void *uvalue, size_t size)
{
	char name[XATTR_NAME_MAX + 1];
	int e = get_name(uname, name);
	if (e)
		return e;
	struct inode *ino;
	e = target(byfd, upath, fd, nofollow, &ino);
	if (e)
		return e;
	const void *value = NULL;
	long r = xattr_get(ino, name, &value);
	if (r >= 0 && size && (size_t)r > MIN(size, (size_t)XATTR_SIZE_MAX))
		r = -ERANGE;
	else if (r >= 0 && size && copy_to_user(uvalue, value, (size_t)r))
		r = -EFAULT;
	inode_put(ino);
	return r;
}

static long do_list(bool byfd, const char *upath, int fd, bool nofollow, char *ulist, size_t size)
{
	struct inode *ino;
	int e = target(byfd, upath, fd, nofollow, &ino);
	if (e)
		return e;
	size = MIN(size, (size_t)XATTR_LIST_MAX);
	size_t total = 0;
	long r = 0;
	void *cursor = NULL;
	for (const char *name; (name = xattr_next(ino, &cursor));) {
		size_t n = strlen(name) + 1;
		if (size && total + n > size) {
			r = -ERANGE;
			break;
		}
		if (size && copy_to_user(ulist + total, name, n)) {
			r = -EFAULT;
			break;
		}
		total += n;
	}
	inode_put(ino);
	return r ? r : (long)total;
}

static long do_remove(bool byfd, const char *upath, int fd, bool nofollow, const char *uname)
{
	char name[XATTR_NAME_MAX + 1];
	int e = get_name(uname, name);
	if (e)
		return e;
	struct inode *ino;
	e = target(byfd, upath, fd, nofollow, &ino);
	if (e)
		return e;
	e = xattr_remove(ino, name);
	inode_put(ino);
	return e;
}

long sys_setxattr(const char *path, const char *name, const void *value, size_t size, int flags)
{
	return do_set(false, path, -1, false, name, value, size, flags);
}

long sys_lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)
{
	return do_set(false, path, -1, true, name, value, size, flags);
}

long sys_fsetxattr(int fd, const char *name, const void *value, size_t size, int flags)
{
	return do_set(true, NULL, fd, false, name, value, size, flags);
}

long sys_getxattr(const char *path, const char *name, void *value, size_t size)
{
	return do_get(false, path, -1, false, name, value, size);
}

long sys_lgetxattr(const char *path, const char *name, void *value, size_t size)
{
	return do_get(false, path, -1, true, name, value, size);
}

long sys_fgetxattr(int fd, const char *name, void *value, size_t size)
{
	return do_get(true, NULL, fd, false, name, value, size);
}

long sys_listxattr(const char *path, char *list, size_t size)
{
	return do_list(false, path, -1, false, list, size);
}

long sys_llistxattr(const char *path, char *list, size_t size)
{
	return do_list(false, path, -1, true, list, size);
}

long sys_flistxattr(int fd, char *list, size_t size)
{
	return do_list(true, NULL, fd, false, list, size);
}

long sys_removexattr(const char *path, const char *name)
{
	return do_remove(false, path, -1, false, name);
}

long sys_lremovexattr(const char *path, const char *name)
{
	return do_remove(false, path, -1, true, name);
}

long sys_fremovexattr(int fd, const char *name) { return do_remove(true, NULL, fd, false, name); }
