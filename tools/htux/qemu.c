/* qemu.c: the htux-mkimage and QEMU command lines of one run. */
#include "qemu.h"

#include <stdlib.h>
#include <string.h>

char *kernel_cmdline(const struct htux_opts *o)
{
	const char *flags[4], *w;
	size_t n = 0, len = 1, i;
	char *s;

	if (o->verbose)
		flags[n++] = "verbose";
	if (o->trace)
		flags[n++] = "trace";
	if (o->strace)
		flags[n++] = "strace";
	if (o->summary)
		flags[n++] = "syscall_summary";
	for (i = 0; i < n; i++)
		len += strlen(flags[i]) + 1;
	for (i = 0; i < o->nappend; i++)
		len += strlen(o->append[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < n + o->nappend; i++) {
		w = i < n ? flags[i] : o->append[i - n];
		if (!*w)
			continue;
		if (*s)
			strcat(s, " ");
		strcat(s, w);
	}
	return s;
}

int mkimage_command(const struct htux_opts *o, const struct run_paths *p,
		    struct argvec *out)
{
	size_t i;

	argvec_push(out, p->mkimage);
	argvec_push(out, "-o");
	argvec_push(out, p->image);
	for (i = 0; i < o->nmk; i++)
		argvec_push(out, o->mk[i]);
	if (p->minimal) {
		argvec_push(out, "--minimal");
		argvec_push(out, p->minimal);
	}
	argvec_push(out, "--");
	for (i = 0; i < o->nprog; i++)
		argvec_push(out, o->prog[i]);
	return out->nomem ? -1 : 0;
}

/* s with each ',' doubled, as QEMU option values need. */
static char *commas(const char *s)
{
	size_t n = strlen(s), i, k = 0;
	char *r;

	for (i = 0; s[i]; i++)
		n += s[i] == ',';
	r = malloc(n + 1);
	if (!r)
		return NULL;
	for (i = 0; s[i]; i++) {
		r[k++] = s[i];
		if (s[i] == ',')
			r[k++] = ',';
	}
	r[k] = '\0';
	return r;
}

int qemu_command(const struct htux_opts *o, const struct run_paths *p,
		 struct argvec *out)
{
	char *cmdline = kernel_cmdline(o);
	char *image = commas(p->image), *status = commas(p->status);
	size_t i;

	argvec_push(out, p->qemu);
	argvec_push(out, "-M");
	argvec_push(out, o->machine);
	argvec_push(out, "-m");
	argvec_push(out, o->mem);
	argvec_push(out, "-accel");
	argvec_push(out, p->kvm ? "kvm" : "tcg");
	if (o->cpu || p->kvm) {
		argvec_push(out, "-cpu");
		argvec_push(out, o->cpu ? o->cpu : "host");
	}
	argvec_push(out, "-nodefaults");
	argvec_push(out, "-no-reboot");
	argvec_push(out, "-display");
	argvec_push(out, "none");
	argvec_push(out, "-monitor");
	argvec_push(out, "none");
	argvec_push(out, "-kernel");
	argvec_push(out, p->kernel);
	if (image) {
		argvec_push(out, "-initrd");
		argvec_push(out, image);
	}
	if (cmdline) {
		argvec_push(out, "-append");
		argvec_push(out, cmdline);
	}
	argvec_push(out, "-serial");
	argvec_push(out, "stdio");
	if (status) {
		argvec_push(out, "-chardev");
		argvec_pushf(out, "file,id=htux-status,path=%s", status);
	}
	argvec_push(out, "-device");
	argvec_push(out, "isa-serial,chardev=htux-status,iobase=0x2f8,irq=3");
	argvec_push(out, "-device");
	argvec_push(out, "isa-debug-exit,iobase=0xf4,iosize=4");
	if (o->gdb_port > 0) {		/* gdbstub, paused until gdb continues */
		argvec_push(out, "-gdb");
		argvec_pushf(out, "tcp:127.0.0.1:%d", o->gdb_port);
		argvec_push(out, "-S");
	}
	for (i = 0; i < o->nqemu_args; i++)
		argvec_push(out, o->qemu_args[i]);
	free(cmdline);
	free(image);
	free(status);
	return out->nomem || !cmdline || !image || !status ? -1 : 0;
}
