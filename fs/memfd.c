/* memfd.c: memfd files: anonymous regular files in RAM (the call,
 * memfd_create, is kernel/sys/fdfiles.c's). Each is a minifs file made in a
 * directory outside the tree and unlinked at once, so it lives as long as
 * a descriptor (or mapping) holds it and /proc/self/fd shows it as
 * "/memfd:NAME (deleted)", as on Linux. */
#include "fs/vfs.h"
#include "fs/fdfiles.h"
#include "fs/minifs/minifs.h"

static struct inode *holder; /* the directory memfds are made in, not in the tree */

int memfd_new(const char *name, size_t len, unsigned mode, struct file **out)
{
	if (!holder) {
		holder = minifs_new_root();
		if (!holder)
			return -ENOMEM;
	}
	struct inode *ino;
	int e = holder->ops->create(holder, name, len, S_IFREG | mode, NULL, &ino);
	if (e)
		return e;
	holder->ops->unlink(holder, name, len, ino); /* nlink 0: freed with the last reference */
	struct file *f = file_open_inode(ino, O_RDWR | O_LARGEFILE);
	inode_put(ino);
	if (!f)
		return file_open_err();
	*out = f;
	return 0;
}
