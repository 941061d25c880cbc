/* elfcheck.c: is a host file a program htux can run? (libelf checks) */
#include "elfcheck.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_386: return "i386";
	case EM_ARM: return "arm";
	case EM_AARCH64: return "aarch64";
	case EM_RISCV: return "riscv";
	case EM_PPC: return "powerpc";
	case EM_PPC64: return "powerpc64";
	case EM_S390: return "s390";
	case EM_MIPS: return "mips";
	case EM_SPARCV9: return "sparc64";
	case EM_IA_64: return "ia64";
	case EM_LOONGARCH: return "loongarch";
	default: return NULL;
	}
}

static const char *type_name(unsigned t)
{
	switch (t) {
	case ET_NONE: return "an ELF file of no type";
	case ET_REL: return "a relocatable object (.o), not a program";
	case ET_CORE: return "a core dump, not a program";
	default: return "not an executable ELF file";
	}
}

/* The PT_INTERP string, or NULL with *bad set when the header is wrong:
   as Linux, 2 to PATH_MAX (4096) bytes in the file, the last one a NUL
   (and the kernel refuses an empty path). */
static char *read_interp(Elf *e, const GElf_Phdr *ph, int *bad)
{
	size_t size;
	const char *raw = elf_rawfile(e, &size);
	const char *s;

	if (!raw || ph->p_offset >= size || ph->p_filesz < 2 || ph->p_filesz > 4096 ||
	    ph->p_filesz > size - ph->p_offset) {
		*bad = 1;
		return NULL;
	}
	s = raw + ph->p_offset;
	if (s[ph->p_filesz - 1] != '\0' || s[0] == '\0') {
		*bad = 1;
		return NULL;
	}
	return strdup(s);
}

static int check(const char *path, int fd, struct elf_info *info)
{
	Elf *e;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t i, nph;
	const char *mname;
	int cls, bad = 0, ret = -1;

	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e) {
		mk_error(path, "cannot read as ELF: %s", elf_errmsg(-1));
		return -1;
	}
	if (elf_kind(e) != ELF_K_ELF) {
		mk_error(path, "not an ELF file (htux runs x86-64 Linux ELF programs)");
		goto out;
	}
	cls = gelf_getclass(e);
	if (!gelf_getehdr(e, &eh)) {
		mk_error(path, "bad ELF header: %s", elf_errmsg(-1));
		goto out;
	}
	if (eh.e_machine != EM_X86_64) {
		mname = machine_name(eh.e_machine);
		if (mname)
			mk_error(path, "wrong architecture: %s (htux runs x86-64 programs)", mname);
		else
			mk_error(path,
				 "wrong architecture: ELF machine %u (htux runs x86-64 programs)",
				 (unsigned)eh.e_machine);
		goto out;
	}
	if (cls != ELFCLASS64) {
		mk_error(path, "not a 64-bit program (ELFCLASS32, x32 ABI is not supported)");
		goto out;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		mk_error(path, "%s", type_name(eh.e_type));
		goto out;
	}
	if (eh.e_entry == 0) {
		mk_error(path, "no entry point (a shared library, not a program)");
		goto out;
	}
	if (elf_getphdrnum(e, &nph)) {
		mk_error(path, "bad program headers: %s", elf_errmsg(-1));
		goto out;
	}
	info->type = eh.e_type;
	info->interp = NULL;
	for (i = 0; i < nph; i++) {
		if (!gelf_getphdr(e, (int)i, &ph)) {
			mk_error(path, "bad program header %zu: %s", i, elf_errmsg(-1));
			goto out;
		}
		if (ph.p_type != PT_INTERP)
			continue;
		if (info->interp) {
			mk_error(path,
				 "two PT_INTERP program headers (htux runs programs with one)");
			goto out;
		}
		info->interp = read_interp(e, &ph, &bad);
		if (bad) {
			mk_error(path, "bad PT_INTERP program header");
			goto out;
		}
		if (!info->interp) {
			mk_error(path, "%s", strerror(errno));
			goto out;
		}
	}
	ret = 0;
out:
	if (ret)
		elf_info_free(info);
	elf_end(e);
	return ret;
}

int elf_check(const char *path, struct elf_info *info)
{
	struct stat st;
	int fd, ret;

	info->type = 0;
	info->interp = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		mk_error(NULL, "libelf: %s", elf_errmsg(-1));
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		mk_error(path, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		mk_error(path, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		mk_error(path, "is a directory, not a program");
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		mk_error(path, "not a regular file");
		close(fd);
		return -1;
	}
	if (!(st.st_mode & 0111)) {
		mk_error(path, "not executable (no x permission)");
		close(fd);
		return -1;
	}
	ret = check(path, fd, info);
	close(fd);
	return ret;
}

void elf_info_free(struct elf_info *info)
{
	free(info->interp);
	info->interp = NULL;
}
