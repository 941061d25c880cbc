/* sys/mem.c: brk, mmap, munmap, mprotect, mremap and madvise over the
 * program's address space (kernel/vm.c). */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "fs/vfs.h"
#include <asm-generic/mman-common.h>
#include <asm-generic/mman.h>
#include <linux/mman.h>

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

	if (len == 0 || (off & (PAGE_SIZE - 1)) || (type != MAP_PRIVATE && type != MAP_SHARED &&
						    type != MAP_SHARED_VALIDATE))
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
		if (f->ops && (f->ops->flags & FOP_MMAP_ANON)) {
			file = NULL;          /* /dev/zero: anonymous memory */
			flags |= MAP_ANONYMOUS;
			goto place;
		}
		if (!file || (inode_mode(file) & 0170000) != 0100000)
			return -ENODEV;
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
		if (addr < USER_MMAP_MIN || addr + len > USER_TOP || addr + len < addr)
			return -ENOMEM;
		if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) && !vm_range_free(mm, addr, len))
			return -EEXIST;
	} else {
		addr = vm_find_free(mm, len, addr);
		if (!addr)
			return -ENOMEM;
	}
	int err = vm_map(mm, addr, len, prot, flags, file, off, file_bytes, file ? VMA_FILEMAP : 0);
	return err ? err : (long)addr;
}

long sys_munmap(uint64_t addr, size_t len)
{
	if ((addr & (PAGE_SIZE - 1)) || len == 0 || addr + len < addr || addr + len > USER_TOP)
		return -EINVAL;
	return vm_unmap(current->mm, addr, PAGE_UP(len));
}

long sys_mprotect(uint64_t addr, size_t len, int prot)
{
	if ((addr & (PAGE_SIZE - 1)) || addr + len < addr)
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (len == 0)
		return 0;
	return vm_protect(current->mm, addr, PAGE_UP(len), prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
}

long sys_mremap(uint64_t old, size_t oldlen, size_t newlen, int flags, uint64_t newaddr)
{
	struct mm *mm = current->mm;

	if ((old & (PAGE_SIZE - 1)) || newlen == 0 || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
		return -EINVAL;
	oldlen = PAGE_UP(oldlen);
	newlen = PAGE_UP(newlen);
	struct vma *v = vm_find(mm, old);
	if (!v || oldlen == 0 || v->end < old + oldlen)
		return -EFAULT;

	if (flags & MREMAP_FIXED) {
		if ((newaddr & (PAGE_SIZE - 1)) || newaddr < USER_MMAP_MIN || newaddr + newlen > USER_TOP)
			return -EINVAL;
		if (newaddr < old + oldlen && old < newaddr + newlen)
			return -EINVAL;
		vm_unmap(mm, newaddr, newlen);
		long r = vm_move(mm, old, MIN(oldlen, newlen), newaddr);
		if (r)
			return r;
		if (oldlen > newlen)
			vm_unmap(mm, old + newlen, oldlen - newlen);
		else if (newlen > oldlen)
			vm_map(mm, newaddr + oldlen, newlen - oldlen, v->prot, v->flags, NULL, 0, 0, 0);
		return newaddr;
	}
	if (newlen <= oldlen) {
		if (newlen < oldlen)
			vm_unmap(mm, old + newlen, oldlen - newlen);
		return old;
	}
	uint64_t grow = newlen - oldlen;
	if (!v->file && v->end == old + oldlen && vm_range_free(mm, old + oldlen, grow)) {
		if (vm_map(mm, old + oldlen, grow, v->prot, v->flags, NULL, 0, 0, v->kind))
			return -ENOMEM;
		return old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	uint64_t to = vm_find_free(mm, newlen, 0);
	if (!to)
		return -ENOMEM;
	int prot = v->prot, vflags = v->flags;
	bool anon = !v->file;
	long r = vm_move(mm, old, oldlen, to);
	if (r)
		return r;
	if (anon)
		r = vm_map(mm, to + oldlen, grow, prot, vflags, NULL, 0, 0, 0);
	else {
		struct vma *nv = vm_find(mm, to);
		r = vm_map(mm, to + oldlen, grow, prot, vflags, nv->file, nv->file_off + oldlen,
			   nv->file_bytes > oldlen ? nv->file_bytes - oldlen : 0, 0);
	}
	return r ? r : (long)to;
}

long sys_msync(uint64_t addr, size_t len, int flags)
{
	if ((addr & (PAGE_SIZE - 1)) || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)) || addr + len < addr)
		return -EINVAL;
	if (len == 0)
		return 0;
	return vm_sync(current->mm, addr, PAGE_UP(len));
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

long sys_madvise(uint64_t addr, size_t len, int advice)
{
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_FREE: {
		/* Linux drops the pages of the mapped parts and then reports
		 * a hole in the range with ENOMEM. */
		uint64_t end = addr + PAGE_UP(len);
		if (end < addr)
			return -EINVAL;
		vm_zap(current->mm, addr, PAGE_UP(len));
		return range_mapped(current->mm, addr, end) ? 0 : -ENOMEM;
	}
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_HUGEPAGE: case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP:
	case MADV_MERGEABLE: case MADV_UNMERGEABLE: case MADV_DONTFORK: case MADV_DOFORK:
		return 0;   /* advice that changes nothing here */
	default:
		return -EINVAL;
	}
}
