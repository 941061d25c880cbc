/* installdir.c: the files beside the running program: a build tree's,
   or a relocated installation's (an extracted .deb, a DESTDIR install, a
   moved prefix). */
#include "installdir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const rel_dirs[] = { "../lib/htux", "../libexec/htux" };

char *exe_dir(void)
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

char *file_in(const char *dir, const char *name, int mode)
{
	struct stat st;
	char *p;

	if (!dir)
		return NULL;
	p = malloc(strlen(dir) + 1 + strlen(name) + 1);
	if (!p)
		return NULL;
	sprintf(p, "%s/%s", dir, name);
	if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, mode) == 0)
		return p;
	free(p);
	return NULL;
}

char *exe_sibling(const char *name, int mode)
{
	char *dir = exe_dir(), *p = file_in(dir, name, mode);

	free(dir);
	return p;
}

char *install_find(const char *name, int mode)
{
	char *dir = exe_dir(), *p = NULL;

	for (size_t i = 0; dir && !p && i < sizeof rel_dirs / sizeof rel_dirs[0]; i++) {
		char *sub = malloc(strlen(dir) + 1 + strlen(rel_dirs[i]) + 1);
		if (!sub)
			break;
		sprintf(sub, "%s/%s", dir, rel_dirs[i]);
		p = file_in(sub, name, mode);
		free(sub);
	}
	free(dir);
	return p;
}
