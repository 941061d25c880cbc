/* sys/xattr.c: extended attributes, as tmpfs keeps them: a list of
 * (name, value) pairs on each minifs inode, in the user., trusted. and
 * security. namespaces (we are root, so trusted. is open); other
 * namespaces are EOPNOTSUPP, as are the pseudo files. user. attributes
 * belong to regular files and directories only. The list is kept in
 * descending name order, the order Linux's tmpfs lists them in. */
#include "kernel/syscall.h"
#include "fs/vfs.h"
#include "fs/minifs/minifs.h"
#include <linux/xattr.h>
#include <linux/limits.h>

struct xattr {
	struct xattr *next;
	char *name;
	size_t size;
	uint8_t value[];
};

#define NS_USER 1
#define NS_OTHER 2    /* trusted., security. */

void xattr_drop(struct inode *ino)
{
	struct xattr *x = ino->xattrs;
	while (x) {
		struct xattr *n = x->next;
		kfree(x->name);
		kfree(x);
		x = n;
	}
	ino->xattrs = NULL;
}

static struct xattr **find(struct inode *ino, const char *name)
{
	struct xattr **pp = (struct xattr **)&ino->xattrs;
	while (*pp && strcmp((*pp)->name, name) != 0)
		pp = &(*pp)->next;
	return pp;
}

/* The namespace of name: NS_*, -EINVAL for a bare prefix, -EOPNOTSUPP. */
static int name_space(const char *name)
{
	static const char *const prefixes[] = { XATTR_USER_PREFIX, XATTR_TRUSTED_PREFIX,
						XATTR_SECURITY_PREFIX };
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i]);
		if (strncmp(name, prefixes[i], n) == 0)
			return name[n] ? (i == 0 ? NS_USER : NS_OTHER) : -EINVAL;
	}
	return -EOPNOTSUPP;
}

/* xattr_permission's answer for user. names: only regular files and
 * directories have them. */
static int permitted(struct inode *ino, const char *name, bool write)
{
	if (strncmp(name, XATTR_USER_PREFIX, XATTR_USER_PREFIX_LEN) == 0 &&
	    !S_ISREG(ino->mode) && !S_ISDIR(ino->mode))
		return write ? -EPERM : -ENODATA;
	return 0;
}

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
	struct xattr *x = kmalloc(sizeof(*x) + size);
	if (!x)
		return -ENOMEM;
	if (size && copy_from_user(x->value, uvalue, size)) {
		kfree(x);
		return -EFAULT;
	}
	x->size = size;
	struct inode *ino;
	e = target(byfd, upath, fd, nofollow, &ino);
	if (e) {
		kfree(x);
		return e;
	}
	int ns = name_space(name);
	if ((e = permitted(ino, name, true)) == 0 && (e = ns < 0 ? ns : 0) == 0 && !minifs_is(ino))
		e = -EOPNOTSUPP;
	struct xattr **pp = e ? NULL : find(ino, name);
	if (!e && *pp && (flags & XATTR_CREATE))
		e = -EEXIST;
	else if (!e && !*pp && (flags & XATTR_REPLACE))
		e = -ENODATA;
	if (!e && !(x->name = strdup(name)))
		e = -ENOMEM;
	if (e) {
		kfree(x);
		inode_put(ino);
		return e;
	}
	if (*pp) {                    /* replace in place */
		struct xattr *old = *pp;
		x->next = old->next;
		*pp = x;
		kfree(old->name);
		kfree(old);
	} else {                      /* insert in descending name order */
		pp = (struct xattr **)&ino->xattrs;
		while (*pp && strcmp((*pp)->name, name) > 0)
			pp = &(*pp)->next;
		x->next = *pp;
		*pp = x;
	}
	ino->ctime = fs_now();
	inode_put(ino);
	return 0;
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
	int ns = name_space(name);
	long r = permitted(ino, name, false);
	if (!r && ns < 0)
		r = ns;
	if (!r && !minifs_is(ino))
		r = -EOPNOTSUPP;
	if (!r) {
		struct xattr *x = *find(ino, name);
		if (!x)
			r = -ENODATA;
		else if (size && x->size > MIN(size, (size_t)XATTR_SIZE_MAX))
			r = -ERANGE;
		else if (size && copy_to_user(uvalue, x->value, x->size))
			r = -EFAULT;
		else
			r = (long)x->size;
	}
	inode_put(ino);
	return r;
}

static long do_list(bool byfd, const char *upath, int fd, bool nofollow, char *ulist,
		    size_t size)
{
	struct inode *ino;
	int e = target(byfd, upath, fd, nofollow, &ino);
	if (e)
		return e;
	size = MIN(size, (size_t)XATTR_LIST_MAX);
	size_t total = 0;
	long r = 0;
	for (struct xattr *x = ino->xattrs; x; x = x->next) {
		size_t n = strlen(x->name) + 1;
		if (size && total + n > size) {
			r = -ERANGE;
			break;
		}
		if (size && copy_to_user(ulist + total, x->name, n)) {
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
	int ns = name_space(name);
	if ((e = permitted(ino, name, true)) == 0 && (e = ns < 0 ? ns : 0) == 0 && !minifs_is(ino))
		e = -EOPNOTSUPP;
	if (!e) {
		struct xattr **pp = find(ino, name), *x = *pp;
		if (!x) {
			e = -ENODATA;
		} else {
			*pp = x->next;
			kfree(x->name);
			kfree(x);
			ino->ctime = fs_now();
		}
	}
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

long sys_fremovexattr(int fd, const char *name)
{
	return do_remove(true, NULL, fd, false, name);
}
