/* minimal.c: htux-mkimage --minimal: reads which handler serves each
   syscall number from the kernel's relocatable object (the relocations of
   its syscall_table), writes a table with only the chosen handlers, and
   links the kernel with it through link-kernel.sh (binutils' as and ld),
   whose --gc-sections leaves out the handlers nothing refers to. */
#include "minimal.h"
#include "report.h"
#include "../common/installdir.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PKGLIBDIR
#define PKGLIBDIR "/usr/local/lib/htux"
#endif
#ifndef PKGLIBEXECDIR
#define PKGLIBEXECDIR "/usr/local/libexec/htux"
#endif
#ifndef HTUX_SRCDIR
#define HTUX_SRCDIR "."
#endif

/* Calls the kernel's own vDSO makes (arch/x86_64/vdso/vdso.c). */
static const char *const vdso_calls[] = { "call_sys_clock_gettime", "call_sys_gettimeofday",
					  "call_sys_time" };

struct parts {
	char obj[PATH_MAX], lds[PATH_MAX], script[PATH_MAX], full[PATH_MAX];
};

static int readable(const char *p) { return access(p, R_OK) == 0; }

static int all_readable(const struct parts *p)
{
	return readable(p->obj) && readable(p->lds) && readable(p->script);
}

/* A relocated installation (a DESTDIR install, an extracted .deb, a moved
   prefix): each part in ../lib/htux or ../libexec/htux from the bin
   directory (tools/common/installdir.c). */
static int relocated(struct parts *p)
{
	static const struct {
		size_t off;
		const char *name;
	} part[] = {
		{ offsetof(struct parts, obj), "htux-kernel.o" },
		{ offsetof(struct parts, lds), "kernel.ld" },
		{ offsetof(struct parts, script), "link-kernel.sh" },
		{ offsetof(struct parts, full), "htux.elf" },
	};
	for (size_t i = 0; i < sizeof part / sizeof part[0]; i++) {
		char *f = install_find(part[i].name, R_OK);
		if (!f || strlen(f) >= sizeof p->obj) {
			free(f);
			return 0;
		}
		strcpy((char *)p + part[i].off, f);
		free(f);
	}
	return 1;
}

/* A build tree has htux-kernel.o next to htux-mkimage (the linker script
   and link-kernel.sh come from the sources); an installed htux has them in
   ../lib/htux or ../libexec/htux from its bin directory (also when
   installed with DESTDIR or moved), else where configure said. */
