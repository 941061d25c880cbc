/* ociroot.c: --oci: looking things up in an unpacked root filesystem as
   if it were "/": the entrypoint along the image's PATH (symbolic links
   followed inside the root), a user's home in its /etc/passwd, and the
   working directory that docker run would create. */
#include "oci.h"
#include "report.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_HOPS 40

/* rootfs + guest (absolute), malloc'd. */
static char *host_of(const char *rootfs, const char *guest)
{
	size_t n = strlen(rootfs), m = strlen(guest);
	char *s = malloc(n + m + 1);

	if (s) {
		memcpy(s, rootfs, n);
		memcpy(s + n, guest, m + 1);
	}
	return s;
}

/* The guest path guest resolves to inside rootfs, every symbolic link
   followed there (an absolute target starts again at the root, ".." stops
   at it). Returns the host path of what it names (malloc'd), or NULL when
   a component is missing, a loop, or out of memory. */
static char *in_root(const char *rootfs, const char *guest)
{
	char cur[PATH_MAX] = "", rest[PATH_MAX], comp[NAME_MAX + 1], host[PATH_MAX * 2];
	char target[PATH_MAX], tmp[PATH_MAX];
	int hops = 0;
	struct stat st;

	if (snprintf(rest, sizeof rest, "%s", guest) >= (int)sizeof rest)
		return NULL;
	for (char *r = rest; *r;) {
		size_t n = strcspn(r, "/");
		if (n > NAME_MAX)
			return NULL;
		memcpy(comp, r, n);
		comp[n] = '\0';
		r += n;
		while (*r == '/')
			r++;
		if (!n || !strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			char *slash = strrchr(cur, '/');
			if (slash)
				*slash = '\0';
			continue;
		}
		size_t len = strlen(cur);
		if (len + 1 + n >= sizeof cur)
			return NULL;
		snprintf(host, sizeof host, "%s%s/%s", rootfs, cur, comp);
		if (lstat(host, &st))
			return NULL;
		if (!S_ISLNK(st.st_mode)) {
			snprintf(cur + len, sizeof cur - len, "/%s", comp);
			continue;
		}
		ssize_t t = readlink(host, target, sizeof target - 1);
		if (t <= 0 || ++hops > MAX_HOPS)
			return NULL;
		target[t] = '\0';
		if (snprintf(tmp, sizeof tmp, "%s/%s", target, r) >= (int)sizeof tmp)
			return NULL;
		strcpy(rest, tmp);
		r = rest;
		if (target[0] == '/')
			cur[0] = '\0';
	}
	return host_of(rootfs, cur[0] ? cur : "/");
}

/* Is guest an executable regular file inside rootfs? */
static int runnable(const char *rootfs, const char *guest)
{
	char *h = in_root(rootfs, guest);
	struct stat st;
	int ok = h && !stat(h, &st) && S_ISREG(st.st_mode) && (st.st_mode & 0111);

	free(h);
	return ok;
}

static const char *env_get(char *const env[], size_t nenv, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = nenv; i-- > 0;)
		if (!strncmp(env[i], name, n) && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

char *oci_find_prog(const char *rootfs, const char *name, char *const env[], size_t nenv,
		    const char *cwd)
{
	/* runc's default PATH when the image sets none */
	const char *path = env_get(env, nenv, "PATH");
	char cand[PATH_MAX];

	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	if (strchr(name, '/')) {
		if (name[0] == '/')
			snprintf(cand, sizeof cand, "%s", name);
		else
			snprintf(cand, sizeof cand, "%s/%s", cwd ? cwd : "", name);
		return runnable(rootfs, cand) ? strdup(cand) : NULL;
	}
	for (const char *p = path;; p++) {
		size_t n = strcspn(p, ":");
		/* an empty or relative PATH entry is taken from the cwd */
		if (n && p[0] == '/')
			snprintf(cand, sizeof cand, "%.*s/%s", (int)n, p, name);
		else
			snprintf(cand, sizeof cand, "%s/%.*s/%s", cwd ? cwd : "", (int)n, p, name);
		if (runnable(rootfs, cand))
			return strdup(cand);
		p += n;
		if (!*p)
			break;
	}
	return NULL;
}

char *oci_home(const char *rootfs, unsigned long uid)
{
	char *h = in_root(rootfs, "/etc/passwd"), line[1024];
	FILE *f = h ? fopen(h, "r") : NULL;
	char *home = NULL;

	free(h);
	while (f && !home && fgets(line, sizeof line, f)) {
		char *fld[7], *s = line;
		int k;

		line[strcspn(line, "\n")] = '\0';
		for (k = 0; k < 7 && s; k++) {
			fld[k] = s;
			s = strchr(s, ':');
			if (s)
				*s++ = '\0';
		}
		if (k == 7 && fld[2][0] && strspn(fld[2], "0123456789") == strlen(fld[2]) &&
		    strtoul(fld[2], NULL, 10) == uid && fld[5][0])
			home = strdup(fld[5]);
	}
	if (f)
		fclose(f);
	return home ? home : strdup("/");
}

int oci_mkdirs(const char *rootfs, const char *guest)
{
	char path[PATH_MAX * 2];
	size_t base = strlen(rootfs);

	if (snprintf(path, sizeof path, "%s%s", rootfs, guest) >= (int)sizeof path) {
		mk_error(guest, "working directory too long");
		return -1;
	}
	for (char *s = path + base + 1;; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;
		struct stat st;
		*s = '\0';
		/* a symbolic link could lead out of the root: left to the kernel */
		if (!lstat(path, &st) && S_ISLNK(st.st_mode))
			return 0;
		if (mkdir(path, 0755) && errno != EEXIST) {
			mk_error(path, "cannot make the working directory: %s", strerror(errno));
			return -1;
		}
		*s = c;
		if (!c)
			break;
	}
	return 0;
}
