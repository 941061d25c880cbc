/* virtq.c: split virtqueues (virtio 1.x, section 2.7): rings in zeroed
 * pages, descriptors chained from a free list, the available ring written
 * by us and the used ring read back. The kernel runs with interrupts off
 * and the device is another agent on x86's ordered memory, so compiler
 * barriers order the ring updates; a full fence sits between publishing
 * and reading the device's no-notify flag. */
#include "kernel/kernel.h"
#include "kernel/pmem.h"
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtq.h"

#define QMAX 256 /* every part of the rings fits in one page */

static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }
static inline void fence(void) { __asm__ volatile("mfence" ::: "memory"); }

static void *page(uint64_t *pa)
{
	*pa = pmem_alloc_zeroed();
	return *pa ? phys_to_virt(*pa) : NULL;
}

int virtq_setup(struct virtq *q, struct virtio_dev *d, unsigned idx, unsigned max)
{
	unsigned n = d->t->queue_max(d, idx);
	if (n == 0)
		return -ENOENT;
	if (max > QMAX)
		max = QMAX;
	unsigned size = 1;
	while (size * 2 <= n && size * 2 <= max)
		size *= 2;
	memset(q, 0, sizeof(*q));
	q->dev = d;
	q->idx = idx;
	q->size = size;
	q->desc = page(&q->desc_pa);
	q->avail = page(&q->avail_pa);
	q->used = page(&q->used_pa);
	q->cookie = kzalloc(size * sizeof(void *));
	if (!q->desc || !q->avail || !q->used || !q->cookie)
		return -ENOMEM;
	for (unsigned i = 0; i < size; i++)
		q->desc[i].next = (uint16_t)(i + 1);
	q->free_head = 0;
	q->nfree = (uint16_t)size;
	if (d->t->queue_enable(d, q))
		return -EIO;
	return 0;
}

int virtq_add(struct virtq *q, const struct vq_buf *b, int n, void *cookie)
{
	if (n <= 0 || n > q->nfree)
		return -ENOSPC;
	uint16_t head = q->free_head, i = head, last = head;
	for (int k = 0; k < n; k++) {
		struct vring_desc *dsc = &q->desc[i];
		dsc->addr = virt_to_phys(b[k].addr);
		dsc->len = b[k].len;
		dsc->flags = (b[k].write ? VRING_DESC_F_WRITE : 0) |
			     (k + 1 < n ? VRING_DESC_F_NEXT : 0);
		last = i;
		i = dsc->next;
	}
	q->free_head = q->desc[last].next;
	q->nfree -= (uint16_t)n;
	q->cookie[head] = cookie;
	q->avail->ring[q->avail_idx % q->size] = head;
	q->avail_idx++;
	q->added++;
	return 0;
}

void virtq_kick(struct virtq *q)
{
	if (!q->added)
		return;
	barrier();
	q->avail->idx = q->avail_idx; /* the device may take them from here */
	q->added = 0;
	fence();
	if (!(q->used->flags & VRING_USED_F_NO_NOTIFY))
		q->dev->t->notify(q->dev, q);
}

bool virtq_has_used(struct virtq *q)
{
	barrier();
	return *(volatile uint16_t *)&q->used->idx != q->last_used;
}

void *virtq_get(struct virtq *q, uint32_t *len)
{
	if (!virtq_has_used(q))
		return NULL;
	barrier();
	struct vring_used_elem *e = &q->used->ring[q->last_used % q->size];
	uint16_t head = (uint16_t)e->id;
	if (len)
		*len = e->len;
	q->last_used++;
	if (head >= q->size)
		panic("virtio %s: used ring names descriptor %u of %u", q->dev->where, head,
		      q->size);
	void *cookie = q->cookie[head];
	q->cookie[head] = NULL;
	uint16_t i = head, n = 1;
	while (q->desc[i].flags & VRING_DESC_F_NEXT) {
		i = q->desc[i].next;
		n++;
	}
	q->desc[i].next = q->free_head;
	q->free_head = head;
	q->nfree += n;
	return cookie;
}

void virtq_intr_off(struct virtq *q) { q->avail->flags |= VRING_AVAIL_F_NO_INTERRUPT; }

void virtq_intr_on(struct virtq *q)
{
	q->avail->flags &= (uint16_t)~VRING_AVAIL_F_NO_INTERRUPT;
	fence();
}
