/* pmem.h: physical page allocator. */
#ifndef HTUX_PMEM_H
#define HTUX_PMEM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct bootinfo;

int pmem_init(const struct bootinfo *bi); /* -1: no room for its own maps */
uint64_t pmem_alloc(void);                /* a page, or 0 when out of memory */
uint64_t pmem_alloc_zeroed(void);
uint64_t pmem_alloc_contig(size_t npages); /* npages contiguous pages, or 0 */
void pmem_free(uint64_t pa);
uint64_t pmem_total_pages(void);
uint64_t pmem_free_pages(void);
uint64_t pmem_max_phys(void); /* end of the highest RAM range */
uint64_t pmem_low_page(void); /* a RAM page below 1 MiB kept for the AP trampoline, or 0 */

/* A cache that gives pages back: when no page is free, pmem_alloc calls
 * reclaim(want), which frees up to about want pages (with pmem_free; it
 * must not allocate or sleep) and returns how many; reclaimable() says
 * how many it could. Several may be registered (a fixed few). */
struct pmem_shrinker {
	uint64_t (*reclaim)(void *arg, uint64_t want);
	uint64_t (*reclaimable)(void *arg);
	void *arg;
};
void pmem_shrinker_add(const struct pmem_shrinker *s);
void pmem_shrinker_remove(void *arg);
uint64_t pmem_reclaimable_pages(void); /* what the shrinkers could give back */

/* kernel/pageref.c: user pages mapped by more than one address space. */
int page_share(uint64_t pa);   /* one more mapping: 0, or -ENOMEM (copy it instead) */
bool page_shared(uint64_t pa); /* mapped more than once? */
void page_put(uint64_t pa);    /* one mapping less; frees the page at the last */

#endif
