/* pmem.c: physical pages. Free RAM is a list of ranges (the loader's map
 * less the first MiB, the kernel image and the initrd) handed out from
 * the bottom of each range, plus a stack of freed pages linked through the
 * direct map. Start-up costs nothing per page. */
#include "kernel/kernel.h"
#include "kernel/pmem.h"
#include "kernel/bootinfo.h"

#define MAX_RANGES 64

static struct mem_range ranges[MAX_RANGES];
static int nranges;
static uint64_t freed;          /* physical address of the first freed page, 0 if none */
static uint64_t nfree, ntotal, max_phys;

extern char _image_start[], _end[];

static void cut(uint64_t start, uint64_t end)
{
	for (int i = 0; i < nranges; i++) {
		struct mem_range *r = &ranges[i];
		if (end <= r->start || start >= r->end)
			continue;
		if (start > r->start && end < r->end && nranges < MAX_RANGES) {
			ranges[nranges++] = (struct mem_range){ end, r->end };
			r->end = start;
		} else if (start <= r->start) {
			r->start = MIN(end, r->end);
		} else {
			r->end = start;
		}
	}
}

void pmem_init(const struct bootinfo *bi)
{
	for (int i = 0; i < bi->nram && nranges < MAX_RANGES; i++) {
		uint64_t s = PAGE_UP(bi->ram[i].start), e = PAGE_DOWN(bi->ram[i].end);
		if (s < e)
			ranges[nranges++] = (struct mem_range){ s, e };
		if (e > max_phys)
			max_phys = e;
	}
	cut(0, 0x100000);
	cut(virt_to_phys(_image_start), virt_to_phys(_end));
	if (bi->initrd_start)
		cut(PAGE_DOWN(bi->initrd_start), PAGE_UP(bi->initrd_end));
	for (int i = 0; i < nranges; i++)
		nfree += (ranges[i].end - ranges[i].start) / PAGE_SIZE;
	ntotal = nfree;
}

#define MAX_SHRINKERS 8
#define RECLAIM_BATCH 256        /* pages given back at once: 1 MiB */
static struct pmem_shrinker shrinkers[MAX_SHRINKERS];
static int nshrinkers;
static bool reclaiming;

void pmem_shrinker_add(const struct pmem_shrinker *s)
{
	if (nshrinkers < MAX_SHRINKERS)
		shrinkers[nshrinkers++] = *s;
}

void pmem_shrinker_remove(void *arg)
{
	for (int i = 0; i < nshrinkers; i++)
		if (shrinkers[i].arg == arg) {
			shrinkers[i] = shrinkers[--nshrinkers];
			return;
		}
}

uint64_t pmem_reclaimable_pages(void)
{
	uint64_t n = 0;
	for (int i = 0; i < nshrinkers; i++)
		n += shrinkers[i].reclaimable(shrinkers[i].arg);
	return n;
}

static uint64_t alloc_one(void)
{
	if (freed) {
		uint64_t pa = freed;
		freed = *(uint64_t *)phys_to_virt(pa);
		nfree--;
		return pa;
	}
	return pmem_alloc_contig(1);
}

uint64_t pmem_alloc(void)
{
	uint64_t pa = alloc_one();
	if (pa || reclaiming)
		return pa;
	/* out of pages: the caches give some back (single pages: a run of
	 * contiguous ones cannot be made from them) */
	reclaiming = true;
	for (int i = 0; i < nshrinkers && !freed; i++)
		shrinkers[i].reclaim(shrinkers[i].arg, RECLAIM_BATCH);
	reclaiming = false;
	return alloc_one();
}

uint64_t pmem_alloc_contig(size_t npages)
{
	uint64_t len = npages * PAGE_SIZE;
	for (int i = 0; i < nranges; i++) {
		if (ranges[i].end - ranges[i].start >= len) {
			uint64_t pa = ranges[i].start;
			ranges[i].start += len;
			nfree -= npages;
			return pa;
		}
	}
	return 0;
}

uint64_t pmem_alloc_zeroed(void)
{
	uint64_t pa = pmem_alloc();
	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

void pmem_free(uint64_t pa)
{
	*(uint64_t *)phys_to_virt(pa) = freed;
	freed = pa;
	nfree++;
}

uint64_t pmem_total_pages(void) { return ntotal; }
uint64_t pmem_free_pages(void) { return nfree; }
uint64_t pmem_max_phys(void) { return max_phys; }
