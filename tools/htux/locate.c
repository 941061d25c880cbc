/* locate.c: finding the kernel, htux-mkimage and QEMU; KVM. */
#include "locate.h"
#include "report.h"
#include "../common/installdir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PKGLIBEXECDIR
#define PKGLIBEXECDIR "/usr/local/libexec/htux"
#endif

/* The directory holding the running executable, or NULL. */
static char *self_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return strdup(buf[0] ? buf : "/");
}

/* dir/name when it exists and access(mode) allows it, else NULL. */
static char *in_dir(const char *dir, const char *name, int mode)
{
	struct stat st;
	char *p;

	if (!dir)
		return NULL;
	p = malloc(strlen(dir) + 1 + strlen(name) + 1);
	if (!p)
		return NULL;
	strcpy(p, dir);
	strcat(p, "/");
	strcat(p, name);
	if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, mode) == 0)
		return p;
	free(p);
	return NULL;
}

static char *checked(const char *path, const char *how)
{
	struct stat st;
	char *p;

	if (stat(path, &st)) {
		htux_error("%s%s: %s", how, path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || access(path, R_OK)) {
		htux_error("%s%s: %s", how, path,
			   S_ISREG(st.st_mode) ? strerror(errno) : "not a regular file");
		return NULL;
	}
	p = strdup(path);
	if (!p)
		htux_error("out of memory");
	return p;
}

char *locate_kernel(const char *opt)
{
	const char *env = getenv("HTUX_KERNEL");
	char *dir, *p;

	if (opt)
		return checked(opt, "kernel ");
	if (env && *env)
		return checked(env, "HTUX_KERNEL=");
	dir = self_dir();
	p = in_dir(dir, "htux.elf", R_OK);
	free(dir);
	if (!p)
		p = install_find("htux.elf", R_OK);
	if (p)
		return p;
	return checked(PKGLIBEXECDIR "/htux.elf", "kernel ");
}

char *locate_tool(const char *name)
{
	char *dir = self_dir(), *p;

	p = in_dir(dir, name, X_OK);
	free(dir);
	return p ? p : strdup(name);
}

const char *locate_qemu(const char *opt)
{
	const char *env = getenv("HTUX_QEMU");

	if (opt)
		return opt;
	if (env && *env)
		return env;
	return "qemu-system-x86_64";
}
