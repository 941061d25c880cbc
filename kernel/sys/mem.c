/* sys/mem.c: brk, mmap, munmap, mprotect, mremap, msync, madvise and remap_file_pages over
 * the program's address space (kernel/vm.c), with Linux's checks of the
 * ranges given: lengths rounding up to 0, ends wrapping past 2^64 or
 * reaching above user space are refused with Linux's errors, never
 * mapped. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/shmem.h"
#include "fs/vfs.h"
#include <asm-generic/mman-common.h>
#include <asm-generic/mman.h>
#include <linux/mman.h>
#include <linux/uio.h>

long sys_brk(uint64_t addr)
{
	struct mm *mm = current->mm;
	uint64_t old_end = PAGE_UP(mm->brk), new_end = PAGE_UP(addr);

	if (addr < mm->brk_start || addr >= USER_MMAP_TOP)
		return mm->brk;
	if (new_end > old_end) {
		if (!vm_range_free(mm, old_end, new_end - old_end) ||
		    vm_map(mm, old_end, new_end - old_end, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0, 0, VMA_HEAP))
			return mm->brk;
	} else if (new_end < old_end) {
		vm_unmap(mm, new_end, old_end - new_end);
	}
	mm->brk = addr;
	return mm->brk;
}

long sys_mmap(uint64_t addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct mm *mm = current->mm;
	struct inode *file = NULL;
	uint64_t file_bytes = 0;
	int type = flags & MAP_TYPE;

	if (len == 0 || (off & (PAGE_SIZE - 1)) ||
	    (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE))
		return -EINVAL;
	if (len > USER_TOP)
		return -ENOMEM;
	len = PAGE_UP(len);
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;

	if (!(flags & MAP_ANONYMOUS)) {
		struct file *f = fd_get(fd);
		if (!f || (f->flags & O_PATH))
			return -EBADF;
		file = file_inode(f);
		if (f->ops && f->ops->mmap) {
			uint64_t o;
			int e = f->ops->mmap(f, (uint64_t)off, len, &file, &o);
			if (e)
				return e;
			off = (off_t)o;
			file_bytes = inode_size(file) - o;
			flags = (flags & ~MAP_TYPE) | MAP_SHARED;
			type = MAP_SHARED;
			goto place;
		}
		if (f->ops && (f->ops->flags & FOP_MMAP_ANON)) {
			file = NULL; /* /dev/zero: anonymous memory */
			flags |= MAP_ANONYMOUS;
			goto place;
		}
		if (!file || (inode_mode(file) & 0170000) != 0100000)
			return -ENODEV;
		/* Linux: the offset's last page must stay below 2^63. */
		if ((uint64_t)off >> 12 > (INT64_MAX - len) >> 12)
			return -EOVERFLOW;
		if (!file_readable(f))
			return -EACCES;
		if (type != MAP_PRIVATE && (prot & PROT_WRITE) && !file_writable(f))
			return -EACCES;
		uint64_t size = inode_size(file);
		file_bytes = (uint64_t)off < size ? size - off : 0;
	}

place:
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if (addr < USER_MMAP_MIN || addr > USER_TOP - len)
			return -ENOMEM;
		if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
		    !vm_range_free(mm, addr, len))
			return -EEXIST;
	} else {
		addr = vm_find_free(mm, len, addr);
		if (!addr)
			return -ENOMEM;
	}
	bool made = type != MAP_PRIVATE && (flags & MAP_ANONYMOUS);
	if (made) {
		/* Linux: shared anonymous memory is a shmem object of len
		 * bytes, shown as "/dev/zero (deleted)", with every process
		 * that inherits the mapping mapping its pages. */
		file = shmem_new("dev/zero", len);
		if (!file)
			return -ENOMEM;
		flags &= ~MAP_ANONYMOUS;
		off = 0;
		file_bytes = len;
	}
	int err = vm_map(mm, addr, len, prot, flags, file, off, file_bytes, file ? VMA_FILEMAP : 0);
	if (made)
		inode_put(file); /* the area holds its own */
	return err ? err : (long)addr;
}

/* munmap's checks (also for the tail a shrinking mremap drops): all of
 * [addr, addr + len) in user space. */
static long unmap_range(uint64_t addr, uint64_t len)
{
	if ((addr & (PAGE_SIZE - 1)) || addr > USER_TOP || len > USER_TOP - addr)
		return -EINVAL;
	len = PAGE_UP(len);
	if (len == 0)
		return -EINVAL;
	return vm_unmap(current->mm, addr, len);
}

long sys_munmap(uint64_t addr, size_t len) { return unmap_range(addr, len); }

