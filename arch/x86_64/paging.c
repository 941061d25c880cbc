/* paging.c: page-table walking (one address, or the entries in use over a
 * range, skipping absent tables) and the kernel's direct map. The tables
 * start as boot/multiboot.S built them (4 GiB identity and at DIRECT_MAP,
 * 1 GiB at -2 GiB); paging_init() extends the direct map to all RAM and
 * drops the identity map. */
#include "kernel/kernel.h"
#include "kernel/pmem.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include <asm-generic/mman-common.h>

static bool nx;

bool paging_has_nx(void) { return nx; }

void paging_init(uint64_t max_phys)
{
	uint32_t r[4];
	cpuid(0x80000001, 0, r);
	nx = (r[3] >> 20) & 1;

	uint64_t *pdpt = phys_to_virt(boot_pml4[256] & PTE_ADDR);
	uint64_t gib = (max_phys + (1UL << 30) - 1) >> 30;
	if (gib > 512)
		gib = 512;
	for (uint64_t g = 1; g < gib; g++) {
		if (pdpt[g] & PTE_P)
			continue;
		uint64_t pa = pmem_alloc_zeroed();
		if (!pa)
			panic("out of memory for the direct map");
		uint64_t *pd = phys_to_virt(pa);
		for (uint64_t i = 0; i < 512; i++)
			pd[i] = ((g << 30) + (i << 21)) | PTE_P | PTE_W | PTE_PS | PTE_G;
		pdpt[g] = pa | PTE_P | PTE_W;
	}
	boot_pml4[0] = 0;
	write_cr3(read_cr3());
}

uint64_t *paging_walk(uint64_t *pml4, uint64_t va, bool create)
{
	uint64_t *table = pml4;

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &table[(va >> shift) & 511];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			uint64_t pa = pmem_alloc_zeroed();
			if (!pa)
				return NULL;
			*e = pa | PTE_P | PTE_W | PTE_U;
		}
		if (*e & PTE_PS)
			return NULL; /* large pages are never user pages */
		table = phys_to_virt(*e & PTE_ADDR);
	}
	return &table[(va >> 12) & 511];
}

uint64_t *paging_next(uint64_t *pml4, uint64_t *va, uint64_t end)
{
	uint64_t a = *va;

	while (a < end) {
		uint64_t *table = pml4;
		int shift;
		for (shift = 39; shift > 12; shift -= 9) {
			uint64_t e = table[(a >> shift) & 511];
			if (!(e & PTE_P) || (e & PTE_PS))
				break;
			table = phys_to_virt(e & PTE_ADDR);
		}
		if (shift > 12) {
			/* No table below this entry: nothing mapped up to the
			 * end of what it covers (512 GiB, 1 GiB or 2 MiB). */
			uint64_t next = (a | ((1UL << shift) - 1)) + 1;
			if (next < a)
				break;
			a = next;
			continue;
		}
		for (uint64_t *pte = &table[(a >> 12) & 511]; a < end; pte++) {
			if (*pte) {
				*va = a;
				return pte;
			}
			if (a + PAGE_SIZE < a)
				goto none;
			a += PAGE_SIZE;
			if (!(a & ((1UL << 21) - 1)))
				break; /* the end of this table */
		}
	}
none:
	*va = end;
	return NULL;
}

uint64_t paging_user_flags(int prot)
{
	uint64_t f = PTE_P | PTE_U;
	if (prot & PROT_WRITE)
		f |= PTE_W;
	if (nx && !(prot & PROT_EXEC))
		f |= PTE_NX;
	return f;
}

void *paging_map_mmio(uint64_t pa, size_t len)
{
	for (uint64_t a = PAGE_DOWN(pa); a < pa + len; a += PAGE_SIZE) {
		uint64_t *pte = paging_walk(boot_pml4, DIRECT_MAP + a, true);
		if (!pte)
			continue; /* inside a large page: RAM, already mapped */
		if (!(*pte & PTE_P)) {
			*pte = a | PTE_P | PTE_W | PTE_PCD | PTE_PWT | (nx ? PTE_NX : 0);
			invlpg(DIRECT_MAP + a);
		}
	}
	return phys_to_virt(pa);
}
