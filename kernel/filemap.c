/* filemap.c: what file mappings need beyond anonymous memory: the dirty
 * pages of shared ones written back to their files (msync, munmap, exit),
 * and the cache of read-only file pages (program text) that every process
 * mapping them shares (kernel/vm.c's faults use it). */
#include "kernel/kernel.h"
#include "kernel/vm.h"
#include "kernel/pmem.h"
#include "kernel/shmem.h"
#include "kernel/proc.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/smp.h"
#include "fs/vfs.h"
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

/* sync: the file's data to its disk too (msync's MS_SYNC, fsync). */
static void write_back(struct mm *mm, struct vma *v, uint64_t start, uint64_t end, bool sync)
{
	if (!v->file || (v->flags & MAP_TYPE) == MAP_PRIVATE || shmem_is(v->file) ||
	    (v->file->ops && v->file->ops->page && !inode_data(v->file)) || v->kind == VMA_SHM)
		return; /* an anonymous shared object's pages, a RAM file's own (not
			   * one still borrowing the image's bytes: its mapping has a
			   * page set, as a disk file's), a System V segment's: its data */
	/* v as it is now: a write sleeps, and meanwhile another thread may
	 * unmap it (its pages go with it; f holds the file) */
	struct file *f = NULL;
	struct inode *ino = v->file;
	uint64_t vstart = v->start, vend = MIN(end, v->end), voff = v->file_off;
	uint64_t size = inode_size(ino);
	uint64_t *pte;
	for_each_pte(mm->pml4, va, MAX(start, vstart), vend, pte)
	{
		if (!(*pte & PTE_P) || !(*pte & PTE_DIRTY))
			continue;
		uint64_t off = voff + (va - vstart);
		if (off >= size)
			continue;
		if (!f && !(f = file_open_kernel(ino, O_RDWR)))
			return;
		/* Clean first: a store made while the page is written is in
		 * the page again at the next write-back, not lost. */
		uint64_t pa = *pte & PTE_ADDR;
		*pte &= ~PTE_DIRTY;
		tlb_flush_page(mm, va);
		if (page_share(pa))
			continue;
		file_write(f, phys_to_virt(pa), MIN(PAGE_SIZE, size - off), &off,
			   FILE_IO_INPLACE | FILE_IO_WRITEBACK);
		page_put(pa);
	}
	if (sync && !f) /* nothing written: nothing slept */
		f = file_open_kernel(ino, O_RDWR);
	if (sync && f)
		file_fsync(f, true);
	if (f)
		file_put(f);
}

void vm_write_back(struct mm *mm, struct vma *v, uint64_t start, uint64_t end)
{
	write_back(mm, v, start, end, false);
}

int vm_sync(struct mm *mm, uint64_t start, uint64_t len, bool sync)
{
	uint64_t end = start + len;
	for (uint64_t a = start; a < end;) {
		struct vma *v = vm_find(mm, a);
		if (!v)
			return -ENOMEM;
		uint64_t next = v->end; /* v may go while a write sleeps */
		write_back(mm, v, a, end, sync);
		a = next;
	}
	return 0;
}

void vm_sync_all(struct mm *mm)
{
	for (struct vma *v = mm->vmas; v; v = v->next)
		vm_write_back(mm, v, v->start, v->end);
}

void vm_sync_file(struct inode *ino)
{
	/* The address spaces first, each held (a write-back may sleep, and
	 * a process exit meanwhile), then their areas of ino. */
	size_t n = 0, i = 0;
	for (struct proc *p = all_procs; p; p = p->all_next)
		n += p->mm != NULL;
	struct mm **mms = n ? kmalloc(n * sizeof *mms) : NULL;
	if (!mms)
		return;
	for (struct proc *p = all_procs; p && i < n; p = p->all_next)
		if (p->mm) {
			p->mm->refs++;
			mms[i++] = p->mm;
		}
	for (size_t k = 0; k < i; k++) {
		/* by address: the list may change while a write sleeps */
		for (uint64_t a = 0;;) {
			struct vma *v = mms[k]->vmas;
			while (v && v->end <= a)
				v = v->next;
			if (!v)
				break;
			a = v->end;
			if (vma_shared(v) && (!ino || v->file == ino))
				write_back(mms[k], v, v->start, v->end, false);
		}
		mm_put(mms[k]);
	}
	kfree(mms);
}

/* Pages of the image's files read through private mappings that are not
 * writable (program text and read-only data): the first fault fills a page
 * and keeps it here, and every later fault, in any process, maps that same
 * page (shared, with PTE_COW so that a write after mprotect copies it).
 * Under TCG this matters more than the copy: QEMU keeps translated code by
 * physical page, and a fresh copy per process (a forked server's child
 * faulting in the code its parent never ran) threw those translations away
 * and had them made again every time. Only bytes that never change are
 * cached (inode_data: the image's files, never written in place), keyed by
 * their kernel address and length; the pages are never given back, so
 * their number is bounded. */
#define FCACHE_SLOTS 2048
#define FCACHE_PROBE 8
static struct fcache_slot {
	const uint8_t *src;
	uint64_t n;
	uint64_t pa;
} fcache[FCACHE_SLOTS];
static uint64_t fcache_used;

uint64_t fcache_page(struct vma *v, uint64_t va)
{
	if (!v->file || (v->prot & PROT_WRITE) || (v->flags & MAP_TYPE) == MAP_SHARED)
		return 0;
	uint64_t off = va - v->start;
	if (off >= v->file_bytes)
		return 0;
	const uint8_t *data = inode_data(v->file);
	if (!data)
		return 0;
	uint64_t n = MIN(PAGE_SIZE, v->file_bytes - off);
	uint64_t foff = v->file_off + off;
	if (foff > inode_size(v->file) || n > inode_size(v->file) - foff)
		return 0;
	const uint8_t *src = data + foff;
	uint64_t h = (((uint64_t)src >> 12) ^ ((uint64_t)src << 3) ^ n) % FCACHE_SLOTS;
	struct fcache_slot *e = NULL;
	for (int i = 0; i < FCACHE_PROBE; i++) {
		struct fcache_slot *c = &fcache[(h + i) % FCACHE_SLOTS];
		if (c->src == src && c->n == n) {
			e = c;
			break;
		}
		if (!c->src) {
			/* At most 1/32 of memory, and 4 MiB. */
			if (fcache_used >= MIN(1024, pmem_total_pages() / 32))
				return 0;
			uint64_t pa = pmem_alloc();
			if (!pa)
				return 0;
			uint8_t *page = phys_to_virt(pa);
			memcpy(page, src, n);
			memset(page + n, 0, PAGE_SIZE - n);
			c->src = src;
			c->n = n;
			c->pa = pa;
			fcache_used++;
			e = c;
			break;
		}
	}
	if (!e || page_share(e->pa))
		return 0;
	return e->pa;
}
