/* installdir.c: the kernel's files of a relocated installation: an
   extracted .deb (dpkg-deb -x), a DESTDIR install, a moved prefix. */
#include "installdir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const rel_dirs[] = { "../lib/htux", "../libexec/htux" };

char *install_find(const char *name, int mode)
{
	char self[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;
	struct stat st;

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	for (size_t i = 0; i < sizeof rel_dirs / sizeof rel_dirs[0]; i++) {
		if (snprintf(path, sizeof path, "%s/%s/%s", self, rel_dirs[i], name) >=
		    (int)sizeof path)
			continue;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, mode) == 0)
			return strdup(path);
	}
	return NULL;
}
