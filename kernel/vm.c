/* vm.c: a process's address space: its own page tables (the kernel half
 * shared), areas (VMAs) kept sorted in a list, pages allocated and filled
 * (zeros, or the file's bytes for a private file mapping) on first touch,
 * unmapping and protection changes that split areas as Linux does, the
 * copy for fork (private pages shared copy-on-write, shared areas keeping
 * their object's pages), areas registered with a userfaultfd. Page faults
 * are kernel/fault.c's; user pointers
 * are checked and copied by kernel/uaccess.c. */
#include "fs/aio.h"
#include "kernel/kernel.h"
#include "kernel/vm.h"
#include "kernel/vmpte.h"
#include "kernel/proc.h"
#include "kernel/pmem.h"
#include "kernel/shmem.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/smp.h"
#include "fs/vfs.h"
#include "kernel/ipc/ipc.h"
#include "kernel/userfaultfd.h"
#include "kernel/sysrw.h"
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

/* Takes (hold) or drops an area's references to its file and, for a
 * shared area, the file's page set. */
static int area_hold(struct vma *v)
{
	if (!v->file)
		return 0;
	if (vma_shared(v) && shared_map_get(v->file))
		return -ENOMEM;
	inode_get(v->file);
	return 0;
}

static void area_release(struct vma *v)
{
	if (!v->file)
		return;
	if (vma_shared(v))
		shared_map_put(v->file);
	inode_put(v->file);
}

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));
	if (!mm)
		return NULL;
	uint64_t pa = pmem_alloc_zeroed();
	if (!pa) {
		kfree(mm);
		return NULL;
	}
	mm->refs = 1;
	mm->pml4 = phys_to_virt(pa);
	/* The kernel half: the same PDPTs as boot_pml4, so that kernel
	 * mappings made later are seen in every address space. */
	for (int i = 256; i < 512; i++)
		mm->pml4[i] = boot_pml4[i];
	return mm;
}

void mm_activate(struct mm *mm)
{
	write_cr3(virt_to_phys(mm ? mm->pml4 : boot_pml4));
	this_cpu()->mm = mm;
}

/* Frees the user half's page tables (the pages themselves are gone). */
static void free_tables(uint64_t *table, int level)
{
	for (int i = 0; i < (level == 4 ? 256 : 512); i++) {
		uint64_t e = table[i];
		if (!(e & PTE_P) || (e & PTE_PS))
			continue;
		if (level > 2)
			free_tables(phys_to_virt(e & PTE_ADDR), level - 1);
		pmem_free(e & PTE_ADDR);
	}
}

void mm_put(struct mm *mm)
{
	if (!mm || --mm->refs > 0)
		return;
	tlb_mm_gone(mm); /* no CPU keeps it in CR3 (arch/x86_64/tlb.c) */
	aio_mm_gone(mm);
	uffd_mm_gone(mm);
	while (mm->vmas) {
		struct vma *v = mm->vmas;
		mm->vmas = v->next;
		vm_write_back(mm, v, v->start, v->end);
		uint64_t *pte;
		if (!VMA_SPECIAL(v))
			for_each_pte(mm->pml4, va, v->start, v->end, pte) if (*pte & PTE_ADDR)
				page_put(*pte & PTE_ADDR);
		area_release(v);
		kfree(v);
	}
	sysrw_mm_free(mm);
	free_tables(mm->pml4, 4);
	pmem_free(virt_to_phys(mm->pml4));
	kfree(mm);
}

struct mm *mm_copy(struct mm *old)
{
	struct mm *mm = mm_create();
	if (!mm)
		return NULL;
	mm->brk_start = old->brk_start;
	mm->brk = old->brk;
	mm->stack_top = old->stack_top;
	if (sysrw_mm_copy(mm, old))
		goto fail;
	struct vma **tail = &mm->vmas;
	for (struct vma *v = old->vmas; v; v = v->next) {
		struct vma *n = kmalloc(sizeof(*n));
		if (!n)
			goto fail;
		*n = *v;
		n->next = NULL;
		n->uffd = NULL; /* as Linux without UFFD_FEATURE_EVENT_FORK */
		if (area_hold(n)) {
			kfree(n);
			goto fail;
		}
		*tail = n;
		tail = &n->next;
		if (vma_shared(v))
			continue; /* the child maps the object's pages as it touches them */
		uint64_t *from;
		for_each_pte(old->pml4, va, v->start, v->end, from)
		{
			if (!(*from & PTE_ADDR))
				continue;
			uint64_t *to = paging_walk(mm->pml4, va, true);
			if (!to)
				goto fail;
			if (VMA_SPECIAL(v)) {
				*to = *from; /* the kernel's own pages */
				continue;
			}
			/* Shared: the same page in both. Private: the same page,
			 * read-only in both until one of them writes it (vm_fault
			 * then copies it). Copied at once only when the count of
			 * sharers is full. */
			uint64_t pa = *from & PTE_ADDR;
			if (page_share(pa) == 0) {
				if ((v->flags & MAP_TYPE) != MAP_SHARED)
					*from = (*from | PTE_COW) & ~PTE_W;
				*to = *from;
				mm->mapped_pages++;
				continue;
			}
			pa = pmem_alloc();
			if (!pa)
				goto fail;
			memcpy(phys_to_virt(pa), phys_to_virt(*from & PTE_ADDR), PAGE_SIZE);
			*to = pa | (*from & ~(PTE_ADDR | PTE_COW));
			if (*from & PTE_P)
				*to = (*to & ~PTE_W) | pte_flags(*to, v->prot);
			mm->mapped_pages++;
		}
	}
	tlb_flush_mm(old); /* the parent's pages may have become read-only */
	return mm;
fail:
	mm_put(mm);
	return NULL;
}

