/* paging.h: 4-level page tables: the kernel's direct map of RAM and the
 * program's 4 KiB user mappings. */
#ifndef HTUX_PAGING_H
#define HTUX_PAGING_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define PTE_P 0x001UL
#define PTE_W 0x002UL
#define PTE_U 0x004UL
#define PTE_PWT 0x008UL
#define PTE_PCD 0x010UL
#define PTE_DIRTY 0x040UL
#define PTE_PS 0x080UL
#define PTE_G 0x100UL
#define PTE_NX (1UL << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000UL

extern uint64_t boot_pml4[512];

/* Maps all RAM below max_phys at DIRECT_MAP and unmaps the boot identity
 * map, leaving the lower half to the program. */
void paging_init(uint64_t max_phys);
/* The PTE for va in the tables rooted at pml4; with create, missing
 * tables are allocated (NULL when out of memory). */
uint64_t *paging_walk(uint64_t *pml4, uint64_t va, bool create);
/* The first PTE in use (not zero) for an address in [*va, end), with *va
 * set to that address; NULL (and *va = end) if none. Absent tables are
 * skipped whole, so a walk costs what is mapped, not the range's size. */
uint64_t *paging_next(uint64_t *pml4, uint64_t *va, uint64_t end);
/* for_each_pte(pml4, va, start, end, pte) { ... }: each PTE in use in
 * [start, end), va its address (page-aligned start). */
#define for_each_pte(pml4, va, start, end, pte) \
	for (uint64_t va = (start); ((pte) = paging_next((pml4), &va, (end))); va += PAGE_SIZE)
/* PTE flags for a user page with PROT_* bits. */
uint64_t paging_user_flags(int prot);
bool paging_has_nx(void);
/* Device memory at pa, uncached, reached through the direct map. */
void *paging_map_mmio(uint64_t pa, size_t len);

#endif
