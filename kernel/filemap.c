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

/* The page at pa held for a write that sleeps (another thread may unmap
 * it meanwhile), or a copy when it cannot be (its sharers' count is full);
 * 0 when out of memory. Nothing here sleeps. */
static uint64_t page_hold(uint64_t pa)
{
#ifdef HTUX_DEBUG_LOCKS
	bool full = kopts.panic_test == 8; /* panic_test=share-full */
#else
	bool full = false;
#endif
	if (!full && !page_share(pa))
		return pa;
	uint64_t c = pmem_alloc();
	if (c)
		memcpy(phys_to_virt(c), phys_to_virt(pa), PAGE_SIZE);
	return c;
}

/* sync: the file's data to its disk too (msync's MS_SYNC, fsync). Returns
 * the first error (a page no copy could be made of stays dirty; one whose
 * write failed is clean, as on Linux, and the error is reported). */
static int write_back(struct mm *mm, struct vma *v, uint64_t start, uint64_t end, bool sync)
{
	if (!v->file || (v->flags & MAP_TYPE) == MAP_PRIVATE || shmem_is(v->file) ||
	    (v->file->ops && v->file->ops->page && !inode_data(v->file)) || v->kind == VMA_SHM)
		return 0; /* an anonymous shared object's pages, a RAM file's own (not
			   * one still borrowing the image's bytes: its mapping has a
			   * page set, as a disk file's), a System V segment's: its data */
	/* v as it is now: a write sleeps, and meanwhile another thread may
	 * unmap it (its pages go with it; f holds the file) */
	struct file *f = NULL;
	struct inode *ino = v->file;
	uint64_t vstart = v->start, vend = MIN(end, v->end), voff = v->file_off;
	uint64_t size = inode_size(ino);
	uint64_t *pte;
	int err = 0;
	for_each_pte(mm->pml4, va, MAX(start, vstart), vend, pte)
	{
		if (!(*pte & PTE_P) || !(*pte & PTE_DIRTY))
			continue;
		uint64_t off = voff + (va - vstart);
		if (off >= size)
			continue;
		if (!f && !(f = file_open_kernel(ino, O_RDWR)))
			return -ENOMEM;
		/* Clean first: a store made while the page is written is in
		 * the page again at the next write-back, not lost. */
		uint64_t pa = *pte & PTE_ADDR, len = MIN(PAGE_SIZE, size - off);
		*pte &= ~PTE_DIRTY;
		tlb_flush_page(mm, va);
		uint64_t src = page_hold(pa);
		if (!src) {
			*pte |= PTE_DIRTY; /* nothing slept: pte is still the page's */
			err = err ? err : -ENOMEM;
			continue;
		}
		ssize_t w = file_write(f, phys_to_virt(src), len, &off,
				       FILE_IO_INPLACE | FILE_IO_WRITEBACK);
		if (src == pa)
			page_put(pa);
		else
			pmem_free(src);
		if (w < 0 || (uint64_t)w < len)
			err = err ? err : w < 0 ? (int)w : -EIO;
	}
	if (sync && !f) /* nothing written: nothing slept */
		f = file_open_kernel(ino, O_RDWR);
	if (sync && f) {
		int e = (int)file_fsync(f, true);
		if (e && !err)
			err = e;
	}
	if (f)
		file_put(f);
	return err;
}

void vm_write_back(struct mm *mm, struct vma *v, uint64_t start, uint64_t end)
{
	write_back(mm, v, start, end, false); /* munmap, exit: nobody to tell */
}

int vm_sync(struct mm *mm, uint64_t start, uint64_t len, bool sync)
{
	uint64_t end = start + len;
	int err = 0;
	for (uint64_t a = start; a < end;) {
		struct vma *v = vm_find(mm, a);
		if (!v)
			return -ENOMEM;
		uint64_t next = v->end; /* v may go while a write sleeps */
		int e = write_back(mm, v, a, end, sync);
		if (e && !err)
			err = e;
		a = next;
	}
	return err;
}

void vm_sync_all(struct mm *mm)
{
	for (struct vma *v = mm->vmas; v; v = v->next)
		vm_write_back(mm, v, v->start, v->end);
}

int vm_sync_file(struct inode *ino)
{
	/* The address spaces first, each once (a vfork child shares its
	 * parent's) and held (a write-back may sleep, and a process exit
	 * meanwhile), then their areas of ino. */
	size_t n = 0, i = 0;
	for (struct proc *p = all_procs; p; p = p->all_next)
		n += p->mm != NULL;
	if (!n)
		return 0;
	struct mm **mms = kmalloc(n * sizeof *mms);
	if (!mms)
		return -ENOMEM;
	for (struct proc *p = all_procs; p && i < n; p = p->all_next) {
		size_t k = 0;
		while (p->mm && k < i && mms[k] != p->mm)
			k++;
		if (p->mm && k == i) {
			p->mm->refs++;
			mms[i++] = p->mm;
		}
	}
	int err = 0;
	for (size_t k = 0; k < i; k++) {
		/* by address: the list may change while a write sleeps */
		for (uint64_t a = 0;;) {
			struct vma *v = mms[k]->vmas;
			while (v && v->end <= a)
				v = v->next;
			if (!v)
				break;
			a = v->end;
			if (vma_shared(v) && (!ino || v->file == ino)) {
				int e = write_back(mms[k], v, v->start, v->end, false);
				if (e && !err)
					err = e;
			}
		}
		mm_put(mms[k]);
	}
	kfree(mms);
	return err;
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
