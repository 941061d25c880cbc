/* vm.c: a process's address space: its own page tables (the kernel half
 * shared), areas (VMAs) kept sorted in a list, pages allocated and filled
 * (zeros, or the file's bytes for a private file mapping) on first touch,
 * unmapping and protection changes that split areas as Linux does, the
 * copy for fork (pages shared copy-on-write). User pointers are checked
 * and copied by kernel/uaccess.c. */
#include "kernel/kernel.h"
#include "kernel/vm.h"
#include "kernel/proc.h"
#include "kernel/pmem.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "fs/vfs.h"
#include "kernel/ipc/ipc.h"
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

#define PTE_COW    0x200UL   /* software bit: a private page shared since fork, kept read-only */
#define PTE_KEEP   (PTE_ADDR | PTE_DIRTY | PTE_COW)   /* what a protection change keeps */
#define PF_PRESENT 0x1
#define PF_WRITE   0x2
#define PF_USER    0x4
#define PF_FETCH   0x10

/* The hardware flags of a present user page with prot: never writable
 * while shared copy-on-write. */
static uint64_t pte_flags(uint64_t pte, int prot)
{
	uint64_t f = paging_user_flags(prot);
	return (pte & PTE_COW) ? f & ~PTE_W : f;
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
	while (mm->vmas) {
		struct vma *v = mm->vmas;
		mm->vmas = v->next;
		vm_write_back(mm, v, v->start, v->end);
		uint64_t *pte;
		if (!VMA_SPECIAL(v))
			for_each_pte(mm->pml4, va, v->start, v->end, pte)
				if (*pte & PTE_ADDR)
					page_put(*pte & PTE_ADDR);
		if (v->file)
			inode_put(v->file);
		kfree(v);
	}
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
	struct vma **tail = &mm->vmas;
	for (struct vma *v = old->vmas; v; v = v->next) {
		struct vma *n = kmalloc(sizeof(*n));
		if (!n)
			goto fail;
		*n = *v;
		n->next = NULL;
		if (n->file)
			inode_get(n->file);
		*tail = n;
		tail = &n->next;
		uint64_t *from;
		for_each_pte(old->pml4, va, v->start, v->end, from) {
			if (!(*from & PTE_ADDR))
				continue;
			uint64_t *to = paging_walk(mm->pml4, va, true);
			if (!to)
				goto fail;
			if (VMA_SPECIAL(v)) {
				*to = *from;   /* the kernel's own pages */
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
	write_cr3(read_cr3());   /* the parent's pages may have become read-only */
	return mm;
fail:
	mm_put(mm);
	return NULL;
}

static bool mergeable(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && !a->file && !b->file && a->prot == b->prot &&
	       a->flags == b->flags && a->kind == b->kind;
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
	for_each_pte(mm->pml4, va, start, end, pte) {
		if (*pte & PTE_ADDR) {
			page_put(*pte & PTE_ADDR);
			*pte = 0;
			invlpg(va);
			mm->mapped_pages--;
		}
	}
}

/* Unmaps the kernel pages of a special area without freeing them. */
static void drop_special(struct mm *mm, struct vma *v)
{
	uint64_t *pte;
	for_each_pte(mm->pml4, va, v->start, v->end, pte) {
		*pte = 0;
		invlpg(va);
	}
}

int vm_map_special(struct mm *mm, uint64_t start, size_t npages, const uint64_t *phys, int prot, int kind)
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
	if (n->file)
		inode_get(n->file);
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
			if (v->file)
				inode_put(v->file);
			kfree(v);
		} else {
			pp = &v->next;
		}
	}
	return 0;
}

int vm_map(struct mm *mm, uint64_t start, uint64_t len, int prot, int flags,
	   struct inode *file, uint64_t file_off, uint64_t file_bytes, int kind)
{
	struct vma *n = kzalloc(sizeof(*n));
	if (!n || vm_unmap(mm, start, len)) {
		kfree(n);
		return -ENOMEM;
	}
	n->start = start;
	n->end = start + len;
	n->prot = prot;
	n->flags = flags;
	n->kind = kind;
	n->file = file ? inode_get(file) : NULL;
	n->file_off = file_off;
	n->file_bytes = file ? MIN(file_bytes, len) : 0;
	mm->seq++;
	struct vma **pp = &mm->vmas, *prev = NULL;
	while (*pp && (*pp)->start < start) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	n->next = *pp;
	*pp = n;
	/* Anonymous neighbours alike in every way become one area (brk grows
	 * a page run at a time; this keeps the list short). */
	if (prev && mergeable(prev, n)) {
		prev->end = n->end;
		prev->next = n->next;
		kfree(n);
		n = prev;
	}
	if (n->next && mergeable(n, n->next)) {
		struct vma *x = n->next;
		n->end = x->end;
		n->next = x->next;
		kfree(x);
	}
	return 0;
}

