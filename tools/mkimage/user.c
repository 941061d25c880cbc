/* user.c: --user: /.htux/user, and the host's passwd and group entries
   of that user for an image that has no /etc/passwd of its own. */
#include "user.h"
#include "image.h"
#include "report.h"

#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GROUPS 256

int user_all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

struct text {
	char *s;
	size_t len;
	int failed;
};

/* Appends a printf'd string to t. */
static void put(struct text *t, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line) {
		t->failed = 1;
		return;
	}
	p = realloc(t->s, t->len + (size_t)n + 1);
	if (!p) {
		t->failed = 1;
		return;
	}
	memcpy(p + t->len, line, (size_t)n + 1);
	t->s = p;
	t->len += (size_t)n;
}

static int add_etc(struct image *im, const struct passwd *pw)
{
	struct text pass = { NULL, 0, 0 }, grp = { NULL, 0, 0 };
	gid_t groups[MAX_GROUPS];
	int ng = MAX_GROUPS, i, r = -1;
	struct group *g;

	put(&pass, "root:x:0:0:root:/root:/bin/sh\n");
	put(&grp, "root:x:0:\n");
	if (pw && pw->pw_uid != 0)
		put(&pass, "%s:x:%lu:%lu:%s:%s:%s\n", pw->pw_name, (unsigned long)pw->pw_uid,
		    (unsigned long)pw->pw_gid, pw->pw_gecos, pw->pw_dir, pw->pw_shell);
	if (pw && getgrouplist(pw->pw_name, pw->pw_gid, groups, &ng) < 0)
		ng = MAX_GROUPS;
	for (i = 0; pw && i < ng; i++) {
		if (groups[i] == 0 || !(g = getgrgid(groups[i])))
			continue;
		/* the primary group names no members; the others this user */
		put(&grp, "%s:x:%lu:%s\n", g->gr_name, (unsigned long)g->gr_gid,
		    groups[i] == pw->pw_gid ? "" : pw->pw_name);
	}
	if (pass.failed || grp.failed)
		mk_error(NULL, "--user: out of memory");
	else
		r = image_add_data(im, "/etc/passwd", 0644, pass.s, pass.len) ||
				    image_add_data(im, "/etc/group", 0644, grp.s, grp.len)
			    ? -1
			    : 0;
	free(pass.s);
	free(grp.s);
	return r;
}

int user_add(struct image *im, const char *spec)
{
	char name[64];
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	struct passwd *pw;

	memcpy(name, spec, n);
	name[n] = '\0';
	if (image_add_data(im, "/.htux/user", 0644, spec, strlen(spec)))
		return -1;
	if (image_has(im, "/etc/passwd"))
		return 0; /* the image's own users */
	pw = user_all_digits(name, n) ? getpwuid((uid_t)strtoul(name, NULL, 10)) : getpwnam(name);
	if (!pw && !user_all_digits(name, n)) {
		mk_error(NULL, "--user %s: no such user on this host", name);
		return -1;
	}
	return add_etc(im, pw);
}
