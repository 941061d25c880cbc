/* vmpte.h: the page-table entry bits and fault codes that kernel/vm.c
 * (areas, fork) and kernel/fault.c (page faults) share. */
#ifndef HTUX_VMPTE_H
#define HTUX_VMPTE_H

#include "arch/x86_64/paging.h"

#define PTE_COW 0x200UL /* software bit: a private page shared since fork, kept read-only */
#define PTE_KEEP (PTE_ADDR | PTE_DIRTY | PTE_COW) /* what a protection change keeps */
#define PF_PRESENT 0x1
#define PF_WRITE 0x2
#define PF_USER 0x4
#define PF_FETCH 0x10

/* The hardware flags of a present user page with prot: never writable
 * while shared copy-on-write. */
static inline uint64_t pte_flags(uint64_t pte, int prot)
{
	uint64_t f = paging_user_flags(prot);
	return (pte & PTE_COW) ? f & ~PTE_W : f;
}

#endif
