/* elf.c: reads an ELF file's headers, checks that it is an x86_64
 * executable we can run, and maps its PT_LOAD segments as private file
 * areas (the bss is the zero tail of the last one). */
#include "kernel/kernel.h"
#include "kernel/elf.h"
#include "kernel/vm.h"
#include "fs/vfs.h"
#include <linux/elf.h>
#include <asm-generic/mman-common.h>
#include <asm-generic/mman.h>
#include <linux/mman.h>

#define MAX_PHDRS 64

static int prot_of(uint32_t pflags)
{
	return ((pflags & PF_R) ? PROT_READ : 0) | ((pflags & PF_W) ? PROT_WRITE : 0) |
	       ((pflags & PF_X) ? PROT_EXEC : 0);
}

static int read_headers(struct inode *file, Elf64_Ehdr *eh, Elf64_Phdr *ph)
{
	uint64_t size = inode_size(file);
	if (inode_read(file, eh, sizeof(*eh), 0) != sizeof(*eh))
		return -ENOEXEC;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64 ||
	    (eh->e_type != ET_EXEC && eh->e_type != ET_DYN))
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > MAX_PHDRS ||
	    eh->e_phoff > size || eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff)
		return -EINVAL;
	size_t len = eh->e_phnum * sizeof(Elf64_Phdr);
	if (inode_read(file, ph, len, eh->e_phoff) != (ssize_t)len)
		return -EINVAL;
	return 0;
}

/* Reads the PT_INTERP path of header p into img->interp: 0 or -errno. */
static int read_interp(struct inode *file, uint64_t size, const Elf64_Phdr *p,
		       struct elf_image *img)
{
	if (img->interp) {
		img->why = "two PT_INTERP program headers";
		return -ENOEXEC;
	}
	if (p->p_filesz < 2 || p->p_filesz > PATH_MAX) {
		img->why = "bad PT_INTERP: its size is not 2 to PATH_MAX bytes";
		return -ENOEXEC;
	}
	if (p->p_offset > size || p->p_filesz > size - p->p_offset)
		return -EINVAL;
	img->interp = kmalloc(p->p_filesz);
	if (!img->interp)
		return -ENOMEM;
	if (inode_read(file, img->interp, p->p_filesz, p->p_offset) != (ssize_t)p->p_filesz)
		return -EINVAL;
	if (img->interp[p->p_filesz - 1]) {
		img->why = "bad PT_INTERP: the path does not end in a NUL";
		return -ENOEXEC;
	}
	return 0;
}

static int load(struct mm *mm, struct inode *file, uint64_t base_hint, struct elf_image *img);

int elf_load(struct mm *mm, struct inode *file, uint64_t base_hint, struct elf_image *img)
{
	memset(img, 0, sizeof(*img));
	int err = load(mm, file, base_hint, img);
	if (err) {
		kfree(img->interp);
		img->interp = NULL;
	}
	return err;
}

static int load(struct mm *mm, struct inode *file, uint64_t base_hint, struct elf_image *img)
{
	Elf64_Ehdr eh;
	static Elf64_Phdr ph[MAX_PHDRS];
	uint64_t size = inode_size(file);
	int err = read_headers(file, &eh, ph);
	if (err)
		return err;

	uint64_t lo = ~0UL, hi = 0;
	for (int i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		if (p->p_type == PT_INTERP && (err = read_interp(file, size, p, img)))
			return err;
		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_memsz < p->p_filesz || p->p_offset > size ||
		    p->p_filesz > size - p->p_offset ||
		    (p->p_vaddr & (PAGE_SIZE - 1)) != (p->p_offset & (PAGE_SIZE - 1)) ||
		    p->p_vaddr + p->p_memsz < p->p_vaddr)
			return -EINVAL;
		lo = MIN(lo, PAGE_DOWN(p->p_vaddr));
		hi = MAX(hi, PAGE_UP(p->p_vaddr + p->p_memsz));
	}
	if (hi == 0 || hi - lo > USER_TOP)
		return -EINVAL;

	uint64_t base = 0;
	if (eh.e_type == ET_DYN) {
		base = vm_find_free(mm, hi - lo, base_hint);
		if (!base)
			return -ENOMEM;
		base -= lo;
	} else if (lo < USER_MMAP_MIN || hi > USER_TOP) {
		return -EINVAL;
	}

	for (int i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		if (p->p_type != PT_LOAD || p->p_memsz == 0)
			continue;
		uint64_t start = PAGE_DOWN(base + p->p_vaddr);
		uint64_t skew = (base + p->p_vaddr) - start;
		uint64_t end = PAGE_UP(base + p->p_vaddr + p->p_memsz);
		err = vm_map(mm, start, end - start, prot_of(p->p_flags), MAP_PRIVATE, file,
			     p->p_offset - skew, p->p_filesz + skew, 0);
		if (err)
			return err;
		if (p->p_offset <= eh.e_phoff && eh.e_phoff - p->p_offset < p->p_filesz &&
		    !img->phdr)
			img->phdr = base + p->p_vaddr + (eh.e_phoff - p->p_offset);
	}
	for (int i = 0; i < eh.e_phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			img->phdr = base + ph[i].p_vaddr;
	img->base = base;
	img->entry = base + eh.e_entry;
	img->phnum = eh.e_phnum;
	img->phent = eh.e_phentsize;
	img->end = base + hi;
	return 0;
}
