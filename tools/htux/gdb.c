/* gdb.c: htux run --gdb: where the program is loaded in the guest and the
   gdb command line that loads the kernel's and the program's symbols. */
#include "gdb.h"
#include "report.h"
#include "../mkimage/path.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PIE_BASE 0x555555554000LL /* kernel/exec.c */

long long gdb_load_base(const char *prog)
{
	Elf64_Ehdr eh;
	FILE *f = fopen(prog, "rb");
	size_t n;

	if (!f) {
		htux_error("%s: %s", prog, strerror(errno));
		return -1;
	}
	n = fread(&eh, 1, sizeof eh, f);
	fclose(f);
	if (n != sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)) {
		htux_error("%s: not an x86-64 ELF executable", prog);
		return -1;
	}
	return eh.e_type == ET_DYN ? PIE_BASE : 0;
}

/* s in single quotes for a POSIX shell. */
static void quoted(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	fputc('\'', out);
}

int gdb_hint(FILE *out, int port, const char *kernel, const char *prog)
{
	char *path = path_search(prog), *abs_prog = path ? path_absolute(path) : NULL;
	char *abs_kernel = path_absolute(kernel), cmd[4200], *text = NULL;
	size_t len = 0;
	long long base = -1;
	FILE *m = NULL;

	if (!path)
		htux_error("%s: %s", prog, strerror(errno));
	else if (!abs_prog || !abs_kernel || !(m = open_memstream(&text, &len)))
		htux_error("out of memory");
	else
		base = gdb_load_base(abs_prog);
	if (base >= 0) {
		/* Built in memory and written at once: stderr is unbuffered,
		   and whoever reads the line must never see half of it. */
		fprintf(m,
			"htux: QEMU waits for gdb on 127.0.0.1:%d; the guest starts when gdb "
			"continues. Run:\ngdb -q -ex ",
			port);
		snprintf(cmd, sizeof cmd, "target remote 127.0.0.1:%d", port);
		quoted(m, cmd);
		fputs(" -ex ", m);
		snprintf(cmd, sizeof cmd, "symbol-file %s", abs_kernel);
		quoted(m, cmd);
		fputs(" -ex ", m);
		snprintf(cmd, sizeof cmd, "add-symbol-file %s -o %#llx", abs_prog, base);
		quoted(m, cmd);
		fputs(" -ex 'hbreak main' -ex continue\n", m);
	}
	if (m && fclose(m) == 0 && base >= 0) {
		fwrite(text, 1, len, out);
		fflush(out);
	} else if (base >= 0) {
		htux_error("out of memory");
		base = -1;
	}
	free(text);
	free(path);
	free(abs_prog);
	free(abs_kernel);
	return base >= 0 ? 0 : -1;
}
