/* inode.c: inodes: numbering and initialising, reference counts (the
 * last put of an unlinked or transient inode evicts it), size, mode and
 * data, whether a directory is empty, the absolute path of an inode, and
 * filling struct stat and struct statx from one; chown, truncate and
 * chmod of an inode (permission checks, dnotify and inotify events). */
#include "fs/vfs.h"
#include "fs/inotify.h"
#include <linux/inotify.h>
#include <linux/capability.h>
#include "fs/namei.h"
#include "fs/mount.h"
#include "fs/minifs/minifs.h"
#include "kernel/proc.h"
#include <asm/stat.h>

static uint64_t next_ino = 1;

int64_t fs_now(void) { return realtime_now_ns(); }

void inode_init(struct inode *ino, unsigned mode, uint64_t dev)
{
	memset(ino, 0, sizeof(*ino));
	ino->ino = next_ino++;
	ino->dev = dev;
	ino->mode = mode;
	ino->nlink = 1;
	if (current) {
		ino->uid = (unsigned)current->fsuid;
		ino->gid = (unsigned)current->fsgid;
	}
	ino->atime = ino->mtime = ino->ctime = fs_now();
}

struct inode *inode_get(struct inode *ino)
{
	ino->refs++;
	return ino;
}

void inode_put(struct inode *ino)
{
	if (!ino)
		return;
	if (ino->refs <= 0)
		panic("inode_put: inode %lu has no references", (unsigned long)ino->ino);
	if (--ino->refs == 0 && (ino->nlink == 0 || ino->transient) && ino->ops && ino->ops->evict)
		ino->ops->evict(ino);
}

uint64_t inode_size(struct inode *ino) { return ino->size; }
unsigned inode_mode(struct inode *ino) { return ino->mode; }

const void *inode_data(struct inode *ino)
{
	if (!S_ISREG(ino->mode) || !ino->ops || !ino->ops->data)
		return NULL;
	return ino->ops->data(ino);
}

static int count_emit(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type,
		      uint64_t next)
{
	if (!(len == 1 && name[0] == '.') && !(len == 2 && name[0] == '.' && name[1] == '.')) {
		*(bool *)ctx = true;
		return 1;
	}
	return 0;
}

bool dir_is_empty(struct inode *dir)
{
	bool found = false;
	uint64_t pos = 0;
	if (dir->ops && dir->ops->readdir)
		dir->ops->readdir(dir, &pos, count_emit, &found);
	return !found;
}

struct inode *root_inode(void)
{
	return current && current->fs && current->fs->root ? current->fs->root : fs_root;
}

/* inode_path; *outside: ino is not below the caller's root. */
int path_of(struct inode *ino, char *buf, size_t n, bool *outside)
{
	char *tmp = kmalloc(PATH_MAX);
	if (!tmp)
		return -ENOMEM;
	size_t p = PATH_MAX - 1;
	tmp[p] = 0;
	int depth = 0;
	struct inode *root = root_inode(), *i;
	for (i = ino; i != root && i != fs_root; i = i->parent) {
		if (!i || !i->parent || !i->name || ++depth > PATH_MAX / 2) {
			kfree(tmp);
			return -ENOENT;
		}
		size_t len = strlen(i->name);
		if (len + 1 > p) {
			kfree(tmp);
			return -ENAMETOOLONG;
		}
		p -= len;
		memcpy(tmp + p, i->name, len);
		tmp[--p] = '/';
	}
	*outside = i != root;
	if (p == PATH_MAX - 1)
		tmp[--p] = '/';
	size_t total = PATH_MAX - 1 - p;
	if (total + 1 > n) {
		kfree(tmp);
		return -ERANGE;
	}
	memcpy(buf, tmp + p, total + 1);
	kfree(tmp);
	return (int)total;
}

int inode_path(struct inode *ino, char *buf, size_t n)
{
	bool outside;
	return path_of(ino, buf, n, &outside);
}

static uint64_t blocks_of(struct inode *ino)
{
	if (mount_is_disk(ino))
		return mount_disk_blocks(ino);
	if (!S_ISREG(ino->mode))
		return 0;
	if (ino->ops && ino->ops->blocks)
		return ino->ops->blocks(ino);
	return ((ino->size + 4095) / 4096) * 8; /* 512-byte units of whole pages */
}

