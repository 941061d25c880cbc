/* usersyms.c: names a user code address from the ELF file mapped there:
 * the address becomes a file offset (through the mapping), then a link-time
 * address (through the PT_LOAD segment holding that offset), then the
 * function symbol covering it in .symtab, or in .dynsym for a stripped
 * library. Reads the file from the filesystem, a piece at a time. */
#include "kernel/kernel.h"
#include "kernel/usersyms.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "fs/vfs.h"
#include <linux/elf.h>

static bool read_at(struct inode *f, void *buf, size_t n, uint64_t off)
{
	return inode_read(f, buf, n, off) == (ssize_t)n;
}

/* The link-time address of file offset off, from the program headers. */
static bool file_to_vaddr(struct inode *f, const Elf64_Ehdr *eh, uint64_t off, uint64_t *va)
{
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		if (!read_at(f, &ph, sizeof(ph), eh->e_phoff + (uint64_t)i * sizeof(ph)))
			return false;
		if (ph.p_type == PT_LOAD && off >= ph.p_offset && off < ph.p_offset + ph.p_filesz) {
			*va = off - ph.p_offset + ph.p_vaddr;
			return true;
		}
	}
	return false;
}

/* The function symbol of table sh (SHT_SYMTAB or SHT_DYNSYM) covering va. */
static bool lookup(struct inode *f, const Elf64_Ehdr *eh, const Elf64_Shdr *sh, uint64_t va,
		   bool ret, char *buf, size_t n)
{
	Elf64_Sym syms[32];
	Elf64_Shdr str;
	uint64_t count = sh->sh_entsize == sizeof(Elf64_Sym) ? sh->sh_size / sizeof(Elf64_Sym) : 0;

	if (sh->sh_link >= eh->e_shnum ||
	    !read_at(f, &str, sizeof(str), eh->e_shoff + (uint64_t)sh->sh_link * sizeof(str)))
		return false;
	for (uint64_t i = 0; i < count; i += ARRAY_SIZE(syms)) {
		size_t k = (size_t)MIN((uint64_t)ARRAY_SIZE(syms), count - i);
		if (!read_at(f, syms, k * sizeof(Elf64_Sym), sh->sh_offset + i * sizeof(Elf64_Sym)))
			return false;
		for (size_t j = 0; j < k; j++) {
			const Elf64_Sym *s = &syms[j];
			if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || !s->st_value ||
			    va < s->st_value || va >= s->st_value + MAX(s->st_size, 1))
				continue;
			char name[96];
			ssize_t got = inode_read(f, name, sizeof(name) - 1,
						 str.sh_offset + s->st_name);
			if (got <= 0)
				return false;
			name[got] = 0;
			ksnprintf(buf, n, "%s+0x%lx", name, (uint64_t)(va + ret - s->st_value));
			return true;
		}
	}
	return false;
}

bool usersym_name(uint64_t pc, bool ret, char *buf, size_t n)
{
	pc -= ret;
	struct vma *v = current && current->mm ? vm_find(current->mm, pc) : NULL;
	struct inode *f = v ? v->file : NULL;
	Elf64_Ehdr eh;
	uint64_t va;

	if (!f || !read_at(f, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    !file_to_vaddr(f, &eh, pc - v->start + v->file_off, &va))
		return false;
	for (int pass = 0; pass < 2; pass++) { /* .symtab, then .dynsym */
		for (int i = 0; i < eh.e_shnum; i++) {
			Elf64_Shdr sh;
			if (!read_at(f, &sh, sizeof(sh), eh.e_shoff + (uint64_t)i * sizeof(sh)))
				return false;
			if (sh.sh_type == (pass ? SHT_DYNSYM : SHT_SYMTAB) &&
			    lookup(f, &eh, &sh, va, ret, buf, n))
				return true;
		}
	}
	return false;
}
