/* blkdev.h: block devices as a disk filesystem sees them: numbered 512-byte
 * sectors, read and written synchronously (the calling thread blocks until
 * the device is done; other threads run meanwhile). Drivers (virtio-blk)
 * register them; the registry is kernel/blkdev.c. */
#ifndef HTUX_BLKDEV_H
#define HTUX_BLKDEV_H

#include "kernel/kernel.h"

#define BLK_SECTOR 512

struct blkdev;

/* One piece of a vectored transfer: a kernel address (physically
 * contiguous: the direct map or kmalloc'd) and a length in bytes, whole
 * sectors (not 0). */
struct blk_seg {
	void *addr;
	uint32_t len;
};

struct blkdev_ops {
	/* count sectors from sector to or from buf (a kernel address: the
	 * direct map or kmalloc'd, any alignment); 0 or -EIO. */
	int (*read)(struct blkdev *d, uint64_t sector, void *buf, size_t count);
	int (*write)(struct blkdev *d, uint64_t sector, const void *buf, size_t count);
	/* The sectors from sector on, to or from nseg segments in order (a
	 * block cache's scattered pages in one go); 0, -EIO, -EROFS or
	 * -ENOMEM. */
	int (*rwv)(struct blkdev *d, bool write, uint64_t sector, const struct blk_seg *seg,
		   unsigned nseg);
	/* Everything written so far is on the host's storage; 0 or -EIO. */
	int (*flush)(struct blkdev *d);
};

struct blkdev {
	char name[8]; /* "vda", "vdb", ... in discovery order */
	uint64_t nsectors;
	bool readonly;
	const struct blkdev_ops *ops;
	void *priv; /* the driver's */
};

int blkdev_register(struct blkdev *d);
/* The index-th device registered (0 first), or NULL. */
struct blkdev *blkdev_get(int index);

#endif
