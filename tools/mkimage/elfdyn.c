/* elfdyn.c: what the dynamic loader reads in an ELF object: the class and
   machine it checks before using a library, the type and PT_INTERP, and
   the dynamic section found
   through PT_DYNAMIC (as ld.so finds it, so that objects without section
   headers work), with DT_STRTAB mapped to a file offset through PT_LOAD. */
#include "elfdyn.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The file offset of virtual address addr (inside a file of size bytes),
   or (size_t)-1. */
static size_t vaddr_offset(Elf *e, size_t nph, GElf_Addr addr, size_t size)
{
	GElf_Phdr ph;
	size_t i;

	for (i = 0; i < nph; i++) {
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr < ph.p_vaddr || addr - ph.p_vaddr >= ph.p_filesz)
			continue;
		if (ph.p_offset >= size || addr - ph.p_vaddr >= size - ph.p_offset)
			return (size_t)-1;
		return (size_t)(ph.p_offset + (addr - ph.p_vaddr));
	}
	return (size_t)-1;
}

/* The string at offset off of the string table (at file offset str <
   size, strsz bytes long), copied, or NULL. */
static char *dyn_string(const char *raw, size_t size, size_t str, GElf_Xword strsz, GElf_Xword off,
			int *bad)
{
	size_t end;

	if (off >= strsz || off >= size - str) {
		*bad = 1;
		return NULL;
	}
	end = strsz < size - str ? str + (size_t)strsz : size;
	if (!memchr(raw + str + off, '\0', end - str - off)) {
		*bad = 1;
		return NULL;
	}
	return strdup(raw + str + off);
}

static int read_dynamic(Elf *e, size_t nph, const GElf_Phdr *dp, struct elf_dyn *d,
			const char **why)
{
	GElf_Xword strtab = 0, strsz = 0, rpath = 0, runpath = 0, soname = 0;
	int has_str = 0, has_rpath = 0, has_runpath = 0, has_soname = 0;
	size_t size, n, i, k, str;
	const char *raw = elf_rawfile(e, &size);
	Elf_Data *data;
	GElf_Dyn dyn;
	char **v;
	int bad = 0;

	if (!raw || dp->p_offset > size || dp->p_filesz > size - dp->p_offset) {
		*why = "damaged PT_DYNAMIC";
		return ELFDYN_ERROR;
	}
	data = elf_getdata_rawchunk(e, (off_t)dp->p_offset, dp->p_filesz, ELF_T_DYN);
	if (!data) {
		*why = "damaged dynamic section";
		return ELFDYN_ERROR;
	}
	n = dp->p_filesz / gelf_fsize(e, ELF_T_DYN, 1, EV_CURRENT);
	for (i = 0; i < n && gelf_getdyn(data, (int)i, &dyn); i++) {
		switch (dyn.d_tag) {
		case DT_NULL: i = n; break;
		case DT_STRTAB:
			strtab = dyn.d_un.d_ptr;
			has_str = 1;
			break;
		case DT_STRSZ: strsz = dyn.d_un.d_val; break;
		case DT_RPATH:
			rpath = dyn.d_un.d_val;
			has_rpath = 1;
			break;
		case DT_RUNPATH:
			runpath = dyn.d_un.d_val;
			has_runpath = 1;
			break;
		case DT_SONAME:
			soname = dyn.d_un.d_val;
			has_soname = 1;
			break;
		case DT_FLAGS_1:
			if (dyn.d_un.d_val & DF_1_NODEFLIB)
				d->nodeflib = 1;
			break;
		case DT_NEEDED: d->nneeded++; break;
		}
	}
	if (!d->nneeded && !has_rpath && !has_runpath && !has_soname)
		return ELFDYN_OK;
	str = has_str ? vaddr_offset(e, nph, strtab, size) : (size_t)-1;
	if (str == (size_t)-1 || str >= size) {
		*why = "damaged dynamic section (DT_STRTAB)";
		return ELFDYN_ERROR;
	}
	if (d->nneeded) {
		d->needed = calloc(d->nneeded, sizeof *d->needed);
		if (!d->needed) {
			*why = "out of memory";
			return ELFDYN_ERROR;
		}
	}
	v = d->needed;
	for (i = 0, k = 0; i < n && gelf_getdyn(data, (int)i, &dyn); i++) {
		if (dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag == DT_NEEDED && k < d->nneeded) {
			v[k] = dyn_string(raw, size, str, strsz, dyn.d_un.d_val, &bad);
			if (!v[k++])
				break;
		}
	}
	if (!bad && k == d->nneeded && (!d->nneeded || v[k - 1])) {
		if (has_rpath)
			d->rpath = dyn_string(raw, size, str, strsz, rpath, &bad);
		if (!bad && has_runpath)
			d->runpath = dyn_string(raw, size, str, strsz, runpath, &bad);
		if (!bad && has_soname)
			d->soname = dyn_string(raw, size, str, strsz, soname, &bad);
		if (!bad && (!has_rpath || d->rpath) && (!has_runpath || d->runpath) &&
		    (!has_soname || d->soname))
			return ELFDYN_OK;
	}
	*why = bad ? "damaged dynamic section (bad string offset)" : "out of memory";
	return ELFDYN_ERROR;
}

