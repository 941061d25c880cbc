/* etc.c: the few files under /etc that C libraries read to answer
 * questions about users, groups, host names and name servers. Each is made
 * at boot only when the image (or the root disk, root=) has none: root's
 * entries, localhost, and QEMU's user-network DNS server (replaced by the
 * name servers the network configuration gives, net/stack.c, in the RAM
 * root's file). */
#include "fs/vfs.h"
#include "fs/minifs/minifs.h"

static const struct {
	const char *path;
	const char *text;
} etc_files[] = {
	{ "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n" },
	{ "/etc/group", "root:x:0:\n" },
	{ "/etc/hosts", "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n" },
	{ "/etc/resolv.conf", "nameserver 10.0.2.3\n" },
};

static struct inode *resolv; /* /etc/resolv.conf when we made it */

int etc_init(void)
{
	int e = vfs_mkdirat(AT_FDCWD, "/etc", 0755);
	if (e && e != -EEXIST)
		return e;
	for (size_t i = 0; i < ARRAY_SIZE(etc_files); i++) {
		struct inode *ino;
		e = vfs_lookupat(AT_FDCWD, etc_files[i].path, 0, &ino);
		if (e == 0) { /* the image's own */
			inode_put(ino);
			continue;
		}
		if (e != -ENOENT)
			return e;
		struct file *f;
		e = vfs_openat(AT_FDCWD, etc_files[i].path, O_CREAT | O_EXCL | O_WRONLY, 0644, &f);
		if (e == -ENOTDIR || e == -ENOENT)
			return 0; /* /etc is not a directory in this image */
		if (e)
			return e;
		size_t len = strlen(etc_files[i].text);
		if (minifs_is(f->ino))
			minifs_set_data(f->ino, etc_files[i].text, len);
		else if (file_write(f, etc_files[i].text, len, NULL, 0) != (ssize_t)len)
			e = -EIO; /* on a root disk (root=) */
		if (minifs_is(f->ino) && !strcmp(etc_files[i].path, "/etc/resolv.conf"))
			resolv = inode_get(f->ino);
		file_put(f);
		if (e)
			return e;
	}
	return 0;
}

void etc_set_resolv(const char *text)
{
	/* only our own file, still unchanged in size by the program */
	if (resolv && resolv->nlink)
		minifs_set_data(resolv, text, strlen(text));
}
