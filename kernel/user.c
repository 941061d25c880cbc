/* user.c: the user the program runs as (kernel option user=, or the
 * image's /.htux/user): NAME or UID, with an optional :GID, looked up in
 * the image's /etc/passwd and /etc/group as login(1) and su(1) would: the
 * user id, the primary group, every group that lists the user, and the
 * home directory. The first process then starts with those ids (real,
 * effective, saved and fs) and, as a non-root execve gives, no
 * capabilities. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/user.h"
#include "fs/vfs.h"

#define MAX_GROUPS 64

/* The image's file at path, NUL-terminated, or NULL. */
static char *read_file(const char *path)
{
	int err;
	struct inode *ino = fs_lookup(path, true, &err);
	if (!ino)
		return NULL;
	size_t n = inode_size(ino);
	char *buf = kmalloc(n + 1);
	if (buf && inode_read(ino, buf, n, 0) != (ssize_t)n) {
		kfree(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = 0;
	inode_put(ino);
	return buf;
}

/* Splits line (ended by '\n' or NUL) at ':' into at most n fields; the
 * line's end becomes NUL. Returns the count; *next is the next line. */
static int fields(char *line, char **f, int n, char **next)
{
	char *end = strchr(line, '\n');
	if (end) {
		*end = 0;
		*next = end + 1;
	} else {
		*next = line + strlen(line);
	}
	int k = 0;
	f[k++] = line;
	for (char *p = line; *p && k < n; p++)
		if (*p == ':') {
			*p = 0;
			f[k++] = p + 1;
		}
	return k;
}

/* A decimal id, or -1. */
static int number(const char *s)
{
	long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 0x7fffffffL / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int)v;
}

static void add_group(struct run_user *u, int gid)
{
	for (int i = 0; i < u->ngroups; i++)
		if (u->groups[i] == gid)
			return;
	if (u->ngroups < MAX_GROUPS)
		u->groups[u->ngroups++] = gid;
}

/* Is name one of the comma-separated members? */
static bool member(char *members, const char *name)
{
	size_t n = strlen(name);
	for (char *p = members; *p;) {
		char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == n && !strncmp(p, name, n))
			return true;
		p += len + (c ? 1 : 0);
	}
	return false;
}

int user_resolve(const char *spec, struct run_user *u)
{
	char want[64], *colon;
	strlcpy(want, spec, sizeof(want));
	memset(u, 0, sizeof(*u));
	u->groups = kmalloc(sizeof(int) * MAX_GROUPS);
	if (!u->groups)
		return -ENOMEM;
	int gid = -1;
	if ((colon = strchr(want, ':'))) {
		*colon = 0;
		if ((gid = number(colon + 1)) < 0)
			return -EINVAL;
	}
	int num = number(want);
	char *pw = read_file("/etc/passwd"), *name = NULL;
	bool found = false;
	u->uid = num;
	strlcpy(u->home, "/", sizeof(u->home));
	for (char *line = pw, *next; line && *line; line = next) {
		char *f[7];
		if (fields(line, f, 7, &next) < 7)
			continue;
		int id = number(f[2]);
		if (num >= 0 ? id != num : strcmp(f[0], want) != 0)
			continue;
		u->uid = id;
		u->gid = number(f[3]);
		strlcpy(u->home, f[5][0] ? f[5] : "/", sizeof(u->home));
		name = f[0];
		found = true;
		break;
	}
	if (!found && num < 0) {
		kfree(pw);
		return -ENOENT; /* a name nobody has */
	}
	if (!found)
		u->gid = gid >= 0 ? gid : num; /* an id without an entry: as docker run -u */
	if (gid >= 0)
		u->gid = gid;
	if (u->uid < 0 || u->gid < 0) {
		kfree(pw);
		return -EINVAL;
	}
	/* supplementary groups: the primary one and each that lists the user
	 * (as initgroups(3)); none for an id without a name */
	add_group(u, u->gid);
	char *gr = name ? read_file("/etc/group") : NULL;
	for (char *line = gr, *next; line && *line; line = next) {
		char *f[4];
		if (fields(line, f, 4, &next) == 4 && member(f[3], name) && number(f[2]) >= 0)
			add_group(u, number(f[2]));
	}
	if (!name)
		u->ngroups = 0;
	kfree(gr);
	kfree(pw);
	return 0;
}

void user_apply(struct proc *p, const struct run_user *u)
{
	p->uid = p->euid = p->suid = p->fsuid = u->uid;
	p->gid = p->egid = p->sgid = p->fsgid = u->gid;
	for (int i = 1; i < u->ngroups; i++) { /* sorted, as setgroups keeps them */
		int v = u->groups[i], j = i;
		for (; j > 0 && (unsigned)u->groups[j - 1] > (unsigned)v; j--)
			u->groups[j] = u->groups[j - 1];
		u->groups[j] = v;
	}
	kfree(p->groups);
	p->groups = u->ngroups ? u->groups : NULL;
	p->ngroups = u->ngroups;
	/* what a non-root execve leaves (proc_exec_settings does it again) */
	if (u->uid != 0)
		p->cap_eff = p->cap_perm = 0;
}
