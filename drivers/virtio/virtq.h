/* virtq.h: split virtqueues: descriptor table, available and used rings in
 * pages of their own, a free list of descriptors, and notification
 * suppression through the ring flags. */
#ifndef HTUX_VIRTQ_H
#define HTUX_VIRTQ_H

#include "kernel/kernel.h"
#include <linux/virtio_ring.h>

struct virtio_dev;

struct virtq {
	struct virtio_dev *dev;
	unsigned idx;  /* queue number on the device */
	unsigned size; /* descriptors, a power of two */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_pa, avail_pa, used_pa;
	uint16_t free_head, nfree;
	uint16_t avail_idx; /* our copy of avail->idx */
	uint16_t last_used; /* next used entry to look at */
	uint16_t added;     /* buffers added since the last kick */
	void **cookie;      /* per head descriptor: the caller's token */
	void *tp;           /* the transport's (notify address) */
};

/* One buffer of a request: kernel memory (direct map, kernel image or
 * kmalloc'd, so physically contiguous); write: the device writes it. */
struct vq_buf {
	const void *addr;
	uint32_t len;
	bool write;
};

/* Allocates queue idx of d with at most max descriptors (bounded by the
 * device's maximum) and enables it on the device; 0, -ENOENT (no such
 * queue), -ENOMEM or -EIO. */
int virtq_setup(struct virtq *q, struct virtio_dev *d, unsigned idx, unsigned max);
/* Adds one request (the device-readable buffers first); cookie comes back
 * from virtq_get. -ENOSPC when fewer than n descriptors are free. Not seen
 * by the device before virtq_kick. */
int virtq_add(struct virtq *q, const struct vq_buf *b, int n, void *cookie);
/* Publishes what was added and notifies the device unless it said not to. */
void virtq_kick(struct virtq *q);
/* The next completed request's cookie (and bytes written in *len), its
 * descriptors freed; NULL when none. */
void *virtq_get(struct virtq *q, uint32_t *len);
bool virtq_has_used(struct virtq *q);
/* Asks the device for no interrupts / interrupts on completions. */
void virtq_intr_off(struct virtq *q);
void virtq_intr_on(struct virtq *q);

#endif
