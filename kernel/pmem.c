/* pmem.c: physical pages. Free RAM is a list of ranges (the loader's map
 * less the first MiB, the kernel image and the initrd) handed out from
 * the bottom of each range, plus the pages freed since, a bit each in a
 * bitmap (with a bit per 64 of them above it, to skip the empty parts):
 * a single page is the lowest freed one, and a run of contiguous pages
 * (kernel stacks) can be found among freed pages again once the ranges
 * are used up, as after a program took all memory. Start-up costs
 * nothing per page. */
#include "kernel/kernel.h"
#include "kernel/pmem.h"
#include "kernel/bootinfo.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"

#define MAX_RANGES 64

static struct mem_range ranges[MAX_RANGES];
static int nranges;
static uint64_t nfree, ntotal, max_phys;
static uint64_t *freemap; /* bit n: page n (physical address n * PAGE_SIZE) was freed */
static uint64_t *freesum; /* bit w: word w of freemap is not 0 */
static uint64_t map_words, sum_words;
static uint64_t nfreed;   /* bits set in freemap */
static uint64_t sum_low;  /* the words of freesum below it are 0 */
static uint64_t low_page; /* a RAM page below 1 MiB for the AP trampoline, 0: none */

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

/* Lowest first, so that allocations from the ranges (the bitmaps below,
 * which must lie in the boot page tables' first GiB) take low memory
 * first: with the initrd in the middle of the low RAM and RAM above 4 GiB
 * (QEMU multiboot, -m 4G), the part above the initrd came after the high
 * range and the bitmaps found no low memory. */
static void sort_ranges(void)
{
	for (int i = 1; i < nranges; i++)
		for (int j = i; j > 0 && ranges[j].start < ranges[j - 1].start; j--) {
			struct mem_range t = ranges[j];
			ranges[j] = ranges[j - 1];
			ranges[j - 1] = t;
		}
}

int pmem_init(const struct bootinfo *bi)
{
	for (int i = 0; i < bi->nram && nranges < MAX_RANGES; i++) {
		uint64_t s = PAGE_UP(bi->ram[i].start), e = PAGE_DOWN(bi->ram[i].end);
		if (s < e)
			ranges[nranges++] = (struct mem_range){ s, e };
		if (e > max_phys)
			max_phys = e;
		/* Below 1 MiB nothing is handed out (the cut below), so the
		 * page is kept for the AP trampoline (arch/x86_64/smp.c):
		 * not page 0 (the real-mode IVT and BIOS data), below the
		 * EBDA; its page number must fit a SIPI vector. */
		s = MAX(s, (uint64_t)PAGE_SIZE);
		if (!low_page && s + PAGE_SIZE <= MIN(e, (uint64_t)0x9F000))
			low_page = s;
	}
	cut(0, 0x100000);
	cut(virt_to_phys(_image_start), virt_to_phys(_end));
	if (bi->initrd_start)
		cut(PAGE_DOWN(bi->initrd_start), PAGE_UP(bi->initrd_end));
	sort_ranges(); /* a cut appends the upper part of a range it splits */
	for (int i = 0; i < nranges; i++)
		nfree += (ranges[i].end - ranges[i].start) / PAGE_SIZE;

	/* The bitmaps, from the bottom of the ranges: within the 4 GiB that
	 * the boot page tables map (above a large initrd). */
	map_words = (max_phys / PAGE_SIZE + 63) / 64;
	sum_words = (map_words + 63) / 64;
	uint64_t pages = ((map_words + sum_words) * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t pa = pmem_alloc_contig(pages);
	if (!pa || pa + pages * PAGE_SIZE > (4UL << 30))
		return -1; /* kmain says so: the image left no low memory */
	freemap = phys_to_virt(pa);
	freesum = freemap + map_words;
	memset(freemap, 0, (map_words + sum_words) * 8);
	ntotal = nfree;
	return 0;
}

static void map_clear(uint64_t n)
{
	uint64_t w = n / 64;
	freemap[w] &= ~(1UL << (n % 64));
	if (!freemap[w])
		freesum[w / 64] &= ~(1UL << (w % 64));
	nfreed--;
	nfree--;
}

#define MAX_SHRINKERS 8
#define RECLAIM_BATCH 256 /* pages given back at once: 1 MiB */
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

uint64_t pmem_low_page(void) { return low_page; }

uint64_t pmem_reclaimable_pages(void)
{
	uint64_t n = 0;
	for (int i = 0; i < nshrinkers; i++)
		n += shrinkers[i].reclaimable(shrinkers[i].arg);
	return n;
}

/* The lowest freed page, or one from the ranges. */
static uint64_t alloc_one(void)
{
	if (nfreed) {
		while (!freesum[sum_low])
			sum_low++;
		uint64_t w = sum_low * 64 + (uint64_t)__builtin_ctzll(freesum[sum_low]);
		uint64_t n = w * 64 + (uint64_t)__builtin_ctzll(freemap[w]);
		map_clear(n);
		return n * PAGE_SIZE;
	}
	return pmem_alloc_contig(1);
}

/* npages contiguous freed pages (the lowest such run), or 0. */
static uint64_t freed_run(size_t npages)
{
	uint64_t run = 0, first = 0;
	for (uint64_t s = sum_low; s < sum_words; s++) {
		if (!freesum[s]) {
			run = 0;
			continue;
		}
		for (uint64_t w = s * 64; w < MIN((s + 1) * 64, map_words); w++) {
			uint64_t x = freemap[w];
			if (x == 0) {
				run = 0;
				continue;
			}
			for (uint64_t b = 0; b < 64; b++) {
				if (!(x & (1UL << b))) {
					run = 0;
					continue;
				}
				if (run++ == 0)
					first = w * 64 + b;
				if (run == npages) {
					for (uint64_t n = first; n < first + npages; n++)
						map_clear(n);
					return first * PAGE_SIZE;
				}
			}
		}
	}
	return 0;
}

/* Pages freed since a page table change are handed out only once every
 * CPU has flushed it (arch/x86_64/tlb.c). */
static inline void flushed(void)
{
	if (this_cpu()->tlb_pending)
		tlb_sync();
}

uint64_t pmem_alloc(void)
{
	flushed();
	uint64_t pa = alloc_one();
	if (pa || reclaiming)
		return pa;
	/* out of pages: the caches give some back */
	reclaiming = true;
	for (int i = 0; i < nshrinkers && !nfreed; i++)
		shrinkers[i].reclaim(shrinkers[i].arg, RECLAIM_BATCH);
	reclaiming = false;
	return alloc_one();
}

uint64_t pmem_alloc_contig(size_t npages)
{
	flushed();
	uint64_t len = npages * PAGE_SIZE;
	for (int i = 0; i < nranges; i++) {
		if (ranges[i].end - ranges[i].start >= len) {
			uint64_t pa = ranges[i].start;
			ranges[i].start += len;
			nfree -= npages;
			return pa;
		}
	}
	return freemap && nfreed >= npages ? freed_run(npages) : 0;
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
	uint64_t n = pa / PAGE_SIZE, w = n / 64;
	if (freemap[w] & (1UL << (n % 64)))
		return; /* already free */
	freemap[w] |= 1UL << (n % 64);
	freesum[w / 64] |= 1UL << (w % 64);
	sum_low = MIN(sum_low, w / 64);
	nfreed++;
	nfree++;
}

uint64_t pmem_total_pages(void) { return ntotal; }
uint64_t pmem_free_pages(void) { return nfree; }
uint64_t pmem_max_phys(void) { return max_phys; }
