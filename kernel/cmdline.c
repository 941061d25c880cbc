/* cmdline.c: splits the kernel command line into words (quotes and
 * backslashes as a shell does) and reads the options, the environment
 * words and the program after "--" (syntax in docs/design.md). A word it
 * does not know, or a known option with a value it does not take, is a
 * one-line error. */
#include "kernel/kernel.h"
#include "kernel/cmdline.h"
#include "net/stack.h"

struct kopts kopts;
char *cmdline_virtio_mmio[CMDLINE_MAX_MOUNTS];
int cmdline_nvirtio_mmio;

/* Copies the next word of *sp into a new string; NULL at the end. */
static char *next_word(const char **sp, bool *bad)
{
	const char *s = *sp;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s) {
		*sp = s;
		return NULL;
	}
	char *w = kmalloc(strlen(s) + 1), *o = w;
	char quote = 0;
	for (; *s; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
			else if (*s == '\\' && quote == '"' && s[1])
				*o++ = *++s;
			else
				*o++ = *s;
		} else if (*s == '\'' || *s == '"') {
			quote = *s;
		} else if (*s == '\\' && s[1]) {
			*o++ = *++s;
		} else if (*s == ' ' || *s == '\t' || *s == '\n') {
			break;
		} else {
			*o++ = *s;
		}
	}
	if (quote)
		*bad = true;
	*o = 0;
	*sp = s;
	return w;
}

static bool is_env_word(const char *w)
{
	const char *eq = strchr(w, '=');
	if (!eq || eq == w)
		return false;
	for (const char *p = w; p < eq; p++) {
		bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_' ||
			  (p > w && *p >= '0' && *p <= '9');
		if (!ok)
			return false;
	}
	return true;
}

static bool looks_like_kernel_path(const char *w)
{
	size_t n = strlen(w);
	return strchr(w, '/') || (n >= 4 && !strcmp(w + n - 4, ".elf"));
}

/* Does s start with digits of base 10 or 16 (after an optional 0x)?
 * Moves it past them. */
