/* sys/statfs.c: the system calls on filesystem figures: statfs and
 * fstatfs (the RAM filesystem answers as tmpfs, the pseudo files as
 * procfs, disks with their own figures: fs/mount.c), ustat (the same
 * figures found by device number), and sysfs (the
 * filesystem types /proc/filesystems lists: fs/pseudo.c). */
#include "kernel/syscall.h"
#include "fs/vfs.h"
#include "fs/pseudo.h"
#include "fs/procfs.h"
#include "fs/minifs/minifs.h"
#include "fs/mount.h"
#include "kernel/pmem.h"
#include <asm/statfs.h>

/* ---- filesystem figures: minifs is a tmpfs, the pseudo files procfs, disks
 * give their own (fs/mount.c) */

#define TMPFS_MAGIC 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define ST_VALID 0x0020
#define ST_RELATIME 0x1000

/* The figures of ino's filesystem, or with ino NULL those of the RAM
 * filesystem (minifs) when ram, else of /proc. */
static void fill_statfs(struct inode *ino, bool ram, struct statfs *sp)
{
	struct statfs s;
	memset(&s, 0, sizeof(s));
	uint64_t total = pmem_total_pages(), free = pmem_free_pages();
	s.f_bsize = PAGE_SIZE;
	s.f_frsize = PAGE_SIZE;
	s.f_namelen = NAME_MAX;
	s.f_flags = ST_VALID | ST_RELATIME;
	if (ino && mounts_statfs(ino, &s)) {
		/* a disk's own figures */
	} else if (ino ? minifs_is(ino) : ram) {
		/* tmpfs's: its size limit, less the files' pages */
		uint64_t lim = minifs_limit_pages(), used = minifs_used_pages();
		s.f_type = TMPFS_MAGIC;
		s.f_blocks = lim;
		s.f_bfree = s.f_bavail = MIN(lim > used ? lim - used : 0, free);
		s.f_files = total / 2; /* tmpfs's default inode limit */
		s.f_ffree = (uint64_t)s.f_files > minifs_inodes()
				    ? s.f_files - (long)minifs_inodes()
				    : 0;
	} else {
		s.f_type = PROC_SUPER_MAGIC;
	}
	*sp = s;
}

static long put_statfs(struct inode *ino, struct statfs *ust)
{
	struct statfs s;
	fill_statfs(ino, false, &s);
	return copy_to_user(ust, &s, sizeof(s));
}

long sys_statfs(const char *path, struct statfs *st)
{
	struct inode *ino;
	long e = vfs_lookup_user(AT_FDCWD, path, LOOKUP_FOLLOW, &ino);
	if (e)
		return e;
	e = put_statfs(ino, st);
	inode_put(ino);
	return e;
}

long sys_fstatfs(int fd, struct statfs *st)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return put_statfs(f->ino, st);
}

/* ustat: free blocks and inodes of the mounted filesystem with device
 * number dev (as stat's st_dev): the RAM filesystem, /proc or a disk. */
struct ustat_k {
	int f_tfree;
	unsigned long f_tinode;
	char f_fname[6], f_fpack[6];
};

long sys_ustat(unsigned dev, void *ubuf)
{
	struct ustat_k u;
	struct statfs s;
	struct inode *root = mount_root_of(dev);

	if (!root && dev != MINIFS_DEV && dev != PROC_DEV)
		return -EINVAL;
	fill_statfs(root, dev == MINIFS_DEV, &s);
	memset(&u, 0, sizeof(u));
	u.f_tfree = (int)s.f_bfree;
	u.f_tinode = (unsigned long)s.f_ffree;
	return copy_to_user(ubuf, &u, sizeof(u)) ? -EFAULT : 0;
}

/* sysfs: the filesystem types by index: 1 a name's index, 2 an index's
 * name, 3 how many. */
long sys_sysfs(int option, unsigned long arg1, unsigned long arg2)
{
	char name[256];
	const char *t;
	unsigned i;

	switch (option) {
	case 1: {
		long n = strncpy_from_user(name, (const char *)arg1, sizeof(name));
		if (n < 0)
			return n;
		if (n == 0)
			return -ENOENT; /* an empty name, as getname says */
		if (n == sizeof(name))
			return -EINVAL; /* longer than any type's */
		for (i = 0; (t = fs_type_name(i)); i++)
			if (!strcmp(t, name))
				return i;
		return -EINVAL;
	}
	case 2:
		t = arg1 <= UINT32_MAX ? fs_type_name((unsigned)arg1) : NULL;
		if (!t)
			return -EINVAL;
		return copy_to_user((char *)arg2, t, strlen(t) + 1) ? -EFAULT : 0;
	case 3:
		for (i = 0; fs_type_name(i); i++)
			;
		return i;
	default: return -EINVAL;
	}
}
