/* vm.h: the program's address space: a sorted list of areas (VMAs), each
 * anonymous or backed by a file, filled page by page on first touch. */
#ifndef HTUX_VM_H
#define HTUX_VM_H

#include "kernel/kernel.h"
#include "kernel/mempolicy.h"

struct inode;
struct uffd;
struct sysrw_area;

#define USER_STACK_TOP 0x00007FFFFFFFF000UL
#define USER_STACK_SIZE (8UL << 20)
#define USER_MMAP_TOP 0x00007FFFF7FFF000UL /* mmap areas grow down from here */
#define USER_MMAP_MIN 0x0000000000010000UL /* mmap_min_addr */

#define VMA_STACK 1 /* the main stack (shown as [stack]) */
#define VMA_HEAP 2  /* the brk area (shown as [heap]) */
#define VMA_VVAR 3  /* the vDSO's data page: kernel pages, never freed */
#define VMA_VDSO 4  /* the vDSO: kernel pages, never freed */
#define VMA_FILEMAP \
	5 /* a file mapped by mmap(2): a page wholly past the end of
			  * the file is SIGBUS, as on Linux (not so for the ELF
			  * loader's segments, whose tail is the bss) */
#define VMA_SHM \
	6           /* a System V shared memory attachment (kernel/ipc/shm.c): file
			 * is the segment's inode, its pages the segment's own */
#define VMA_SYSRW 7 /* trampolines of rewritten syscall sites (kernel/sysrw.c) */
#define VMA_SPECIAL(v) ((v)->kind == VMA_VVAR || (v)->kind == VMA_VDSO)

struct vma {
	uint64_t start, end; /* page-aligned [start, end) */
	int prot;            /* PROT_* */
	int flags;           /* MAP_* as given to mmap */
	int kind;            /* VMA_* or 0 */
	struct inode *file;  /* NULL: anonymous */
	uint64_t file_off;   /* file offset of start */
	uint64_t file_bytes; /* bytes from start that come from the file; the rest reads as zeros */
	struct uffd *uffd;   /* registered: its missing pages are kernel/userfaultfd.c's */
	struct mempolicy mpol; /* mbind's (kernel/mempolicy.c); zeroed: none */
	struct vma *next;
};

/* Whether v maps its object's shared pages (MAP_SHARED of a file or an
 * anonymous shared-memory object: kernel/shmem.c), the same in every
 * process, rather than pages of its own. */
static inline bool vma_shared(const struct vma *v)
{
	return v->file && (v->flags & 0x0f) != 0x02; /* MAP_TYPE, MAP_PRIVATE */
}

struct mm {
	int refs;       /* processes using it (a CLONE_VM child until it execs) */
	uint64_t *pml4; /* its own; the kernel half shared with boot_pml4 */
	struct vma *vmas;
	uint64_t brk_start, brk;
	uint64_t stack_top;
	uint64_t mapped_pages;    /* resident user pages */
	uint64_t seq;             /* bumped by every change to the areas or their
				    pages (map, unmap, protect, move, zap): a
				    fault that slept checks it did not change */
	struct uffd *uffds;       /* the userfaultfds serving it (told when it goes) */
	struct sysrw_area *sysrw; /* trampoline areas (kernel/sysrw.c) */
};

struct mm *mm_create(void);
/* A copy of mm for fork: the areas (file references taken) and every
 * present page copied; the vDSO's kernel pages mapped again. NULL when out
 * of memory. */
struct mm *mm_copy(struct mm *mm);
/* Drops a reference; the last one frees the pages, tables and areas. The
 * CPU must not be using mm's tables (switch to another first). */
void mm_put(struct mm *mm);
/* Loads mm's page tables (boot_pml4 for NULL). */
void mm_activate(struct mm *mm);
struct vma *vm_find(struct mm *mm, uint64_t addr);
/* Splits the area containing addr (page-aligned) so that one starts
 * there: 0, or -ENOMEM. */
