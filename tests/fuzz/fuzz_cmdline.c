/* fuzz_cmdline.c: libFuzzer target for the kernel's command-line parser
 * (kernel/cmdline.c, built for the host against tests/fuzz/shim). The
 * input is one command line; the parser must never read or write out of
 * bounds, whatever the quotes, backslashes and option words. The words it
 * returns are checked to be NUL-terminated strings inside their bounds.
 * Built and run by tests/fuzz/run.sh. */
#include "kernel/kernel.h"
#include "kernel/cmdline.h"
#include "net/stack.h"

#include <setjmp.h>

static jmp_buf out;
static void *allocs[65536];
static size_t nallocs;

void *fuzz_kmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p || nallocs == sizeof allocs / sizeof allocs[0])
		abort();
	allocs[nallocs++] = p;
	return p;
}

void fuzz_kfree(void *p)
{
	for (size_t i = 0; i < nallocs; i++)
		if (allocs[i] == p) {
			allocs[i] = allocs[--nallocs];
			free(p);
			return;
		}
	abort(); /* not ours, or freed twice */
}

int net_set_ip_option(const char *val) { return strlen(val) > 64 ? -1 : 0; }

void vm_exit(int status) { longjmp(out, status + 1); }

void panic(const char *fmt, ...)
{
	(void)fmt;
	abort();
}

static void release(struct cmdline *cl)
{
	/* Every word is its own allocation, as next_word makes it; mount
	   words point inside them, so only the word starts are freed. */
	for (int i = 0; i < cl->nenv; i++)
		(void)strlen(cl->env[i]);
	for (int i = 0; i < cl->argc; i++)
		(void)strlen(cl->argv[i]);
	for (int i = 0; i < cl->nmounts; i++)
		(void)strlen(cl->mount_dev[i]), (void)strlen(cl->mount_path[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cmdline cl;
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	memset(&kopts, 0, sizeof kopts);
	cmdline_nvirtio_mmio = 0;
	if (setjmp(out) == 0 && cmdline_parse(s, &cl) == 0)
		release(&cl);
	while (nallocs)
		free(allocs[--nallocs]);
	free(s);
	return 0;
}
