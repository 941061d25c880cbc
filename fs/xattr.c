/* xattr.c: the extended attribute store, as tmpfs keeps one: a list of
 * (name, value) pairs on each minifs inode, in the user., trusted. and
 * security. namespaces (we are root, so trusted. is open); other
 * namespaces are EOPNOTSUPP, as are the other filesystems' files. user.
 * attributes belong to regular files and directories only. The list is
 * kept in descending name order, the order Linux's tmpfs lists them in.
 * kernel/sys/xattr.c holds the system calls. */
#include "kernel/kernel.h"
#include "fs/vfs.h"
#include "fs/xattr.h"
#include "fs/minifs/minifs.h"
#include <linux/xattr.h>

struct xattr {
	struct xattr *next;
	char *name;
	size_t size;
	uint8_t value[];
};

#define NS_USER 1
#define NS_OTHER 2 /* trusted., security. */

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
	if (strncmp(name, XATTR_USER_PREFIX, XATTR_USER_PREFIX_LEN) == 0 && !S_ISREG(ino->mode) &&
	    !S_ISDIR(ino->mode))
		return write ? -EPERM : -ENODATA;
	return 0;
}

/* Whether name may be written (write) or read on ino: 0 or -errno. */
static int check(struct inode *ino, const char *name, bool write)
{
	int ns = name_space(name);
	int e = permitted(ino, name, write);
	if (!e && ns < 0)
		e = ns;
	if (!e && !minifs_is(ino))
		e = -EOPNOTSUPP;
	return e;
}

int xattr_set(struct inode *ino, const char *name, const void *value, size_t size, int flags)
{
	struct xattr *x = kmalloc(sizeof(*x) + size);
	if (!x)
		return -ENOMEM;
	memcpy(x->value, value, size);
	x->size = size;
	int e = check(ino, name, true);
	struct xattr **pp = e ? NULL : find(ino, name);
	if (!e && *pp && (flags & XATTR_CREATE))
		e = -EEXIST;
	else if (!e && !*pp && (flags & XATTR_REPLACE))
		e = -ENODATA;
	if (!e && !(x->name = strdup(name)))
		e = -ENOMEM;
	if (e) {
		kfree(x);
		return e;
	}
	if (*pp) { /* replace in place */
		struct xattr *old = *pp;
		x->next = old->next;
		*pp = x;
		kfree(old->name);
		kfree(old);
	} else { /* insert in descending name order */
		pp = (struct xattr **)&ino->xattrs;
		while (*pp && strcmp((*pp)->name, name) > 0)
			pp = &(*pp)->next;
		x->next = *pp;
		*pp = x;
	}
	ino->ctime = fs_now();
	return 0;
}

long xattr_get(struct inode *ino, const char *name, const void **value)
{
	int e = check(ino, name, false);
	if (e)
		return e;
	struct xattr *x = *find(ino, name);
	if (!x)
		return -ENODATA;
	*value = x->value;
	return (long)x->size;
}

const char *xattr_next(struct inode *ino, void **cursor)
{
	struct xattr *x = *cursor ? ((struct xattr *)*cursor)->next : ino->xattrs;
	*cursor = x;
	return x ? x->name : NULL;
}

int xattr_remove(struct inode *ino, const char *name)
{
	int e = check(ino, name, true);
	if (e)
		return e;
	struct xattr **pp = find(ino, name), *x = *pp;
	if (!x)
		return -ENODATA;
	*pp = x->next;
	kfree(x->name);
	kfree(x);
	ino->ctime = fs_now();
	return 0;
}
