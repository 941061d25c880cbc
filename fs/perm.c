/* perm.c: who may do what to an inode: Linux's permission checks over
 * the mode bits, owner and group of an inode and the caller's fsuid,
 * fsgid, supplementary groups and capabilities (CAP_DAC_OVERRIDE,
 * CAP_DAC_READ_SEARCH, CAP_FOWNER), as path walks, open, the calls that
 * make and remove names, and access(2) ask them; a filesystem may let
 * through what the mode bits refuse (struct inode_ops's permission). */
#include "fs/vfs.h"
#include "kernel/proc.h"
#include <linux/capability.h>

static int mode_permission(struct inode *ino, int mask)
{
	if (!current || !mask)
		return 0;
	unsigned mode = ino->mode;
	unsigned bits;
	if ((unsigned)current->fsuid == ino->uid)
		bits = mode >> 6;
	else if (cred_in_group(ino->gid))
		bits = mode >> 3;
	else
		bits = mode;
	if ((mask & ~bits & 7) == 0)
		return 0;
	/* Linux's capable_wrt_inode_uidgid: read and search of directories,
	 * reading files with CAP_DAC_READ_SEARCH; anything on directories and
	 * all but executing a file that no one may execute with
	 * CAP_DAC_OVERRIDE */
	if (S_ISDIR(mode)) {
		if (!(mask & MAY_WRITE) && capable(CAP_DAC_READ_SEARCH))
			return 0;
		if (capable(CAP_DAC_OVERRIDE))
			return 0;
		return -EACCES;
	}
	if (mask == MAY_READ && capable(CAP_DAC_READ_SEARCH))
		return 0;
	if ((!(mask & MAY_EXEC) || (mode & 0111)) && capable(CAP_DAC_OVERRIDE))
		return 0;
	return -EACCES;
}

int inode_permission(struct inode *ino, int mask)
{
	int e = mode_permission(ino, mask);
	if (e && ino->ops && ino->ops->permission && ino->ops->permission(ino, mask) == 0)
		return 0;
	return e;
}

int may_create(struct inode *dir) { return inode_permission(dir, MAY_WRITE | MAY_EXEC); }

int may_delete(struct inode *dir, struct inode *victim)
{
	int e = inode_permission(dir, MAY_WRITE | MAY_EXEC);
	if (e)
		return e;
	/* the sticky bit: only the file's or the directory's owner */
	if ((dir->mode & S_ISVTX) && (unsigned)current->fsuid != victim->uid &&
	    (unsigned)current->fsuid != dir->uid && !capable(CAP_FOWNER))
		return -EPERM;
	return 0;
}