static bool digits(const char **s, bool hex)
{
	const char *p = *s;
	if (hex && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	const char *start = p;
	while ((*p >= '0' && *p <= '9') ||
	       (hex && ((*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F'))))
		p++;
	*s = p;
	return p != start;
}

/* SIZE[K|M]@ADDR:IRQ, as QEMU's microvm gives it. */
static bool mmio_device_ok(const char *s)
{
	if (!digits(&s, false))
		return false;
	if (*s && strchr("KkMm", *s))
		s++;
	if (*s++ != '@' || !digits(&s, true) || *s++ != ':' || !digits(&s, false))
		return false;
	return !*s;
}

int cmdline_parse(const char *s, struct cmdline *cl)
{
	bool bad = false, after = false, first = true;
	char *w;

	memset(cl, 0, sizeof(*cl));
	while ((w = next_word(&s, &bad))) {
		bool was_first = first;
		first = false;
		if (after) {
			if (cl->argc < CMDLINE_MAX_WORDS - 1)
				cl->argv[cl->argc++] = w;
			continue;
		}
		if (!strcmp(w, "--"))
			after = true;
		else if (!strcmp(w, "verbose"))
			kopts.verbose = true;
		else if (!strcmp(w, "trace"))
			kopts.trace = true;
		else if (!strcmp(w, "strace"))
			kopts.strace = kopts.trace = true;
		else if (!strcmp(w, "syscall_summary"))
			kopts.summary = true;
		else if (!strcmp(w, "sysrw"))
			kopts.sysrw = true;
		else if (!strcmp(w, "panic_test"))
			kopts.panic_test = 1;
		else if (!strcmp(w, "panic_test=fault"))
			kopts.panic_test = 2;
		else if (!strcmp(w, "panic_test=recurse"))
			kopts.panic_test = 3;
		else if (!strcmp(w, "panic_test=fault-recurse"))
			kopts.panic_test = 4;
		else if (!strcmp(w, "panic_test=sleep-in-spinlock"))
			kopts.panic_test = 5;
		else if (!strcmp(w, "panic_test=lock-order"))
			kopts.panic_test = 6;
		else if (!strcmp(w, "panic_test=bkl-race"))
			kopts.panic_test = 7;
		else if (!strcmp(w, "panic_test=share-full"))
			kopts.panic_test = 8;
		else if (!strcmp(w, "quiet"))
			kopts.verbose = false;
		else if (!strncmp(w, "ip=", 3)) {
			if (net_set_ip_option(w + 3))
				return -1;
		} else if (!strcmp(w, "console=hvc") || !strcmp(w, "console=hvc0"))
			kopts.console_hvc = true;
		else if (!strcmp(w, "console=ttyS0") || !strcmp(w, "console=uart"))
			kopts.console_hvc = false;
		else if (!strcmp(w, "notty"))
			kopts.console_notty = true;
		else if (!strcmp(w, "stderr=com3"))
			kopts.stderr_com3 = true;
		else if (!strcmp(w, "init"))
			kopts.init = true;
		else if (!strcmp(w, "fastsys"))
			kopts.fastsys = 1, kopts.sysrw = true; /* the sites become calls */
		else if (!strcmp(w, "fastsys=selftest"))
			kopts.fastsys = 2, kopts.sysrw = true;
		else if (!strncmp(w, "fastsys=", 8)) {
			kprintf("htux: bad kernel option '%s' (fastsys or fastsys=selftest)\n", w);
			return -1;
		} else if (!strncmp(w, "user=", 5)) {
			if (!w[5] || strlen(w + 5) >= 64) {
				kprintf("htux: bad kernel option '%s' (user=NAME|UID[:GID])\n", w);
				return -1;
			}
			cl->user = w + 5;
		} else if (!strncmp(w, "root=", 5)) {
			const char *d = w + 5 + (strncmp(w + 5, "/dev/", 5) ? 0 : 5);
			if (!*d || strlen(d) >= 8 || strchr(d, '/')) {
				kprintf("htux: bad kernel option '%s' (root=/dev/vdX)\n", w);
				return -1;
			}
			cl->root = w + 5;
		} else if (!strncmp(w, "console=", 8)) {
			kprintf("htux: bad kernel option '%s' (console=hvc or console=ttyS0)\n", w);
			return -1;
		} else if (!strncmp(w, "virtio_mmio.device=", 19)) {
			if (!mmio_device_ok(w + 19)) {
				kprintf("htux: bad kernel option '%s' (virtio_mmio.device=SIZE@ADDR:IRQ)\n",
					w);
				return -1;
			}
			if (cmdline_nvirtio_mmio < CMDLINE_MAX_MOUNTS)
				cmdline_virtio_mmio[cmdline_nvirtio_mmio++] = w + 19;
		} else if (!strncmp(w, "mount.", 6) && strchr(w, '=')) {
			char *eq = strchr(w, '=');
			*eq = 0;
			if (eq == w + 6 || eq[1] != '/' || cl->nmounts >= CMDLINE_MAX_MOUNTS) {
				kprintf("htux: bad kernel option '%s=%s' (mount.DISK=/PATH, at most %d)\n",
					w, eq + 1, CMDLINE_MAX_MOUNTS);
				return -1;
			}
			cl->mount_dev[cl->nmounts] = w + 6;
			cl->mount_path[cl->nmounts++] = eq + 1;
		} else if (is_env_word(w)) {
			if (cl->nenv < CMDLINE_MAX_WORDS - 1)
				cl->env[cl->nenv++] = w;
		} else if (was_first && looks_like_kernel_path(w)) {
			/* QEMU and GRUB put the kernel's own path first. */
		} else {
			kprintf("htux: unknown kernel option '%s' (see the README for -append)\n",
				w);
			return -1;
		}
	}
	kopts.watch = kopts.strace || kopts.summary;
	if (bad) {
		kprintf("htux: unbalanced quote in the kernel command line\n");
		return -1;
	}
	if (after && cl->argc == 0) {
		kprintf("htux: no program after '--' in the kernel command line\n");
		return -1;
	}
	return 0;
}