long sys_mprotect(uint64_t addr, size_t len, int prot)
{
	if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP))
		return -EINVAL;
	prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (len == 0)
		return 0;
	len = PAGE_UP(len);
	if (addr + len <= addr)
		return -ENOMEM; /* rounded up to 0, or wraps */
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	return vm_protect(current->mm, addr, len, prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
}

/* Maps [at, at + len) as more of the area a (a copy: the area itself
 * may have moved) after its byte from: anonymous memory alike, or the
 * next bytes of its file or shared object (past an anonymous shared
 * object's size, SIGBUS as on Linux). */
static long extend(struct mm *mm, const struct vma *a, uint64_t from, uint64_t at, uint64_t len)
{
	if (!a->file)
		return vm_map(mm, at, len, a->prot, a->flags, NULL, 0, 0, a->kind);
	uint64_t off = a->file_off + (from - a->start), size = inode_size(a->file);
	return vm_map(mm, at, len, a->prot, a->flags, a->file, off, size > off ? size - off : 0,
		      a->kind);
}

long sys_mremap(uint64_t old, size_t oldlen, size_t newlen, int flags, uint64_t newaddr)
{
	struct mm *mm = current->mm;
	bool fixed = flags & MREMAP_FIXED;

	/* Linux's order of checks: the arguments, then the area. */
	if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) || (old & (PAGE_SIZE - 1)))
		return -EINVAL;
	oldlen = PAGE_UP(oldlen);
	newlen = PAGE_UP(newlen);
	if (newlen == 0 || newlen > USER_TOP)
		return -EINVAL; /* rounded up to 0, or more than user space */
	if (fixed && (newaddr > USER_TOP - newlen || (newaddr & (PAGE_SIZE - 1)) ||
		      newaddr < USER_MMAP_MIN || !(flags & MREMAP_MAYMOVE) ||
		      (old + oldlen > newaddr && newaddr + newlen > old)))
		return -EINVAL;
	struct vma *v = vm_find(mm, old);
	if (!v)
		return -EFAULT;
	/* Growing or moving: the old range (the part kept, when shrinking)
	 * must lie in one area; a shrink may unmap past it. */
	if (oldlen == 0 && !fixed && vma_shared(v)) {
		/* Linux: a second mapping of the same shared pages */
		if (!(flags & MREMAP_MAYMOVE))
			return -ENOMEM;
		uint64_t to = vm_find_free(mm, newlen, 0);
		if (!to)
			return -ENOMEM;
		struct vma a = *v;
		long r = extend(mm, &a, old, to, newlen);
		return r ? r : (long)to;
	}
	if (fixed || newlen > oldlen) {
		if (oldlen == 0)
			return -EINVAL;
		if (MIN(oldlen, newlen) > v->end - old)
			return -EFAULT;
	}

	if (fixed) {
		long r = vm_unmap(mm, newaddr, newlen);
		if (!r && newlen < oldlen)
			r = unmap_range(old + newlen, oldlen - newlen);
		if (r)
			return r;
		oldlen = MIN(oldlen, newlen);
		v = vm_find(mm, old); /* the unmapping may have split it */
		if (!v)
			return -EFAULT;
		struct vma a = *v;
		a.kind = a.file ? a.kind : 0;
		r = vm_move(mm, old, oldlen, newaddr);
		if (r)
			return r;
		if (newlen > oldlen)
			extend(mm, &a, old + oldlen, newaddr + oldlen, newlen - oldlen);
		return newaddr;
	}
	if (newlen <= oldlen) {
		if (newlen < oldlen) {
			long r = unmap_range(old + newlen, oldlen - newlen);
			if (r)
				return r;
		}
		return old;
	}
	uint64_t grow = newlen - oldlen;
	if (v->end == old + oldlen && vm_range_free(mm, old + oldlen, grow)) {
		struct vma a = *v;
		if (extend(mm, &a, old + oldlen, old + oldlen, grow))
			return -ENOMEM;
		return old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	uint64_t to = vm_find_free(mm, newlen, 0);
	if (!to)
		return -ENOMEM;
	struct vma a = *v;
	a.kind = a.file ? a.kind : 0;
	if (a.file)
		inode_get(a.file); /* the copy's, while the area moves */
	long r = vm_move(mm, old, oldlen, to);
	if (!r)
		r = extend(mm, &a, old + oldlen, to + oldlen, grow);
	if (a.file)
		inode_put(a.file);
	return r ? r : (long)to;
}

