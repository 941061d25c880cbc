/* locate.c: finding the kernel, htux-mkimage and QEMU; KVM. */
#include "locate.h"
#include "report.h"
#include "../common/installdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PKGLIBEXECDIR
#define PKGLIBEXECDIR "/usr/local/libexec/htux"
#endif

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
	char *p;

	if (opt)
		return checked(opt, "kernel ");
	if (env && *env)
		return checked(env, "HTUX_KERNEL=");
	p = exe_sibling("htux.elf", R_OK);
	if (!p)
		p = install_find("htux.elf", R_OK);
	if (p)
		return p;
	return checked(PKGLIBEXECDIR "/htux.elf", "kernel ");
}

char *locate_tool(const char *name)
{
	char *p = exe_sibling(name, X_OK);

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
