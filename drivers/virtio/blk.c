/* blk.c: the virtio block device driver: read, write and flush requests
 * (header, data in one descriptor per physically contiguous piece, status
 * byte) on queue 0. A transfer is cut into requests within the device's
 * seg_max and size_max, all submitted before the calling thread waits for
 * them (completions are collected before sleeping, then on interrupt).
 * Registered as vda, vdb, ... (kernel/blkdev.h). */
#include "kernel/kernel.h"
#include "kernel/bkl.h"
#include "kernel/blkdev.h"
#include "kernel/sched.h"
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtq.h"
#include <linux/virtio_blk.h>

#define MAX_REQ_BYTES (1u << 20) /* one request's data, at most */
#define QUEUE_MAX 256            /* descriptors */

struct vblk {
	struct blkdev bd;
	struct virtio_dev *vd;
	struct virtq q;
	struct waitq wq;    /* threads waiting for a completion or descriptors */
	uint32_t seg_bytes; /* one descriptor's data, at most (size_max) */
	uint32_t seg_max;   /* data descriptors in one request (seg_max) */
	struct vq_buf *vb;  /* a request's descriptors while being added */
};

struct req {
	struct virtio_blk_outhdr hdr;
	uint8_t status;
	volatile bool done;
	struct req *next; /* the transfer's other requests */
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

static void intr(struct virtio_dev *d) { reap(d->drv); }

/* Sleeps until the next interrupt (a completion, most likely). With no
 * thread yet (boot) or a signal pending (waitq_wait would not sleep) the
 * CPU halts with interrupts on instead. */
static void wait_event(struct vblk *v)
{
	if (cur_thread && waitq_wait(&v->wq, 0) != WAKE_SIGNAL)
		return;
	cpu_wait_interrupt();
}

/* Where a transfer stands: segment i, offset off in it. */
struct pos {
	unsigned i;
	uint32_t off;
};

/* Fills v->vb[1..] with the data descriptors of the next request from *p
 * (advanced past them): neighbouring pieces in memory merge, within
 * seg_bytes each, seg_max descriptors and MAX_REQ_BYTES. Returns the
 * descriptors used; *bytes the data. */
static int build(struct vblk *v, const struct blk_seg *seg, unsigned nseg, struct pos *p, bool in,
		 uint32_t *bytes)
{
	int nd = 0;
	uint32_t total = 0;
	while (p->i < nseg && total < MAX_REQ_BYTES) {
		const uint8_t *a = (const uint8_t *)seg[p->i].addr + p->off;
		uint32_t rem = seg[p->i].len - p->off;
		struct vq_buf *prev = nd ? &v->vb[nd] : NULL;
		uint32_t take;
		if (prev && virt_to_phys(prev->addr) + prev->len == virt_to_phys(a) &&
		    prev->len < v->seg_bytes) {
			take = MIN(rem, MIN(v->seg_bytes - prev->len, MAX_REQ_BYTES - total));
			prev->len += take;
		} else {
			if ((uint32_t)nd == v->seg_max)
				break;
			take = MIN(rem, MIN(v->seg_bytes, MAX_REQ_BYTES - total));
			v->vb[++nd] = (struct vq_buf){ a, take, in };
		}
		total += take;
		p->off += take;
		if (p->off == seg[p->i].len) {
			p->i++;
			p->off = 0;
		}
	}
	*bytes = total;
	return nd;
}

/* Transfers the segments from sector on: every request submitted as soon
 * as there are descriptors for it, then all waited for. */
static int transfer(struct vblk *v, uint32_t type, uint64_t sector, const struct blk_seg *seg,
		    unsigned nseg)
{
	struct req *list = NULL, **tail = &list;
	struct pos p = { 0, 0 };
	int err = 0;
	bool in = type == VIRTIO_BLK_T_IN;
	while (!err && (p.i < nseg || (type == VIRTIO_BLK_T_FLUSH && !list))) {
		struct req *r = kmalloc(sizeof(*r));
		if (!r) {
			err = -ENOMEM;
			break;
		}
		r->hdr.type = type;
		r->hdr.ioprio = 0;
		r->hdr.sector = sector;
		r->status = 0xFF;
		r->done = false;
		r->next = NULL;
		/* built again after a sleep: another thread may have used v->vb */
		struct pos q;
		uint32_t bytes;
		int nd;
		for (;;) {
			q = p;
			nd = build(v, seg, nseg, &q, in, &bytes);
			if (v->q.nfree >= nd + 2)
				break;
			reap(v);
			if (v->q.nfree < nd + 2)
				wait_event(v);
		}
		v->vb[0] = (struct vq_buf){ &r->hdr, sizeof(r->hdr), false };
		v->vb[nd + 1] = (struct vq_buf){ &r->status, 1, true };
		if (virtq_add(&v->q, v->vb, nd + 2, r))
			panic("virtio-blk %s: no descriptors after waiting for them", v->bd.name);
		virtq_kick(&v->q);
		*tail = r;
		tail = &r->next;
		p = q;
		sector += bytes / BLK_SECTOR;
	}
	while (list) {
		struct req *r = list;
		for (;;) {
			reap(v);
			if (r->done)
				break;
			wait_event(v);
		}
		if (r->status != VIRTIO_BLK_S_OK) {
			kinfo("virtio-blk %s: request %u at sector %lu failed (status %d)\n",
			      v->bd.name, type, (unsigned long)r->hdr.sector, r->status);
			err = -EIO;
		}
		list = r->next;
		kfree(r);
	}
	return err;
}

static int blk_rwv(struct blkdev *d, bool write, uint64_t sector, const struct blk_seg *seg,
		   unsigned nseg)
{
	struct vblk *v = d->priv;
	if (write && d->readonly)
		return -EROFS;
	uint64_t count = 0;
	for (unsigned i = 0; i < nseg; i++) {
		if (seg[i].len == 0 || seg[i].len % BLK_SECTOR)
			return -EIO; /* whole sectors; no empty descriptors */
		count += seg[i].len / BLK_SECTOR;
	}
	if (sector > d->nsectors || count > d->nsectors - sector)
		return -EIO;
	if (!count)
		return 0;
	return transfer(v, write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, sector, seg, nseg);
}

static int rw(struct blkdev *d, bool write, uint64_t sector, void *buf, size_t count)
{
	while (count) {
		size_t k = MIN(count, (1u << 30) / BLK_SECTOR);
		struct blk_seg s = { buf, (uint32_t)(k * BLK_SECTOR) };
		int e = blk_rwv(d, write, sector, &s, 1);
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
	return rw(d, false, sector, buf, count);
}

static int blk_write(struct blkdev *d, uint64_t sector, const void *buf, size_t count)
{
	if (d->readonly)
		return -EROFS;
	return rw(d, true, sector, (void *)buf, count);
}

static int blk_flush(struct blkdev *d)
{
	struct vblk *v = d->priv;
	if (!virtio_has(v->vd, VIRTIO_BLK_F_FLUSH))
		return 0; /* no volatile cache: writes are on storage when done */
	return transfer(v, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}

static const struct blkdev_ops ops = {
	.read = blk_read, .write = blk_write, .flush = blk_flush, .rwv = blk_rwv
};

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
	v->seg_bytes = MAX_REQ_BYTES;
	if (virtio_has(d, VIRTIO_BLK_F_SIZE_MAX)) {
		uint32_t m = virtio_cfg32(d, offsetof(struct virtio_blk_config, size_max));
		if (m >= BLK_SECTOR && m < v->seg_bytes)
			v->seg_bytes = m & ~(BLK_SECTOR - 1);
	}
	int e = virtq_setup(&v->q, d, 0, QUEUE_MAX);
	v->vb = kmalloc((v->q.size ? v->q.size : 1) * sizeof(*v->vb));
	if (e || v->q.size < 4 || !v->vb) {
		virtio_fail(d, "cannot set up the request queue");
		return -1;
	}
	/* without seg_max, one descriptor of data per request (as Linux) */
	v->seg_max = 1;
	if (virtio_has(d, VIRTIO_BLK_F_SEG_MAX)) {
		uint32_t m = virtio_cfg32(d, offsetof(struct virtio_blk_config, seg_max));
		v->seg_max = MAX(1u, MIN(m, v->q.size - 2));
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
	kinfo("virtio-blk %s: %s, %lu sectors%s%s, %u segments of %u KiB per request\n", v->bd.name,
	      d->where, v->bd.nsectors, v->bd.readonly ? ", read-only" : "",
	      virtio_has(d, VIRTIO_BLK_F_FLUSH) ? ", flush" : "", v->seg_max, v->seg_bytes / 1024);
	return 0;
}