int vm_split(struct mm *mm, uint64_t addr);
/* Maps [start, start+len) (page-aligned), replacing whatever was there.
 * 0 or -ENOMEM. */
int vm_map(struct mm *mm, uint64_t start, uint64_t len, int prot, int flags, struct inode *file,
	   uint64_t file_off, uint64_t file_bytes, int kind);
int vm_unmap(struct mm *mm, uint64_t start, uint64_t len);
/* Maps the given kernel pages at start (present at once, user, with prot;
 * they are not freed when unmapped). */
int vm_map_special(struct mm *mm, uint64_t start, size_t npages, const uint64_t *phys, int prot,
		   int kind);
/* Drops the pages of [start, start+len), keeping the areas (they read as
 * zeros, or the file, again). */
void vm_zap(struct mm *mm, uint64_t start, uint64_t len);
/* Moves the pages and the area of [old, old+len) to new. */
int vm_move(struct mm *mm, uint64_t old, uint64_t len, uint64_t new);
/* Writes the dirty pages of shared file areas in the range back to their
 * files (msync); -ENOMEM if part of the range is unmapped. */
int vm_sync(struct mm *mm, uint64_t start, uint64_t len, bool sync);
/* Writes every dirty page of mm's shared file mappings back (the VM ends). */
void vm_sync_all(struct mm *mm);
/* Writes the dirty pages of every process's shared mappings of ino (of
 * every file: NULL) back to it (fsync, sync). */
int vm_sync_file(struct inode *ino); /* the first error */
int vm_protect(struct mm *mm, uint64_t start, uint64_t len, int prot);
/* Registers the areas of [start, end) (page-aligned) with the userfaultfd
 * u (NULL: unregisters them), splitting areas at the ends; -ENOMEM. A
 * copy for fork and an area moved by mremap are not registered. */
int vm_set_uffd(struct mm *mm, uint64_t start, uint64_t end, struct uffd *u);
/* A free range of len bytes: at hint if free, else the highest below the
 * mmap top. 0 if none. */
uint64_t vm_find_free(struct mm *mm, uint64_t len, uint64_t hint);
bool vm_range_free(struct mm *mm, uint64_t start, uint64_t len);
/* Page fault at addr with the CPU's error code: 0 if the page is now
 * there, -1 if the access is not allowed (SIGSEGV), VM_FAULT_SIGBUS for a
 * program's access to a file mapping past the end of its file. */
#define VM_FAULT_SIGBUS (-2)
int vm_fault(uint64_t addr, uint64_t err);
/* The same for the address space mm, which need not be the current one. */
int vm_fault_in(struct mm *mm, uint64_t addr, uint64_t err);
/* Copies n bytes between the kernel buffer kbuf and [addr, addr+n) of mm
 * (another process's: process_vm_readv/writev), faulting pages in as the
 * process's own read or write would; the bytes copied (less than n where
 * a page is missing or, for write, not writable). mm must stay (hold a
 * reference). */
size_t vm_copy_remote(struct mm *mm, uint64_t addr, void *kbuf, size_t n, bool write);
/* kernel/filemap.c: writes the dirty pages of v (a shared file area) in
 * [start, end) back to its file (never past its end: a mapping does not
 * grow a file). */
void vm_write_back(struct mm *mm, struct vma *v, uint64_t start, uint64_t end);
/* kernel/filemap.c: the shared page holding the bytes of a read-only
 * private file area v at va (program text), with a reference for the
 * caller's mapping; 0: not such a page, or no room (fill one's own). */
uint64_t fcache_page(struct vma *v, uint64_t va);
/* Makes the pages of the current process's [addr, addr+len) present and
 * writable, as a write would (thread_exit's clear_child_tid, in a thread
 * already leaving: out of memory fails rather than kills). 0, or -1. */
int vm_prepare_write(uint64_t addr, size_t len);

#endif
