/* fault.c: page faults in a process's address space (kernel/vm.c): a
 * page made on first touch (zeros, the file's bytes for a private file
 * area, the shared page of a MAP_SHARED area's object from kernel/shmem.c
 * or of a System V segment from kernel/ipc/shm.c; a registered area's from
 * its userfaultfd's reader, kernel/userfaultfd.c),
 * copy-on-write broken on a write, SIGBUS past a mapped file's end, and
 * the out-of-memory kill. */
#include "kernel/kernel.h"
#include "kernel/vm.h"
#include "kernel/vmpte.h"
#include "kernel/proc.h"
#include "kernel/pmem.h"
#include "kernel/shmem.h"
#include "kernel/userfaultfd.h"
#include "kernel/sysrw.h"
#include "kernel/ipc/ipc.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/smp.h"
#include "fs/vfs.h"
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

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
			"give the VM more with -m\n",
			p->pid, comm, p->mm->mapped_pages * (PAGE_SIZE / 1024), addr);
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
			if (tries == 3 ||
			    vm_fault(MAX(va, addr), PF_WRITE | (e & PTE_P ? PF_PRESENT : 0)))
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
	tlb_flush_page(mm, va);
	return 0;
}

/* A shared area's page: the object's own (kernel/shmem.c), the same in
 * every process mapping it. Reading a file's page may sleep: if the areas
 * changed meanwhile, the access runs again (as in vm_fault). */
static int fault_shared(struct mm *mm, struct vma *v, uint64_t va)
{
	uint64_t seq = mm->seq, pa;
	int err = shared_page(v->file, (v->file_off + (va - v->start)) / PAGE_SIZE, &pa);
	if (err == -EAGAIN || (!err && mm->seq != seq)) {
		if (!err)
			page_put(pa);
		return 0;
	}
	if (err == -ENOMEM)
		return out_of_memory(va);
	if (err == -ENOSPC)
		return VM_FAULT_SIGBUS; /* as Linux, for a full tmpfs */
	if (err)
		return -1;
	uint64_t *pte = paging_walk(mm->pml4, va, true);
	if (!pte || (*pte & PTE_ADDR)) {
		page_put(pa);
		return pte ? 0 : out_of_memory(va);
	}
	*pte = pa | paging_user_flags(v->prot);
	mm->mapped_pages++;
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
	/* With several CPUs the fault may be stale by the time this thread
	 * has the kernel: another thread broke the same COW page or brought
	 * it in meanwhile. If the entry now allows the access, it is done. */
	uint64_t *now = paging_walk(mm->pml4, PAGE_DOWN(addr), false);
	if (now && (*now & (PTE_P | PTE_U)) == (PTE_P | PTE_U) &&
	    (!(err & PF_WRITE) || (*now & PTE_W)) && (!(err & PF_FETCH) || !(*now & PTE_NX))) {
		invlpg(PAGE_DOWN(addr));
		return 0;
	}
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
		return out_of_memory(addr); /* no page for a table */
	if (*pte & PTE_ADDR) {
		/* A page kept through PROT_NONE: just make it present again. */
		*pte = (*pte & PTE_KEEP) | pte_flags(*pte, v->prot);
		invlpg(va);
		return 0;
	}
	/* registered: its reader fills it (kernel/userfaultfd.c), unless a
	 * shared object has the page already */
	if (v->uffd && (!vma_shared(v) ||
			!shmem_has_page(v->file, (v->file_off + (va - v->start)) / PAGE_SIZE)))
		return uffd_fault(v, addr, err);
	if (v->kind == VMA_SHM) { /* a System V segment's own page (kernel/ipc/shm.c) */
		uint64_t spa;
		int e = shm_fault_page(v->file, v->file_off + (va - v->start), &spa);
		if (e)
			return e == -ENOMEM ? out_of_memory(addr) : e;
		*pte = spa | paging_user_flags(v->prot);
		mm->mapped_pages++;
		return 0;
	}
	if (vma_shared(v))
		return fault_shared(mm, v, va);
	/* sites to rewrite: a page of its own (the trampolines' area is made
	 * first, which may move the areas: v found again) */
	bool rw = kopts.sysrw && sysrw_prepare(mm, v, va);
	if (rw && (!(v = vm_find(mm, addr)) || !(pte = paging_walk(mm->pml4, va, true))))
		return v ? out_of_memory(addr) : -1;
	uint64_t pa = rw ? sysrw_kept(mm, v, va) : fcache_page(v, va);
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
	bool pure = rw && sysrw_patch(mm, v, va, phys_to_virt(pa));
	pte = paging_walk(mm->pml4, va, true);
	if (!pte || (*pte & PTE_ADDR)) {
		/* no table now, or another thread's fault put a page there */
		pmem_free(pa);
		return pte ? 0 : out_of_memory(addr);
	}
	/* a purely patched page is kept for the next processes (shared) */
	*pte = pa | (pure && sysrw_keep(mm, v, va, pa) ? PTE_COW : 0) | paging_user_flags(v->prot);
	mm->mapped_pages++;
	return 0;
}

/* Copies between kbuf and another process's memory at addr (process_vm_readv/
 * writev), faulting its pages in as its own access would; the bytes done. */
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
			break; /* no such page, or not writable: EFAULT */
		size_t off = va & (PAGE_SIZE - 1), c = MIN(n - done, PAGE_SIZE - off);
		uint8_t *page = phys_to_virt(*pte & PTE_ADDR);
		if (write) {
			memcpy(page + off, (uint8_t *)kbuf + done, c);
			*pte |= PTE_DIRTY; /* a shared file page goes back to its file */
		} else {
			memcpy((uint8_t *)kbuf + done, page + off, c);
		}
		done += c;
	}
	return done;
}
