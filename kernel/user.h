/* user.h: the user the program runs as (kernel/user.c). */
#ifndef HTUX_USER_H
#define HTUX_USER_H

struct proc;

struct run_user {
	int uid, gid;
	int *groups; /* kmalloc'd; user_apply hands it to the process */
	int ngroups;
	char home[256]; /* from /etc/passwd; "/" without an entry */
};

/* Looks spec (NAME, UID, NAME:GID or UID:GID) up in the image's
 * /etc/passwd and /etc/group. 0, -ENOENT for an unknown name, -EINVAL
 * for a bad spec. */
int user_resolve(const char *spec, struct run_user *u);
/* Gives p (the first process) the ids and groups of u. */
void user_apply(struct proc *p, const struct run_user *u);

#endif
