/* namei.h: what fs/vfs.c (the path walk) shares with fs/namei.c (the
 * operations that make and remove names): the parent directory and last
 * component of a path, and the lookups on them. Private to fs/. */
#ifndef HTUX_NAMEI_H
#define HTUX_NAMEI_H

#include "fs/vfs.h"

struct nameidata {
	struct inode *dir;       /* the directory holding the last component */
	char last[NAME_MAX + 1]; /* the last component; "." when there is none */
	size_t len;
	bool slash; /* the path ended with '/' */
};

static inline bool is_dot(const char *s) { return s[0] == '.' && s[1] == 0; }
static inline bool is_dotdot(const char *s) { return s[0] == '.' && s[1] == '.' && s[2] == 0; }

unsigned cur_umask(void);
/* the caller's root (chroot), and ino's path from it (*outside: ino is
 * not below it) (fs/inode.c) */
struct inode *root_inode(void);
int path_of(struct inode *ino, char *buf, size_t n, bool *outside);
/* name (len bytes) in dir: "." and ".." too, mounts crossed; referenced */
int dir_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
/* path's parent directory (referenced) and last component in nd */
int lookup_parent(int dirfd, const char *path, struct nameidata *nd);

#endif
