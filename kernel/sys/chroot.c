/* sys/chroot.c: the process's root directory: chroot makes a directory
 * the "/" of the caller's (and, after fork, its children's) lookups, with
 * ".." at it staying there (fs/vfs.c resolves; the root is in struct
 * fs_ctx, shared as the cwd is). */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "fs/vfs.h"
#include <linux/capability.h>

long sys_chroot(const char *upath)
{
	int e;
	char *path = path_from_user(upath, &e);
	if (!path)
		return e;
	struct inode *ino;
	e = vfs_lookupat(AT_FDCWD, path, LOOKUP_FOLLOW, &ino);
	kfree(path);
	if (e)
		return e;
	if (!S_ISDIR(ino->mode))
		e = -ENOTDIR;
	else if (!capable(CAP_SYS_CHROOT))
		e = -EPERM; /* after the lookup, as Linux */
	else
		e = vfs_chroot(ino);
	inode_put(ino);
	return e;
}