/* Anonymous neighbours alike, or shared areas of one object at
 * consecutive offsets (a shared area grown in place), as Linux merges. */
static bool mergeable(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
	    a->kind != b->kind || a->file != b->file || a->uffd != b->uffd ||
	    memcmp(&a->mpol, &b->mpol, sizeof(a->mpol)))
		return false;
	return !a->file || (vma_shared(a) && b->file_off == a->file_off + (a->end - a->start));
}

struct vma *vm_find(struct mm *mm, uint64_t addr)
{
	for (struct vma *v = mm->vmas; v && v->start <= addr; v = v->next)
		if (addr < v->end)
			return v;
	return NULL;
}

static void unmap_pages(struct mm *mm, uint64_t start, uint64_t end)
{
	uint64_t *pte;
	for_each_pte(mm->pml4, va, start, end, pte)
	{
		if (*pte & PTE_ADDR) {
			page_put(*pte & PTE_ADDR);
			*pte = 0;
			tlb_flush_page(mm, va);
			mm->mapped_pages--;
		}
	}
}

/* Unmaps the kernel pages of a special area without freeing them. */
static void drop_special(struct mm *mm, struct vma *v)
{
	uint64_t *pte;
	for_each_pte(mm->pml4, va, v->start, v->end, pte)
	{
		*pte = 0;
		tlb_flush_page(mm, va);
	}
}

int vm_map_special(struct mm *mm, uint64_t start, size_t npages, const uint64_t *phys, int prot,
		   int kind)
{
	int err = vm_map(mm, start, npages * PAGE_SIZE, prot, MAP_PRIVATE, NULL, 0, 0, kind);
	if (err)
		return err;
	for (size_t i = 0; i < npages; i++) {
		uint64_t *pte = paging_walk(mm->pml4, start + i * PAGE_SIZE, true);
		if (!pte)
			return -ENOMEM;
		*pte = phys[i] | paging_user_flags(prot);
	}
	return 0;
}

/* Splits the area containing addr so that an area starts at addr. */
static int split_at(struct mm *mm, uint64_t addr)
{
	struct vma *v = vm_find(mm, addr);
	if (!v || v->start == addr)
		return 0;
	struct vma *n = kmalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = *v;
	n->start = addr;
	if (area_hold(n)) {
		kfree(n);
		return -ENOMEM;
	}
	if (v->file) {
		uint64_t d = addr - v->start;
		n->file_off = v->file_off + d;
		n->file_bytes = v->file_bytes > d ? v->file_bytes - d : 0;
		v->file_bytes = MIN(v->file_bytes, d);
	}
	v->end = addr;
	v->next = n;
	return 0;
}

int vm_split(struct mm *mm, uint64_t addr)
{
	mm->seq++;
	return split_at(mm, addr);
}

int vm_unmap(struct mm *mm, uint64_t start, uint64_t len)
{
	uint64_t end = start + len;
	mm->seq++;
	if (split_at(mm, start) || split_at(mm, end))
		return -ENOMEM;
	struct vma **pp = &mm->vmas;
	while (*pp) {
		struct vma *v = *pp;
		if (v->start >= start && v->end <= end) {
			vm_write_back(mm, v, v->start, v->end);
			if (VMA_SPECIAL(v))
				drop_special(mm, v);
			else
				unmap_pages(mm, v->start, v->end);
			*pp = v->next;
			area_release(v);
			kfree(v);
		} else {
			pp = &v->next;
		}
	}
	return 0;
}

int vm_map(struct mm *mm, uint64_t start, uint64_t len, int prot, int flags, struct inode *file,
	   uint64_t file_off, uint64_t file_bytes, int kind)
{
	struct vma *n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->start = start;
	n->end = start + len;
	n->prot = prot;
	n->flags = flags;
	n->kind = kind;
	n->file = file;
	n->file_off = file_off;
	n->file_bytes = file ? MIN(file_bytes, len) : 0;
	/* held before the unmapping, which may drop the last other reference */
	if (area_hold(n)) {
		kfree(n);
		return -ENOMEM;
	}
	if (vm_unmap(mm, start, len)) {
		area_release(n);
		kfree(n);
		return -ENOMEM;
	}
	mm->seq++;
	struct vma **pp = &mm->vmas, *prev = NULL;
	while (*pp && (*pp)->start < start) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	n->next = *pp;
	*pp = n;
	/* Neighbours alike in every way become one area (brk grows a page
	 * run at a time; this keeps the list short). */
	if (prev && mergeable(prev, n)) {
		prev->end = n->end;
		prev->file_bytes += n->file_bytes;
		prev->next = n->next;
		area_release(n);
		kfree(n);
		n = prev;
	}
	if (n->next && mergeable(n, n->next)) {
		struct vma *x = n->next;
		n->end = x->end;
		n->file_bytes += x->file_bytes;
		n->next = x->next;
		area_release(x);
		kfree(x);
	}
	return 0;
}