static int find_parts(struct parts *p)
{
	char *self = exe_dir();

	if (self) {
		snprintf(p->obj, sizeof p->obj, "%s/htux-kernel.o", self);
		snprintf(p->full, sizeof p->full, "%s/htux.elf", self);
		free(self);
		snprintf(p->lds, sizeof p->lds, "%s/boot/kernel.ld", HTUX_SRCDIR);
		snprintf(p->script, sizeof p->script, "%s/kernel/link-kernel.sh", HTUX_SRCDIR);
		if (all_readable(p) || relocated(p))
			return 0;
	}
	snprintf(p->obj, sizeof p->obj, "%s/htux-kernel.o", PKGLIBDIR);
	snprintf(p->lds, sizeof p->lds, "%s/kernel.ld", PKGLIBDIR);
	snprintf(p->script, sizeof p->script, "%s/link-kernel.sh", PKGLIBEXECDIR);
	snprintf(p->full, sizeof p->full, "%s/htux.elf", PKGLIBEXECDIR);
	const char *missing = !readable(p->obj)      ? p->obj
			      : !readable(p->lds)    ? p->lds
			      : !readable(p->script) ? p->script
						     : NULL;
	if (missing) {
		mk_error(missing, "%s (--minimal needs the kernel's objects, installed with htux)",
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* names[nr]: the entry syscall_table holds for nr in the object (the stub
   call_sys_NAME, which calls the handler sys_NAME: kernel/gen_syscalls.sh),
   or NULL. */
static int read_table(const char *obj, char *names[512])
{
	Elf *e;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym sym;
	size_t strndx = 0, tab_shndx = 0, symscn_ndx = 0;
	uint64_t tab_off = 0;
	Elf_Data *syms = NULL;
	int fd, found = 0, ret = -1;

	if (elf_version(EV_CURRENT) == EV_NONE || (fd = open(obj, O_RDONLY)) < 0) {
		mk_error(obj, "%s", strerror(errno));
		return -1;
	}
	e = elf_begin(fd, ELF_C_READ, NULL);
	while (e && (scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		syms = elf_getdata(scn, NULL);
		strndx = sh.sh_link;
		symscn_ndx = elf_ndxscn(scn);
		for (size_t i = 0; syms && i < sh.sh_size / sh.sh_entsize; i++) {
			const char *nm;
			if (gelf_getsym(syms, (int)i, &sym) &&
			    (nm = elf_strptr(e, strndx, sym.st_name)) &&
			    !strcmp(nm, "syscall_table") && sym.st_shndx != SHN_UNDEF) {
				tab_shndx = sym.st_shndx;
				tab_off = sym.st_value;
				found = 1;
			}
		}
	}
	if (!found) {
		mk_error(obj, "no syscall_table in the kernel's objects");
		goto out;
	}
	for (scn = NULL; (scn = elf_nextscn(e, scn));) {
		Elf_Data *d;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || sh.sh_info != tab_shndx ||
		    sh.sh_link != symscn_ndx || !(d = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Rela r;
			const char *nm;
			if (!gelf_getrela(d, (int)i, &r) || r.r_offset < tab_off ||
			    r.r_offset >= tab_off + 512 * 8 || (r.r_offset - tab_off) % 8 ||
			    !gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym) ||
			    !(nm = elf_strptr(e, strndx, sym.st_name)) || !*nm)
				continue;
			names[(r.r_offset - tab_off) / 8] = strdup(nm);
		}
	}
	ret = 0;
out:
	if (e)
		elf_end(e);
	close(fd);
	return ret;
}

/* Runs argv; 0 when it exits with 0, else -1 after saying so. */
static int run(char *const argv[])
{
	int ws;
	pid_t pid = fork();

	if (pid < 0) {
		mk_error(NULL, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &ws, 0) < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws)) {
		if (WIFEXITED(ws) && WEXITSTATUS(ws) == 127)
			mk_error(NULL, "--minimal: cannot run %s (it comes with binutils)",
				 argv[0]);
		else
			mk_error(NULL, "--minimal: %s %s failed", argv[0], argv[1]);
		return -1;
	}
	return 0;
}

/* Bytes the kernel occupies once loaded (its PT_LOAD memory sizes). */
static long long loaded_size(const char *path)
{
	Elf *e;
	GElf_Phdr ph;
	size_t n;
	long long total = -1;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (e && !elf_getphdrnum(e, &n)) {
		total = 0;
		for (size_t i = 0; i < n; i++)
			if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD)
				total += (long long)ph.p_memsz;
	}
	if (e)
		elf_end(e);
	close(fd);
	return total;
}

int minimal_kernel(const char *kernel_out, const char *prog, const struct sysscan *s,
		   int ignore_unknown)
{
	struct parts p;
	char *names[512] = { 0 };
	char dir[] = "/tmp/htux-minimal.XXXXXX", src[PATH_MAX], obj[PATH_MAX];
	int nkept = 0, nmissing = 0, ret = -1, all = s->unknown > 0 && !ignore_unknown;
	FILE *f;

	if (find_parts(&p) || read_table(p.obj, names))
		goto out_names;
	if (!mkdtemp(dir)) {
		mk_error(dir, "%s", strerror(errno));
		goto out_names;
	}
	snprintf(src, sizeof src, "%s/table.s", dir);
	snprintf(obj, sizeof obj, "%s/table.o", dir);
	f = fopen(src, "w");
	if (!f) {
		mk_error(src, "%s", strerror(errno));
		goto out_dir;
	}
	fputs("# The syscall table of a minimal htux kernel (htux-mkimage --minimal).\n"
	      "\t.section .rodata.syscall_table,\"a\"\n\t.balign 8\n\t.globl syscall_table\n"
	      "\t.type syscall_table, @object\n\t.size syscall_table, 4096\nsyscall_table:\n",
	      f);
	for (int nr = 0; nr < 512; nr++) {
		int want = all || s->used[nr];
		for (size_t k = 0; !want && names[nr] && k < sizeof vdso_calls / sizeof *vdso_calls;
		     k++)
			want = !strcmp(names[nr], vdso_calls[k]);
		if (want && names[nr]) {
			fprintf(f, "\t.quad %s\t# %d\n", names[nr], nr);
			nkept++;
		} else {
			fprintf(f, "\t.quad 0\t# %d\n", nr);
			nmissing += s->used[nr] && !names[nr];
		}
	}
	if (fclose(f)) {
		mk_error(src, "%s", strerror(errno));
		goto out_files;
	}
	char *as_argv[] = { "as", "-o", obj, src, NULL };
	char *ld_argv[] = { "sh", p.script,           "-T",  p.lds, "-t", obj,
			    "-o", (char *)kernel_out, p.obj, NULL };
	if (run(as_argv) || run(ld_argv))
		goto out_files;
	long long mine = loaded_size(kernel_out), full = loaded_size(p.full);
	size_t used = 0;
	for (int nr = 0; nr < 512; nr++)
		used += s->used[nr];
	mk_line_begin();
	fprintf(stderr,
		"htux-mkimage: --minimal: %s: %zu syscall sites, %zu with an unknown number", prog,
		s->sites, s->unknown);
	if (s->unknown) {
		fputs(" (at", stderr);
		for (size_t i = 0; i < s->unknown && i < SYSSCAN_SHOW; i++)
			fprintf(stderr, " %s:%#llx", s->unknown_in[i],
				(unsigned long long)s->unknown_at[i]);
		fputs(s->unknown > SYSSCAN_SHOW ? " ...)" : ")", stderr);
		fputs(all ? ": every handler kept" : ", ignored (--minimal-ignore-unknown)",
		      stderr);
	}
	if (!all)
		fprintf(stderr, "; %zu calls (%d not in htux)", used, nmissing);
	fprintf(stderr, "; kernel %s with %d handlers: %lld bytes loaded", kernel_out, nkept, mine);
	if (full > 0 && mine > 0)
		fprintf(stderr, " (full kernel %lld, %lld saved, %lld%%)", full, full - mine,
			(full - mine) * 100 / full);
	fputc('\n', stderr);
	ret = 0;
out_files:
	unlink(src);
	unlink(obj);
out_dir:
	rmdir(dir);
out_names:
	for (int nr = 0; nr < 512; nr++)
		free(names[nr]);
	return ret;
}