void vm_zap(struct mm *mm, uint64_t start, uint64_t len)
{
	uint64_t end = start + len;
	mm->seq++;
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
		if (v->end > start && !VMA_SPECIAL(v))
			unmap_pages(mm, MAX(start, v->start), MIN(end, v->end));
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
	int err = vm_map(mm, new, len, copy.prot, copy.flags, copy.file, copy.file_off, copy.file_bytes, copy.kind);
	if (err)
		return err;
	uint64_t *from;
	for_each_pte(mm->pml4, va, old, old + len, from) {
		if (!(*from & PTE_ADDR))
			continue;
		uint64_t *to = paging_walk(mm->pml4, new + (va - old), true);
		if (!to)
			return -ENOMEM;
		*to = *from;
		*from = 0;
		invlpg(va);
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
		for_each_pte(mm->pml4, va, v->start, v->end, pte) {
			/* The dirty bit stays: fork copies a private file
			 * page only if it was written. */
			if (*pte & PTE_P) {
				if (prot == PROT_NONE)
					*pte = (*pte & PTE_KEEP) | PTE_NX;  /* kept, not present */
				else
					*pte = (*pte & PTE_KEEP) | pte_flags(*pte, prot);
				invlpg(va);
			} else if ((*pte & PTE_ADDR) && prot != PROT_NONE) {
				*pte = (*pte & PTE_KEEP) | pte_flags(*pte, prot);
				invlpg(va);
			}
		}
	}
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
	for (struct vma *v = mm->vmas; ; v = v->next) {
		uint64_t gap_end = v ? MIN(v->start, USER_MMAP_TOP) : USER_MMAP_TOP;
		if (gap_end > prev_end && gap_end - prev_end >= len)
			best = gap_end - len;
		if (!v || v->start >= USER_MMAP_TOP)
			break;
		prev_end = MAX(prev_end, v->end);
	}
	return best;
}

/* The page for va in v: zeros, or the file's bytes for a file area. */
static int fill_page(struct vma *v, uint64_t va, void *page)
{
	uint64_t off = va - v->start;
	memset(page, 0, PAGE_SIZE);
	if (!v->file || off >= v->file_bytes)
		return 0;
	size_t n = MIN(PAGE_SIZE, v->file_bytes - off);
	ssize_t r = inode_read(v->file, page, n, v->file_off + off);
	return r < 0 ? -1 : 0;
}

/* No page (or page table) for a fault at addr: the process is killed
 * (SIGKILL, as by Linux's OOM killer; pid 1 ends the VM, status 137),
 * with one line. A thread already leaving is not killed again (its exit
 * would fault again, and so on): the access fails, -1. */
static int out_of_memory(uint64_t addr)
{
	struct proc *p = current;
	if (cur_thread->exiting)
		return -1;
	if (!p->exiting) {
		char comm[16];
		proc_comm_of(p, comm);
		kprintf("htux: out of memory: killed pid %d (%s), %lu KiB resident (page fault at %lx); "
			"give the VM more with -m\n", p->pid, comm, p->mm->mapped_pages * (PAGE_SIZE / 1024), addr);
	}
	if (p->pid == 1)
		vm_exit(137);
	proc_exit(SIGKILL);
}

int vm_prepare_write(uint64_t addr, size_t len)
{
	uint64_t end = addr + len;
	if (!current || !current->mm || end < addr || end > USER_TOP)
		return -1;
	for (uint64_t va = PAGE_DOWN(addr); va < end; va += PAGE_SIZE) {
		/* at most: made present (read-only if shared), then copied;
		 * once more if the areas changed while a fault slept */
		for (int tries = 0;; tries++) {
			uint64_t *pte = paging_walk(current->mm->pml4, va, false);
			uint64_t e = pte ? *pte : 0;
			if ((e & PTE_P) && (e & PTE_W))
				break;
			if (tries == 3 || vm_fault(va, PF_WRITE | (e & PTE_P ? PF_PRESENT : 0)))
				return -1;
		}
	}
	return 0;
}

/* A write to a present read-only page of a writable area: a private page
 * shared since fork gets a copy of its own (or just its write permission
 * back when nobody else has it any more). */
static int break_cow(struct mm *mm, struct vma *v, uint64_t va)
{
	uint64_t *pte = paging_walk(mm->pml4, va, false);
	if (!pte || !(*pte & PTE_COW) || !(v->prot & PROT_WRITE))
		return -1;
	uint64_t pa = *pte & PTE_ADDR;
	if (page_shared(pa)) {
		uint64_t n = pmem_alloc();
		if (!n)
			return out_of_memory(va);
		memcpy(phys_to_virt(n), phys_to_virt(pa), PAGE_SIZE);
		page_put(pa);
		pa = n;
	}
	*pte = pa | (*pte & PTE_DIRTY) | paging_user_flags(v->prot);
	invlpg(va);
	return 0;
}

