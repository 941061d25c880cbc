/* elfdyn.h: what the dynamic loader reads in an ELF object: its type,
   PT_INTERP and its dynamic section (DT_NEEDED, DT_RPATH, DT_RUNPATH,
   DT_SONAME, DF_1_NODEFLIB). */
#ifndef HTUX_MKIMAGE_ELFDYN_H
#define HTUX_MKIMAGE_ELFDYN_H

#include <stddef.h>

struct elf_dyn {
	char **needed; /* DT_NEEDED names, in order */
	size_t nneeded;
	char *rpath; /* DT_RPATH, DT_RUNPATH, DT_SONAME or NULL */
	char *runpath;
	char *soname;
	int nodeflib;  /* DF_1_NODEFLIB */
	char *interp;  /* PT_INTERP path, or NULL */
	unsigned type; /* e_type: ET_EXEC, ET_DYN, ... */
};

enum { ELFDYN_OK = 0, ELFDYN_OTHER_CLASS = 1, ELFDYN_ERROR = -1 };

/* Reads path. Returns ELFDYN_OK, ELFDYN_OTHER_CLASS when it is an ELF
   file of another class or machine (ld.so passes over it), or
   ELFDYN_ERROR with a reason (static string) in *why: not an ELF file, a
   damaged one, or out of memory; errno is kept for open errors (*why is
   then NULL). want_so: require ET_DYN, as ld.so does for a library. */
int elf_dyn_read(const char *path, int want_so, struct elf_dyn *d, const char **why);
void elf_dyn_free(struct elf_dyn *d);

#endif
