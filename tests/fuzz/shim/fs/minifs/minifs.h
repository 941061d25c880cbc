/* minifs.h (fuzzing shim): the slice of the VFS and minifs that
 * fs/minifs/cpio.c uses, so that the kernel's initrd unpacker compiles
 * unchanged for the host (tests/fuzz/run.sh). fuzz_cpio.c implements it
 * as a small tree that counts references, so that a leaked or doubly
 * released inode is found as well as a bad read. */
#ifndef HTUX_MINIFS_H
#define HTUX_MINIFS_H

#include "kernel/kernel.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#define LOOKUP_FOLLOW 1
#define LOOKUP_DIRECTORY 2

struct inode;
struct inode_ops {
	int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
	int (*create)(struct inode *dir, const char *name, size_t len, unsigned mode,
		      const char *target, struct inode **out);
	int (*unlink)(struct inode *dir, const char *name, size_t len, struct inode *ino);
	int (*link)(struct inode *dir, const char *name, size_t len, struct inode *ino);
};

struct inode {
	unsigned mode;
	unsigned uid, gid;
	int64_t atime, mtime, ctime;
	const struct inode_ops *ops;
	int refs;
	char name[NAME_MAX + 1];
	char *target;     /* symlinks */
	const void *data; /* regular files */
	size_t size;
	struct inode *parent, *children, *next;
};

struct inode *inode_get(struct inode *ino);
void inode_put(struct inode *ino);
bool dir_is_empty(struct inode *dir);
int vfs_lookupat(int dirfd, const char *path, int flags, struct inode **out);
void minifs_set_data(struct inode *ino, const void *data, size_t n);
int cpio_unpack(struct inode *root, const void *buf, size_t len, const char **why, size_t *where);

#endif
