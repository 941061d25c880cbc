/* elf.h: loading an ELF executable or interpreter into the address space. */
#ifndef HTUX_ELF_H
#define HTUX_ELF_H

#include "kernel/kernel.h"

struct mm;
struct inode;

struct elf_image {
	uint64_t base;  /* load bias (0 for ET_EXEC) */
	uint64_t entry; /* with the bias */
	uint64_t phdr;  /* address of the program headers in memory */
	uint64_t phnum, phent;
	uint64_t end;    /* end of the highest segment */
	char *interp;    /* PT_INTERP path (kmalloc'd: the caller frees it), or NULL */
	const char *why; /* on -ENOEXEC for a bad PT_INTERP: what is wrong with it */
};

/* Loads file at its own addresses (ET_EXEC) or at a free place near
 * base_hint (ET_DYN). On error prints nothing and returns -errno:
 * -ENOEXEC not an x86_64 ELF program or a bad PT_INTERP (as Linux: 2 to
 * PATH_MAX bytes ending in a NUL; and only one, which Linux does not
 * check: why says which), -EINVAL bad headers, -ENOMEM. */
int elf_load(struct mm *mm, struct inode *file, uint64_t base_hint, struct elf_image *img);

#endif
