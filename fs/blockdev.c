/* blockdev.c: the disks as files: /dev/vda, /dev/vdb, ... (block devices,
 * major 254) for programs that read and write them directly: read, write,
 * pread/pwrite at any byte offset (whole sectors go straight through a
 * bounce buffer, partial ones are read, patched and written back), lseek
 * (SEEK_END is the capacity), fsync (the device's flush) and the ioctls
 * BLKGETSIZE64, BLKGETSIZE, BLKSSZGET and BLKROGET. */
#include "fs/vfs.h"
#include "fs/minifs/minifs.h"
#include "kernel/blkdev.h"
#include <linux/fs.h>

#define BOUNCE (64u * 1024)
#define BLK_MAJOR 254

static struct blkdev *dev_of(struct file *f) { return f->ino->priv; }

static uint64_t capacity(struct blkdev *d) { return d->nsectors * BLK_SECTOR; }

static ssize_t bd_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct blkdev *d = dev_of(f);
	uint64_t cap = capacity(d);
	if (off >= cap)
		return 0;
	n = MIN(n, cap - off);
	uint8_t *bounce = kmalloc(BOUNCE);
	if (!bounce)
		return -ENOMEM;
	size_t done = 0;
	ssize_t ret = 0;
	while (done < n) {
		uint64_t pos = off + done;
		size_t skip = pos % BLK_SECTOR;
		size_t k = MIN(n - done, BOUNCE - skip);
		size_t secs = (skip + k + BLK_SECTOR - 1) / BLK_SECTOR;
		if (d->ops->read(d, pos / BLK_SECTOR, bounce, secs)) {
			ret = -EIO;
			break;
		}
		if (xcopy_out((uint8_t *)buf + done, bounce + skip, k, user)) {
			ret = -EFAULT;
			break;
		}
		done += k;
	}
	kfree(bounce);
	return done ? (ssize_t)done : ret;
}

static ssize_t bd_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	struct blkdev *d = dev_of(f);
	uint64_t cap = capacity(d);
	if (d->readonly)
		return -EPERM; /* as Linux's block device files say */
	if (off >= cap)
		return -ENOSPC;
	n = MIN(n, cap - off);
	uint8_t *bounce = kmalloc(BOUNCE);
	if (!bounce)
		return -ENOMEM;
	size_t done = 0;
	ssize_t ret = 0;
	while (done < n) {
		uint64_t pos = off + done;
		size_t skip = pos % BLK_SECTOR;
		size_t k = MIN(n - done, BOUNCE - skip);
		size_t secs = (skip + k + BLK_SECTOR - 1) / BLK_SECTOR;
		uint64_t sector = pos / BLK_SECTOR;
		/* A partial first or last sector: keep the bytes around ours. */
		if (skip && d->ops->read(d, sector, bounce, 1)) {
			ret = -EIO;
			break;
		}
		if ((skip + k) % BLK_SECTOR && (secs > 1 || !skip) &&
		    d->ops->read(d, sector + secs - 1, bounce + (secs - 1) * BLK_SECTOR, 1)) {
			ret = -EIO;
			break;
		}
		if (xcopy_in(bounce + skip, (const uint8_t *)buf + done, k, user)) {
			ret = -EFAULT;
			break;
		}
		if (d->ops->write(d, sector, bounce, secs)) {
			ret = -EIO;
			break;
		}
		done += k;
	}
	kfree(bounce);
	return done ? (ssize_t)done : ret;
}

static long bd_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	struct blkdev *d = dev_of(f);
	void *p = (void *)arg;
	switch (req) {
	case BLKGETSIZE64: {
		uint64_t v = capacity(d);
		return copy_to_user(p, &v, sizeof(v));
	}
	case BLKGETSIZE: {
		unsigned long v = d->nsectors;
		return copy_to_user(p, &v, sizeof(v));
	}
	case BLKSSZGET: {
		int v = BLK_SECTOR;
		return copy_to_user(p, &v, sizeof(v));
	}
	case BLKROGET: {
		int v = d->readonly;
		return copy_to_user(p, &v, sizeof(v));
	}
	default: return -ENOTTY;
	}
}

static int bd_fsync(struct file *f, bool datasync)
{
	struct blkdev *d = dev_of(f);
	return d->ops->flush(d) ? -EIO : 0;
}

static const struct file_ops blockdev_fops = {
	.read = bd_read,
	.write = bd_write,
	.ioctl = bd_ioctl,
	.fsync = bd_fsync,
};

int blockdev_nodes_init(void)
{
	struct inode *dir, *ino;
	int e = vfs_lookupat(AT_FDCWD, "/dev", LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dir);
	if (e)
		return e;
	struct blkdev *d;
	for (int i = 0; (d = blkdev_get(i)); i++) {
		e = minifs_mknod(dir, d->name, S_IFBLK | 0660,
				 ((uint64_t)BLK_MAJOR << 8) | (16 * i), &blockdev_fops, d, &ino);
		if (e == -EEXIST)
			continue;
		if (e)
			break;
		ino->size = capacity(d);
	}
	inode_put(dir);
	return e;
}
