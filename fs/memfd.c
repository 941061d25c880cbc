/* memfd.c: memfd_create: an anonymous regular file in RAM. It is a minifs
 * file made in a directory outside the tree and unlinked at once, so it
 * lives as long as a descriptor (or mapping) holds it and /proc/self/fd
 * shows it as "/memfd:NAME (deleted)", as on Linux. */
#include "fs/vfs.h"
#include "fs/minifs/minifs.h"
#include "kernel/syscall.h"
#include <linux/memfd.h>

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define MFD_PREFIX "memfd:"
#define MFD_NAME_MAX (NAME_MAX - (sizeof(MFD_PREFIX) - 1))   /* 249 */

static struct inode *holder;  /* the directory memfds are made in, not in the tree */

long sys_memfd_create(const char *uname, unsigned flags)
{
	char name[NAME_MAX + 1] = MFD_PREFIX;
	const size_t plen = sizeof(MFD_PREFIX) - 1;

	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC | MFD_HUGETLB |
		      (MFD_HUGE_MASK << MFD_HUGE_SHIFT)))
		return -EINVAL;
	if (!(flags & MFD_HUGETLB) && (flags & (MFD_HUGE_MASK << MFD_HUGE_SHIFT)))
		return -EINVAL;
	if ((flags & MFD_NOEXEC_SEAL) && (flags & MFD_EXEC))
		return -EINVAL;
	if (flags & MFD_HUGETLB)
		return -EINVAL;       /* no huge pages here */
	long len = strncpy_from_user(name + plen, uname, MFD_NAME_MAX + 1);
	if (len == -ENAMETOOLONG)
		return -EINVAL;
	if (len < 0)
		return len;
	if (!holder) {
		holder = minifs_new_root();
		if (!holder)
			return -ENOMEM;
	}
	unsigned mode = S_IFREG | ((flags & MFD_NOEXEC_SEAL) ? 0666 : 0777);
	struct inode *ino;
	int e = holder->ops->create(holder, name, plen + (size_t)len, mode, NULL, &ino);
	if (e)
		return e;
	holder->ops->unlink(holder, name, plen + (size_t)len, ino);   /* nlink 0: freed with the last reference */
	struct file *f = file_open_inode(ino, O_RDWR | O_LARGEFILE);
	inode_put(ino);
	if (!f)
		return -ENOMEM;
	return fd_alloc(f, 0, flags & MFD_CLOEXEC);
}