long sys_msync(uint64_t addr, size_t len, int flags)
{
	if ((addr & (PAGE_SIZE - 1)) || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	len = PAGE_UP(len);
	if (addr + len < addr)
		return -ENOMEM;
	if (len == 0)
		return 0;
	return vm_sync(current->mm, addr, len, flags & MS_SYNC);
}

/* Whether every page of [start, end) belongs to an area. */
static bool range_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
	while (start < end) {
		struct vma *v = vm_find(mm, start);
		if (!v || v->start > start)
			return false;
		start = v->end;
	}
	return true;
}

/* madvise's work on address space mm (the caller's, or another
 * process's for process_madvise). */
static long advise(struct mm *mm, uint64_t addr, size_t len, int advice)
{
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_FREE:
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_COLD:
	case MADV_PAGEOUT:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_DONTFORK:
	case MADV_DOFORK: break; /* all but the first two change nothing here */
	default: return -EINVAL;
	}
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	uint64_t end = addr + PAGE_UP(len);
	if ((len && end == addr) || end < addr)
		return -EINVAL; /* rounded up to 0, or wraps */
	if (end == addr)
		return 0;
	/* Linux drops the pages of the mapped parts and then reports a hole
	 * in the range with ENOMEM. */
	if (advice == MADV_DONTNEED || advice == MADV_FREE)
		vm_zap(mm, addr, end - addr);
	return range_mapped(mm, addr, end) ? 0 : -ENOMEM;
}

long sys_madvise(uint64_t addr, size_t len, int advice)
{
	return advise(current->mm, addr, len, advice);
}

/* process_madvise: madvise over the ranges of an iovec in the process a
 * pidfd names: any advice for the caller's own memory (as Linux 6.13
 * on), only the hints (COLD, PAGEOUT, WILLNEED, COLLAPSE) and with
 * CAP_SYS_NICE for another's. The bytes advised, or the first error. */
long sys_process_madvise(int pidfd, const struct iovec *uvec, size_t vlen, int advice,
			 unsigned flags)
{
	if (flags || vlen > 1024)
		return -EINVAL;
	struct iovec *iov = vlen ? kmalloc(vlen * sizeof(*iov)) : NULL;
	if (vlen && !iov)
		return -ENOMEM;
	long ret = vlen && copy_from_user(iov, uvec, vlen * sizeof(*iov)) ? -EFAULT : 0;
	int pid = ret ? 0 : pidfd_fd_pid(pidfd, NULL);
	struct proc *p = NULL;
	if (!ret && pid < 0)
		ret = pid;
	else if (!ret && (!(p = proc_find(pid)) || p->state != P_ALIVE || !p->mm))
		ret = -ESRCH;
	else if (!ret && !proc_may_access(p))
		ret = -EACCES;
	else if (!ret && p->mm != current->mm) {
		if (advice != MADV_COLD && advice != MADV_PAGEOUT && advice != MADV_WILLNEED &&
		    advice != 25 /* MADV_COLLAPSE */)
			ret = -EINVAL;
		else if (!capable(CAP_SYS_NICE))
			ret = -EPERM;
	}
	size_t done = 0;
	for (size_t i = 0; !ret && i < vlen; i++) {
		ret = advise(p->mm, (uint64_t)iov[i].iov_base, iov[i].iov_len, advice);
		if (!ret)
			done += iov[i].iov_len;
	}
	kfree(iov);
	return done ? (long)done : ret;
}

/* remap_file_pages: deprecated; as Linux, emulated by mapping the file's
 * pages from pgoff afresh over [start, start + size) of a shared mapping
 * (or several contiguous ones of the same file and flags), with the
 * area's protection. */
long sys_remap_file_pages(uint64_t start, size_t size, int prot, size_t pgoff, int flags)
{
	struct mm *mm = current->mm;

	(void)flags; /* only MAP_NONBLOCK counts, which changes nothing here */
	if (prot)
		return -EINVAL;
	start &= ~(PAGE_SIZE - 1);
	size &= ~(PAGE_SIZE - 1);
	if (start + size <= start || pgoff + (size >> 12) < pgoff)
		return -EINVAL;
	struct vma *v = vm_find(mm, start);
	if (!v || !vma_shared(v))
		return -EINVAL;
	for (struct vma *a = v; a->end < start + size; a = a->next) {
		struct vma *n = a->next;
		if (!n || n->start != a->end || n->file != v->file ||
		    (n->flags & MAP_TYPE) != (v->flags & MAP_TYPE) || n->prot != v->prot)
			return -EINVAL;
	}
	if (pgoff > (uint64_t)INT64_MAX >> 12)
		return -EOVERFLOW;
	uint64_t off = pgoff << 12, fsize = inode_size(v->file);
	return vm_map(mm, start, size, v->prot, v->flags, v->file, off,
		      off < fsize ? fsize - off : 0, v->kind);
}
