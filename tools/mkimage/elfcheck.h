/* elfcheck.h: is a host file a program htux can run? */
#ifndef HTUX_MKIMAGE_ELFCHECK_H
#define HTUX_MKIMAGE_ELFCHECK_H

struct elf_info {
	unsigned type; /* ET_EXEC or ET_DYN */
	char *interp;  /* PT_INTERP path (malloc'd), or NULL */
};

/* Checks that path is a readable, executable regular file holding an
   x86-64 ELF executable (ET_EXEC, or ET_DYN with an entry point). On
   failure prints one "htux-mkimage: PATH: reason" line and returns -1. */
int elf_check(const char *path, struct elf_info *info);
void elf_info_free(struct elf_info *info);

#endif
