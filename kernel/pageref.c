/* pageref.c: user pages shared by several address spaces after fork
 * (copy-on-write, MAP_SHARED): a count of extra references per physical
 * page, made the first time a page is shared. A page nobody shares has
 * count 0 and is freed by its one owner as before. */
#include "kernel/kernel.h"
#include "kernel/pmem.h"

static uint16_t *extra; /* indexed by page frame number; NULL until the first fork */
static uint64_t nframes;

int page_share(uint64_t pa)
{
	if (!extra) {
		nframes = pmem_max_phys() / PAGE_SIZE;
		size_t bytes = nframes * sizeof(uint16_t);
		uint64_t arr = pmem_alloc_contig((bytes + PAGE_SIZE - 1) / PAGE_SIZE);
		if (!arr)
			return -ENOMEM;
		extra = phys_to_virt(arr);
		memset(extra, 0, bytes);
	}
	uint64_t f = pa / PAGE_SIZE;
	if (f >= nframes || extra[f] == UINT16_MAX)
		return -ENOMEM; /* the caller copies the page instead */
	extra[f]++;
	return 0;
}

bool page_shared(uint64_t pa)
{
	uint64_t f = pa / PAGE_SIZE;
	return extra && f < nframes && extra[f];
}

void page_put(uint64_t pa)
{
	uint64_t f = pa / PAGE_SIZE;
	if (extra && f < nframes && extra[f])
		extra[f]--;
	else
		pmem_free(pa);
}