void vm_zap(struct mm *mm, uint64_t start, uint64_t len)
{
	uint64_t end = start + len;
	mm->seq++;
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
		if (v->end > start && !VMA_SPECIAL(v)) {
			/* a shared file page keeps its data: written back first */
			vm_write_back(mm, v, MAX(start, v->start), MIN(end, v->end));
			unmap_pages(mm, MAX(start, v->start), MIN(end, v->end));
		}
}

int vm_move(struct mm *mm, uint64_t old, uint64_t len, uint64_t new)
{
	struct vma *v = vm_find(mm, old);
	if (!v || v->end < old + len)
		return -EFAULT;
	struct vma copy = *v;
	uint64_t d = old - v->start;
	if (copy.file) {
		copy.file_off += d;
		copy.file_bytes = copy.file_bytes > d ? copy.file_bytes - d : 0;
	}
	int err = vm_map(mm, new, len, copy.prot, copy.flags, copy.file, copy.file_off,
			 copy.file_bytes, copy.kind);
	if (err)
		return err;
	uint64_t *from;
	for_each_pte(mm->pml4, va, old, old + len, from)
	{
		if (!(*from & PTE_ADDR))
			continue;
		uint64_t *to = paging_walk(mm->pml4, new + (va - old), true);
		if (!to)
			return -ENOMEM;
		*to = *from;
		*from = 0;
		tlb_flush_page(mm, va);
	}
	return vm_unmap(mm, old, len);
}

int vm_protect(struct mm *mm, uint64_t start, uint64_t len, int prot)
{
	uint64_t end = start + len;
	/* Linux: ENOMEM if any page of the range is unmapped. */
	for (uint64_t a = start; a < end;) {
		struct vma *v = vm_find(mm, a);
		if (!v)
			return -ENOMEM;
		if (VMA_SPECIAL(v) && (prot & PROT_WRITE))
			return -EACCES;
		a = v->end;
	}
	mm->seq++;
	if (split_at(mm, start) || split_at(mm, end))
		return -ENOMEM;
	for (struct vma *v = mm->vmas; v; v = v->next) {
		if (v->start < start || v->end > end)
			continue;
		v->prot = prot;
		uint64_t *pte;
		for_each_pte(mm->pml4, va, v->start, v->end, pte)
		{
			/* The dirty bit stays: fork copies a private file
			 * page only if it was written. */
			if (*pte & PTE_P) {
				if (prot == PROT_NONE)
					*pte = (*pte & PTE_KEEP) | PTE_NX; /* kept, not present */
				else
					*pte = (*pte & PTE_KEEP) | pte_flags(*pte, prot);
				tlb_flush_page(mm, va);
			} else if ((*pte & PTE_ADDR) && prot != PROT_NONE) {
				*pte = (*pte & PTE_KEEP) | pte_flags(*pte, prot);
				tlb_flush_page(mm, va);
			}
		}
	}
	return 0;
}

int vm_set_uffd(struct mm *mm, uint64_t start, uint64_t end, struct uffd *u)
{
	if (split_at(mm, start) || split_at(mm, end))
		return -ENOMEM;
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
		if (v->start >= start)
			v->uffd = u;
	return 0;
}

bool vm_range_free(struct mm *mm, uint64_t start, uint64_t len)
{
	if (start < USER_MMAP_MIN || start + len > USER_TOP || start + len < start)
		return false;
	for (struct vma *v = mm->vmas; v; v = v->next)
		if (v->start < start + len && start < v->end)
			return false;
	return true;
}

uint64_t vm_find_free(struct mm *mm, uint64_t len, uint64_t hint)
{
	if (hint && vm_range_free(mm, PAGE_DOWN(hint), len))
		return PAGE_DOWN(hint);
	/* Highest gap below the mmap top: walk the sorted list, remember the
	 * last gap that fits. */
	uint64_t best = 0, prev_end = USER_MMAP_MIN;
	for (struct vma *v = mm->vmas;; v = v->next) {
		uint64_t gap_end = v ? MIN(v->start, USER_MMAP_TOP) : USER_MMAP_TOP;
		if (gap_end > prev_end && gap_end - prev_end >= len)
			best = gap_end - len;
		if (!v || v->start >= USER_MMAP_TOP)
			break;
		prev_end = MAX(prev_end, v->end);
	}
	return best;
}
