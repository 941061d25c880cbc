/* path.c: host paths: $PATH lookup and lexical absolute paths. */
#include "path.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

char *path_search(const char *name)
{
	const char *p, *end;
	char *fallback = NULL, *cand;
	size_t dlen, nlen = strlen(name);
	struct stat st;

	if (strchr(name, '/'))
		return strdup(name);
	if (!*name) {
		errno = ENOENT;
		return NULL;
	}
	p = getenv("PATH");
	if (!p)
		p = DEFAULT_PATH;
	for (;; p = end + 1) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		dlen = end > p ? (size_t)(end - p) : 1;
		cand = malloc(dlen + 1 + nlen + 1);
		if (!cand) {
			free(fallback);
			return NULL;
		}
		memcpy(cand, end > p ? p : ".", dlen);
		cand[dlen] = '/';
		memcpy(cand + dlen + 1, name, nlen + 1);
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(cand, X_OK) == 0) {
				free(fallback);
				return cand;
			}
			if (!fallback) {
				fallback = cand;
				cand = NULL;
			}
		}
		free(cand);
		if (!*end)
			break;
	}
	if (!fallback)
		errno = ENOENT;
	return fallback;
}

char *path_normalize(const char *path)
{
	size_t len = strlen(path), o = 0, n;
	const char *p = path, *e;
	char *out = malloc(len + 2);

	if (!out)
		return NULL;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchr(p, '/');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

/* The current directory: $PWD when it is absolute and names ".", so that
   paths keep the symbolic links the user sees; else getcwd(). */
static char *current_dir(void)
{
	const char *pwd = getenv("PWD");
	struct stat a, b;
	char *buf;

	if (pwd && pwd[0] == '/' && stat(pwd, &a) == 0 && stat(".", &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino && !strstr(pwd, "/./") &&
	    !strstr(pwd, "/../"))
		return strdup(pwd);
	buf = malloc(PATH_MAX);
	if (!buf)
		return NULL;
	if (!getcwd(buf, PATH_MAX)) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *path_absolute(const char *path)
{
	char *cwd, *joined, *out;

	if (path[0] == '/')
		return path_normalize(path);
	cwd = current_dir();
	if (!cwd)
		return NULL;
	joined = malloc(strlen(cwd) + 1 + strlen(path) + 1);
	if (!joined) {
		free(cwd);
		return NULL;
	}
	strcpy(joined, cwd);
	strcat(joined, "/");
	strcat(joined, path);
	out = path_normalize(joined);
	free(joined);
	free(cwd);
	return out;
}

char *path_join(const char *dir, const char *child)
{
	size_t d = strlen(dir), c = strlen(child);
	char *out;

	if (d == 1 && dir[0] == '/')
		d = 0;
	out = malloc(d + 1 + c + 1);
	if (!out)
		return NULL;
	memcpy(out, dir, d);
	out[d] = '/';
	memcpy(out + d + 1, child, c + 1);
	return out;
}
