/* sys/fhandle.c: file handles: name_to_handle_at gives a file's handle
 * (the filesystem's own bytes, stable for the inode's life: the RAM
 * filesystem's and ext2's; the others give AT_HANDLE_FID's, which do not
 * open, and else EOPNOTSUPP) and its mount's id,
 * and open_by_handle_at (with CAP_DAC_READ_SEARCH) opens the file a
 * handle names on the filesystem of a descriptor, as open would, or
 * says ESTALE when it is gone. The handles themselves: each filesystem's
 * fh_encode and fh_decode (fs/minifs/minifs.c, fs/ext2/inode.c). */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "fs/vfs.h"
#include "fs/mount.h"
#include <linux/capability.h>

#define MAX_HANDLE_SZ 128
#define FILEID_INVALID 0xff
#define AT_HANDLE_FID 0x200           /* a handle to tell files apart, maybe not to open */
#define AT_HANDLE_MNT_ID_UNIQUE 0x001 /* the mount's 64-bit id */
#define AT_HANDLE_CONNECTABLE 0x002   /* a handle that finds the file's path too */
#define FILEID_INO64_GEN 0x81         /* a FID where the filesystem has no handles */
/* the handle type's flag bits user space may pass: FILEID_IS_CONNECTABLE, _IS_DIR */
#define FILEID_USER_FLAGS 0xffff0000u
#define FILEID_VALID_USER_FLAGS 0x00030000u

struct file_handle {
	uint32_t handle_bytes;
	int handle_type;
	unsigned char f_handle[];
};

/* Where the filesystem has no handles, AT_HANDLE_FID's: the inode
 * number (64 bits) and a generation of 0, as Linux's. */
static int fid_encode(struct inode *ino, void *fh, size_t *len)
{
	if (*len < 12) {
		*len = 12;
		return -EOVERFLOW;
	}
	memset(fh, 0, 12);
	memcpy(fh, &ino->ino, 8);
	*len = 12;
	return FILEID_INO64_GEN;
}

/* Linux's order: the filesystem has handles of the kind asked for
 * (EOPNOTSUPP: none of ours is connectable, the pseudo filesystems have
 * FIDs only); the header (EFAULT, EINVAL past MAX_HANDLE_SZ); the handle
 * made, in whole 32-bit words (EOVERFLOW: the size needed and
 * FILEID_INVALID go back); the mount id, then the handle written
 * (EFAULT). */
static long to_handle(struct inode *ino, struct file_handle *uh, void *mnt_id, int flags)
{
	bool fs_has = ino->ops && ino->ops->fh_encode;
	if ((flags & AT_HANDLE_CONNECTABLE) || (!fs_has && !(flags & AT_HANDLE_FID)))
		return -EOPNOTSUPP;
	struct file_handle h;
	if (copy_from_user(&h, uh, sizeof(h)))
		return -EFAULT;
	if (h.handle_bytes > MAX_HANDLE_SZ)
		return -EINVAL;
	uint8_t fh[MAX_HANDLE_SZ];
	size_t len = h.handle_bytes & ~3u;
	int type = fs_has ? ino->ops->fh_encode(ino, fh, &len) : fid_encode(ino, fh, &len);
	long r = 0;
	size_t n = len;
	if (type < 0 || len > h.handle_bytes) {
		r = type < 0 ? type : -EOVERFLOW;
		type = FILEID_INVALID;
		n = 0;
	}
	h.handle_bytes = (uint32_t)len;
	h.handle_type = type;
	int id = mount_id_of(ino);
	uint64_t uniq = MOUNT_ID_UNIQUE_BASE + (uint64_t)id;
	if (flags & AT_HANDLE_MNT_ID_UNIQUE ? copy_to_user(mnt_id, &uniq, sizeof(uniq))
					    : copy_to_user(mnt_id, &id, sizeof(id)))
		return -EFAULT;
	if (copy_to_user(uh, &h, sizeof(h)) || copy_to_user(uh->f_handle, fh, n))
		return -EFAULT;
	return r;
}

long sys_name_to_handle_at(int dirfd, const char *path, struct file_handle *handle, void *mount_id,
			   int flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH | AT_HANDLE_FID | AT_HANDLE_MNT_ID_UNIQUE |
		      AT_HANDLE_CONNECTABLE))
		return -EINVAL;
	if ((flags & AT_HANDLE_FID) && (flags & AT_HANDLE_CONNECTABLE))
		return -EINVAL; /* one is not to be opened, the other is */
	unsigned lf = (flags & AT_SYMLINK_FOLLOW ? LOOKUP_FOLLOW : 0) |
		      (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
	struct inode *ino;
	long e = vfs_lookup_user(dirfd, path, lf, &ino);
	if (e)
		return e;
	e = to_handle(ino, handle, mount_id, flags);
	inode_put(ino);
	return e;
}

/* The inode handle names on the filesystem of at: Linux's order of
 * checks after the descriptor: EPERM, EFAULT, EINVAL, ESTALE. */
static long from_handle(struct inode *at, const struct file_handle *uh, struct inode **out)
{
	if (!capable(CAP_DAC_READ_SEARCH))
		return -EPERM;
	struct file_handle h;
	if (copy_from_user(&h, uh, sizeof(h)))
		return -EFAULT;
	if (h.handle_bytes > MAX_HANDLE_SZ || h.handle_bytes == 0)
		return -EINVAL;
	if (h.handle_type < 0 ||
	    ((unsigned)h.handle_type & FILEID_USER_FLAGS & ~FILEID_VALID_USER_FLAGS))
		return -EINVAL;
	uint8_t fh[MAX_HANDLE_SZ];
	if (copy_from_user(fh, uh->f_handle, h.handle_bytes))
		return -EFAULT;
	if (!at->ops || !at->ops->fh_decode)
		return -ESTALE;
	return at->ops->fh_decode(at, h.handle_type, fh, h.handle_bytes & ~3u, out);
}

long sys_open_by_handle_at(int mount_fd, const struct file_handle *handle, int flags)
{
	struct inode *at;
	if (mount_fd == AT_FDCWD) {
		at = inode_get(current->fs->cwd);
	} else {
		struct file *mf = fd_get(mount_fd);
		if (!mf)
			return -EBADF;
		at = inode_get(file_inode(mf)); /* held: the copies and the disk may sleep */
	}
	struct inode *ino;
	long e = from_handle(at, handle, &ino);
	inode_put(at);
	if (e)
		return e;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	struct file *f;
	e = vfs_open_inode(ino, flags & ~(O_CREAT | O_EXCL | __O_TMPFILE), false, &f);
	if (e)
		return e;
	return fd_alloc(f, 0, flags & O_CLOEXEC);
}
