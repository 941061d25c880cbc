/* kmalloc.c: the kernel heap. Small blocks come from power-of-two size
 * classes carved out of pages; large ones are runs of contiguous pages,
 * kept for reuse by run length when freed (the page allocator finds a
 * run among single freed pages only by searching its bitmap, once its
 * never-used ranges are gone). Every block has a 16-byte header
 * recording its size. */
#include "kernel/kernel.h"
#include "kernel/pmem.h"

#define HDR 16
#define NCLASS 8 /* 32 .. 4096 bytes including the header */
#define CLASS_SIZE(c) (32UL << (c))

struct hdr {
	uint64_t size;  /* usable bytes */
	uint64_t pages; /* 0 for a small block, else pages of a large one */
};

struct freeblk {
	struct freeblk *next;
};
static struct freeblk *freelist[NCLASS];
#define RUN_CACHE_MAX 64 /* runs of up to this many pages are kept */
static struct freeblk *runs[RUN_CACHE_MAX + 1];

static int class_of(size_t total)
{
	for (int c = 0; c < NCLASS; c++)
		if (total <= CLASS_SIZE(c))
			return c;
	return -1;
}

static bool refill(int c)
{
	uint64_t pa = pmem_alloc();
	if (!pa)
		return false;
	char *page = phys_to_virt(pa);
	for (size_t off = 0; off + CLASS_SIZE(c) <= PAGE_SIZE; off += CLASS_SIZE(c)) {
		struct freeblk *b = (struct freeblk *)(page + off);
		b->next = freelist[c];
		freelist[c] = b;
	}
	return true;
}

void *kmalloc(size_t size)
{
	size_t total = size + HDR;
	int c = class_of(total);
	struct hdr *h;

	if (c >= 0) {
		if (!freelist[c] && !refill(c))
			return NULL;
		h = (struct hdr *)freelist[c];
		freelist[c] = freelist[c]->next;
		h->size = CLASS_SIZE(c) - HDR;
		h->pages = 0;
	} else {
		size_t pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
		if (pages <= RUN_CACHE_MAX && runs[pages]) {
			h = (struct hdr *)runs[pages];
			runs[pages] = runs[pages]->next;
		} else {
			uint64_t pa = pmem_alloc_contig(pages);
			if (!pa)
				return NULL;
			h = phys_to_virt(pa);
		}
		h->size = pages * PAGE_SIZE - HDR;
		h->pages = pages;
	}
	return (char *)h + HDR;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	if (!p)
		return;
	struct hdr *h = (struct hdr *)((char *)p - HDR);
	if (h->pages && h->pages <= RUN_CACHE_MAX) {
		struct freeblk *b = (struct freeblk *)h;
		b->next = runs[h->pages];
		runs[h->pages] = b;
		return;
	}
	if (h->pages) {
		uint64_t pa = virt_to_phys(h);
		for (uint64_t i = 0; i < h->pages; i++)
			pmem_free(pa + i * PAGE_SIZE);
		return;
	}
	int c = class_of(h->size + HDR);
	struct freeblk *b = (struct freeblk *)h;
	b->next = freelist[c];
	freelist[c] = b;
}

void *krealloc(void *p, size_t size)
{
	if (!p)
		return kmalloc(size);
	struct hdr *h = (struct hdr *)((char *)p - HDR);
	if (size <= h->size)
		return p;
	void *n = kmalloc(size);
	if (!n)
		return NULL;
	memcpy(n, p, h->size);
	kfree(p);
	return n;
}
