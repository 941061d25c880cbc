/* xattr.h: the extended attribute store (fs/xattr.c), for the xattr
 * system calls. Names and values are kernel copies; each call checks the
 * name's namespace and the inode's kind. xattr_drop is in fs/vfs.h. */
#ifndef HTUX_FS_XATTR_H
#define HTUX_FS_XATTR_H

#include <stddef.h>

struct inode;

/* Sets name to value (XATTR_CREATE, XATTR_REPLACE): 0 or -errno. */
int xattr_set(struct inode *ino, const char *name, const void *value, size_t size, int flags);
/* The size of name's value, with *value pointing at it (valid until the
 * next change), or -errno (-ENODATA: none). */
long xattr_get(struct inode *ino, const char *name, const void **value);
/* The next name after *cursor (NULL: the first), NULL at the end. */
const char *xattr_next(struct inode *ino, void **cursor);
/* Removes name: 0 or -errno. */
int xattr_remove(struct inode *ino, const char *name);

#endif