void inode_fill_stat(struct inode *ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = ino->dev;
	st->st_ino = ino->ino;
	st->st_nlink = ino->nlink;
	st->st_mode = ino->mode;
	st->st_uid = ino->uid;
	st->st_gid = ino->gid;
	st->st_rdev = ino->rdev;
	st->st_size = (long)ino->size;
	st->st_blksize = 4096;
	st->st_blocks = (long)blocks_of(ino);
	st->st_atime = ino->atime / 1000000000;
	st->st_atime_nsec = (unsigned long)(ino->atime % 1000000000);
	st->st_mtime = ino->mtime / 1000000000;
	st->st_mtime_nsec = (unsigned long)(ino->mtime % 1000000000);
	st->st_ctime = ino->ctime / 1000000000;
	st->st_ctime_nsec = (unsigned long)(ino->ctime % 1000000000);
}

static uint32_t dev_major(uint64_t d)
{
	return (uint32_t)(((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffull));
}
static uint32_t dev_minor(uint64_t d) { return (uint32_t)((d & 0xff) | ((d >> 12) & ~0xffull)); }

static void set_ts(struct statx_timestamp *t, int64_t ns)
{
	t->tv_sec = ns / 1000000000;
	t->tv_nsec = (uint32_t)(ns % 1000000000);
}

void inode_fill_statx(struct inode *ino, unsigned mask, struct statx *sx)
{
	memset(sx, 0, sizeof(*sx));
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_blksize = 4096;
	sx->stx_nlink = ino->nlink;
	sx->stx_uid = ino->uid;
	sx->stx_gid = ino->gid;
	sx->stx_mode = (uint16_t)ino->mode;
	sx->stx_ino = ino->ino;
	sx->stx_size = ino->size;
	sx->stx_blocks = blocks_of(ino);
	set_ts(&sx->stx_atime, ino->atime);
	set_ts(&sx->stx_mtime, ino->mtime);
	set_ts(&sx->stx_ctime, ino->ctime);
	sx->stx_rdev_major = dev_major(ino->rdev);
	sx->stx_rdev_minor = dev_minor(ino->rdev);
	sx->stx_dev_major = dev_major(ino->dev);
	sx->stx_dev_minor = dev_minor(ino->dev);
}

/* ---- changing an inode's owner, size and mode, with the checks and
 * notifications Linux makes */

int vfs_chown(struct inode *ino, int uid, int gid)
{
	if (!minifs_is(ino) && !mount_is_disk(ino))
		return -EPERM;
	if (mount_readonly(ino))
		return -EROFS;
	if (!capable(CAP_CHOWN)) { /* the owner may change the group to one of his */
		bool grp_ok = gid == -1 || (unsigned)gid == ino->gid ||
			      cred_in_group((unsigned)gid);
		if ((unsigned)current->fsuid != ino->uid ||
		    (uid != -1 && (unsigned)uid != ino->uid) || !grp_ok)
			return -EPERM;
	}
	if (uid != -1)
		ino->uid = (unsigned)uid;
	if (gid != -1)
		ino->gid = (unsigned)gid;
	/* chown drops set-user-ID, and set-group-ID when it means
	 * something (with group execute), even when no id changes */
	if (!S_ISDIR(ino->mode) && !S_ISLNK(ino->mode)) {
		ino->mode &= ~(unsigned)S_ISUID;
		if (ino->mode & S_IXGRP)
			ino->mode &= ~(unsigned)S_ISGID;
	}
	ino->ctime = fs_now();
	fsnotify(ino, DN_ATTRIB, IN_ATTRIB);
	return 0;
}

int vfs_truncate(struct inode *ino, uint64_t len)
{
	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (!S_ISREG(ino->mode))
		return -EINVAL;
	if (ino->writecount < 0)
		return -ETXTBSY; /* a running program's file */
	if (!ino->ops || !ino->ops->truncate)
		return -EPERM;
	int e = ino->ops->truncate(ino, len);
	if (!e)
		fsnotify(ino, DN_MODIFY, IN_MODIFY);
	return e;
}

int vfs_chmod(struct inode *ino, unsigned mode)
{
	if (!ino->ops || !ino->ops->chmod)
		return -EPERM;
	if (!cred_owner_or_capable(ino->uid))
		return -EPERM;
	/* set-group-ID only for a group of the caller's (or CAP_FSETID) */
	if (!S_ISDIR(ino->mode) && !cred_in_group(ino->gid) && !capable(CAP_FSETID))
		mode &= ~(unsigned)S_ISGID;
	int e = ino->ops->chmod(ino, mode & 07777);
	if (!e)
		fsnotify(ino, DN_ATTRIB, IN_ATTRIB);
	return e;
}
