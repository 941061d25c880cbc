/* sys/inotify.c: inotify_init, inotify_init1, inotify_add_watch and
 * inotify_rm_watch (the instances and events are fs/inotify.c's). */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "fs/vfs.h"
#include "fs/inotify.h"
#include <linux/inotify.h>

long sys_inotify_init1(int flags)
{
	if (flags & ~(IN_CLOEXEC | IN_NONBLOCK))
		return -EINVAL;
	struct file *f;
	int e = inotify_file(flags & IN_NONBLOCK, &f);
	if (e)
		return e;
	return fd_alloc(f, 0, flags & IN_CLOEXEC);
}

long sys_inotify_init(void) { return sys_inotify_init1(0); }

#define IN_WATCH_FLAGS \
	(IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_MASK_CREATE | IN_MASK_ADD | IN_ONESHOT)

long sys_inotify_add_watch(int fd, const char *upath, uint32_t mask)
{
	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -EINVAL;
	if (!(mask & (IN_ALL_EVENTS | IN_WATCH_FLAGS)))
		return -EINVAL;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (!inotify_is(f))
		return -EINVAL;
	int e;
	char *path = path_from_user(upath, &e);
	if (!path)
		return e;
	struct inode *ino;
	e = vfs_lookupat(AT_FDCWD, path, (mask & IN_DONT_FOLLOW) ? 0 : LOOKUP_FOLLOW, &ino);
	kfree(path);
	if (e)
		return e;
	if ((mask & IN_ONLYDIR) && !S_ISDIR(ino->mode))
		e = -ENOTDIR;
	else
		e = inotify_add(f, ino, mask);
	inode_put(ino);
	return e;
}

long sys_inotify_rm_watch(int fd, int wd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return inotify_rm(f, wd);
}