int vm_fault(uint64_t addr, uint64_t err)
{
	return vm_fault_in(current ? current->mm : NULL, addr, err);
}

int vm_fault_in(struct mm *mm, uint64_t addr, uint64_t err)
{
	if (!mm)
		return -1;
	struct vma *v = vm_find(mm, addr);
	if (!v)
		return -1;
	if ((err & PF_WRITE) && !(v->prot & PROT_WRITE))
		return -1;
	if ((err & PF_FETCH) && !(v->prot & PROT_EXEC))
		return -1;
	if ((err & PF_PRESENT) && (err & PF_WRITE))
		return break_cow(mm, v, PAGE_DOWN(addr));
	if (v->prot == PROT_NONE || (err & PF_PRESENT))
		return -1;

	uint64_t va = PAGE_DOWN(addr);
	/* Only the program's own access gets SIGBUS; the kernel copying to or
	 * from such a page (a syscall's buffer) reads zeros. */
	if (v->kind == VMA_FILEMAP && (err & PF_USER) &&
	    v->file_off + (va - v->start) >= PAGE_UP(inode_size(v->file)))
		return VM_FAULT_SIGBUS;
	uint64_t *pte = paging_walk(mm->pml4, va, true);
	if (!pte)
		return out_of_memory(addr);   /* no page for a table */
	if (*pte & PTE_ADDR) {
		/* A page kept through PROT_NONE: just make it present again. */
		*pte = (*pte & PTE_KEEP) | pte_flags(*pte, v->prot);
		invlpg(va);
		return 0;
	}
	uint64_t pa;
	if (v->kind == VMA_SHM) {
		int e = shm_fault_page(v->file, v->file_off + (va - v->start), &pa);
		if (e)
			return e == -ENOMEM ? out_of_memory(addr) : e;
		*pte = pa | paging_user_flags(v->prot);
		mm->mapped_pages++;
		return 0;
	}
	pa = fcache_page(v, va);
	if (pa) {
		*pte = pa | PTE_COW | paging_user_flags(v->prot);
		mm->mapped_pages++;
		return 0;
	}
	pa = pmem_alloc();
	if (!pa)
		return out_of_memory(addr);
	/* A file page's read may sleep (a disk), and meanwhile another thread
	 * may unmap, protect or move the area (freeing v and the page table)
	 * or fault the same page in. So the inode is held across the read,
	 * and if the areas changed the page is dropped and 0 returned: the
	 * access runs again and faults afresh (SIGSEGV if the area is gone). */
	uint64_t seq = mm->seq;
	struct inode *file = v->file ? inode_get(v->file) : NULL;
	int failed = fill_page(v, va, phys_to_virt(pa));
	if (file)
		inode_put(file);
	if (mm->seq != seq) {
		pmem_free(pa);
		return 0;
	}
	if (failed) {
		pmem_free(pa);
		return -1;
	}
	pte = paging_walk(mm->pml4, va, true);
	if (!pte || (*pte & PTE_ADDR)) {
		/* no table now, or another thread's fault put a page there */
		pmem_free(pa);
		return pte ? 0 : out_of_memory(addr);
	}
	*pte = pa | paging_user_flags(v->prot);
	mm->mapped_pages++;
	return 0;
}

size_t vm_copy_remote(struct mm *mm, uint64_t addr, void *kbuf, size_t n, bool write)
{
	size_t done = 0;
	while (done < n) {
		uint64_t va = addr + done;
		if (va < addr || va >= USER_TOP)
			break;
		uint64_t *pte = NULL;
		for (int tries = 0; tries < 4; tries++) {
			pte = paging_walk(mm->pml4, PAGE_DOWN(va), false);
			if (pte && (*pte & PTE_P) && (!write || (*pte & PTE_W)))
				break;
			uint64_t err = PF_USER | (write ? PF_WRITE : 0) |
				       (pte && (*pte & PTE_P) ? PF_PRESENT : 0);
			pte = NULL;
			if (vm_fault_in(mm, va, err) != 0)
				break;
		}
		if (!pte)
			break;   /* no such page, or not writable: EFAULT */
		size_t off = va & (PAGE_SIZE - 1), c = MIN(n - done, PAGE_SIZE - off);
		uint8_t *page = phys_to_virt(*pte & PTE_ADDR);
		if (write) {
			memcpy(page + off, (uint8_t *)kbuf + done, c);
			*pte |= PTE_DIRTY;   /* a shared file page goes back to its file */
		} else {
			memcpy((uint8_t *)kbuf + done, page + off, c);
		}
		done += c;
	}
	return done;
}