/* PT_INTERP's path, copied into d->interp; -1 when damaged. */
static int read_interp(Elf *e, const GElf_Phdr *ph, struct elf_dyn *d)
{
	size_t size;
	const char *raw = elf_rawfile(e, &size);

	if (!raw || ph->p_offset > size || ph->p_filesz > size - ph->p_offset || !ph->p_filesz ||
	    !memchr(raw + ph->p_offset, '\0', ph->p_filesz))
		return -1;
	free(d->interp);
	d->interp = strdup(raw + ph->p_offset);
	return d->interp ? 0 : -1;
}

static int check(Elf *e, int want_so, struct elf_dyn *d, const char **why)
{
	GElf_Ehdr eh;
	GElf_Phdr ph, dyn = { 0 };
	size_t i, nph;
	int has_dyn = 0;

	if (elf_kind(e) != ELF_K_ELF) {
		*why = "not an ELF file";
		return ELFDYN_ERROR;
	}
	if (!gelf_getehdr(e, &eh)) {
		*why = "damaged ELF header";
		return ELFDYN_ERROR;
	}
	if (gelf_getclass(e) != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return ELFDYN_OTHER_CLASS;
	d->type = eh.e_type;
	if (want_so && eh.e_type != ET_DYN) {
		*why = "not a shared object";
		return ELFDYN_ERROR;
	}
	if (elf_getphdrnum(e, &nph)) {
		*why = "damaged program headers";
		return ELFDYN_ERROR;
	}
	for (i = 0; i < nph; i++) {
		if (!gelf_getphdr(e, (int)i, &ph)) {
			*why = "damaged program headers";
			return ELFDYN_ERROR;
		}
		if (ph.p_type == PT_INTERP && read_interp(e, &ph, d)) {
			*why = "damaged PT_INTERP";
			return ELFDYN_ERROR;
		}
		if (ph.p_type == PT_DYNAMIC && !has_dyn) {
			dyn = ph;
			has_dyn = 1;
		}
	}
	return has_dyn ? read_dynamic(e, nph, &dyn, d, why) : ELFDYN_OK;
}

int elf_dyn_read(const char *path, int want_so, struct elf_dyn *d, const char **why)
{
	Elf *e;
	int fd, r, saved;

	memset(d, 0, sizeof *d);
	*why = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		*why = "libelf cannot be initialized";
		return ELFDYN_ERROR;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ELFDYN_ERROR;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e) {
		close(fd);
		*why = "not an ELF file";
		return ELFDYN_ERROR;
	}
	r = check(e, want_so, d, why);
	saved = errno;
	elf_end(e);
	close(fd);
	errno = saved;
	if (r != ELFDYN_OK)
		elf_dyn_free(d);
	return r;
}

void elf_dyn_free(struct elf_dyn *d)
{
	size_t i;

	for (i = 0; d->needed && i < d->nneeded; i++)
		free(d->needed[i]);
	free(d->needed);
	free(d->rpath);
	free(d->runpath);
	free(d->soname);
	free(d->interp);
	memset(d, 0, sizeof *d);
}
