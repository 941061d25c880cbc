/* blk.c: the virtio block device driver: read, write and flush requests
 * (header, data, status byte) on queue 0, each waited for by the calling
 * thread (completions are collected before sleeping, then on interrupt),
 * registered as vda, vdb, ... (kernel/blkdev.h). */
#include "kernel/kernel.h"
#include "kernel/blkdev.h"
#include "kernel/sched.h"
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtq.h"
#include <linux/virtio_blk.h>

#define MAX_REQ_BYTES (128u * 1024)   /* one request's data, at most */

struct vblk {
	struct blkdev bd;
	struct virtio_dev *vd;
	struct virtq q;
	struct waitq wq;          /* threads waiting for a completion or descriptors */
	uint32_t max_bytes;
};

struct req {
	struct virtio_blk_outhdr hdr;
	uint8_t status;
	volatile bool done;
};

static int ndisks;

/* Collects completed requests; wakes the waiters if there were any. */
static void reap(struct vblk *v)
{
	struct req *r;
	bool any = false;
	while ((r = virtq_get(&v->q, NULL))) {
		r->done = true;
		any = true;
	}
	if (any)
		waitq_wake_all(&v->wq);
}

static void intr(struct virtio_dev *d)
{
	reap(d->drv);
}

/* Sleeps until the next interrupt (a completion, most likely). With no
 * thread yet (boot) or a signal pending (waitq_wait would not sleep) the
 * CPU halts with interrupts on instead. */
static void wait_event(struct vblk *v)
{
	if (cur_thread && waitq_wait(&v->wq, 0) != WAKE_SIGNAL)
		return;
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

static int do_req(struct vblk *v, uint32_t type, uint64_t sector, void *buf, uint32_t bytes)
{
	struct req *r = kmalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->hdr.type = type;
	r->hdr.ioprio = 0;
	r->hdr.sector = sector;
	r->status = 0xFF;
	r->done = false;
	struct vq_buf b[3];
	int n = 0;
	b[n++] = (struct vq_buf){ &r->hdr, sizeof(r->hdr), false };
	if (bytes)
		b[n++] = (struct vq_buf){ buf, bytes, type == VIRTIO_BLK_T_IN };
	b[n++] = (struct vq_buf){ &r->status, 1, true };
	while (virtq_add(&v->q, b, n, r) == -ENOSPC) {
		reap(v);
		if (v->q.nfree < n)
			wait_event(v);
	}
	virtq_kick(&v->q);
	for (;;) {
		reap(v);
		if (r->done)
			break;
		wait_event(v);
	}
	int st = r->status;
	kfree(r);
	if (st != VIRTIO_BLK_S_OK) {
		kinfo("virtio-blk %s: request %u at sector %lu failed (status %d)\n",
		      v->bd.name, type, sector, st);
		return -EIO;
	}
	return 0;
}

static int rw(struct blkdev *d, uint32_t type, uint64_t sector, void *buf, size_t count)
{
	struct vblk *v = d->priv;
	if (sector > d->nsectors || count > d->nsectors - sector)
		return -EIO;
	while (count) {
		size_t k = MIN(count, v->max_bytes / BLK_SECTOR);
		int e = do_req(v, type, sector, buf, (uint32_t)(k * BLK_SECTOR));
		if (e)
			return e;
		sector += k;
		buf = (uint8_t *)buf + k * BLK_SECTOR;
		count -= k;
	}
	return 0;
}

static int blk_read(struct blkdev *d, uint64_t sector, void *buf, size_t count)
{
	return rw(d, VIRTIO_BLK_T_IN, sector, buf, count);
}

static int blk_write(struct blkdev *d, uint64_t sector, const void *buf, size_t count)
{
	if (d->readonly)
		return -EROFS;
	return rw(d, VIRTIO_BLK_T_OUT, sector, (void *)buf, count);
}

static int blk_flush(struct blkdev *d)
{
	struct vblk *v = d->priv;
	if (!virtio_has(v->vd, VIRTIO_BLK_F_FLUSH))
		return 0;     /* no volatile cache: writes are on storage when done */
	return do_req(v, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}

static const struct blkdev_ops ops = { .read = blk_read, .write = blk_write, .flush = blk_flush };

int virtio_blk_probe(struct virtio_dev *d)
{
	uint64_t want = (1ULL << VIRTIO_BLK_F_RO) | (1ULL << VIRTIO_BLK_F_FLUSH) |
			(1ULL << VIRTIO_BLK_F_SIZE_MAX) | (1ULL << VIRTIO_BLK_F_SEG_MAX) |
			(1ULL << VIRTIO_BLK_F_BLK_SIZE);
	if (virtio_negotiate(d, want))
		return -1;
	struct vblk *v = kzalloc(sizeof(*v));
	if (!v)
		return -1;
	v->vd = d;
	d->drv = v;
	v->max_bytes = MAX_REQ_BYTES;
	if (virtio_has(d, VIRTIO_BLK_F_SIZE_MAX)) {
		uint32_t m = virtio_cfg32(d, offsetof(struct virtio_blk_config, size_max));
		if (m >= BLK_SECTOR && m < v->max_bytes)
			v->max_bytes = m & ~(BLK_SECTOR - 1);
	}
	int e = virtq_setup(&v->q, d, 0, 128);
	if (e || v->q.size < 4) {
		virtio_fail(d, "cannot set up the request queue");
		return -1;
	}
	ksnprintf(v->bd.name, sizeof(v->bd.name), "vd%c", 'a' + ndisks);
	v->bd.nsectors = virtio_cfg64(d, offsetof(struct virtio_blk_config, capacity));
	v->bd.readonly = virtio_has(d, VIRTIO_BLK_F_RO);
	v->bd.ops = &ops;
	v->bd.priv = v;
	d->intr = intr;
	virtio_ready(d);
	if (ndisks >= 26 || blkdev_register(&v->bd)) {
		kinfo("virtio-blk: %s: too many disks; not used\n", d->where);
		return -1;
	}
	ndisks++;
	kinfo("virtio-blk %s: %s, %lu sectors%s%s\n", v->bd.name, d->where, v->bd.nsectors,
	      v->bd.readonly ? ", read-only" : "", virtio_has(d, VIRTIO_BLK_F_FLUSH) ? ", flush" : "");
	return 0;
}
