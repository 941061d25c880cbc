/* vfs.c: path lookup (absolute, from the cwd or a directory fd; ".",
 * "..", symlinks, ELOOP/ENOENT/ENOTDIR/ENAMETOOLONG), open/create,
 * chdir, chroot and getcwd, and building "/" at boot. The inodes
 * themselves, stat, chown, truncate and chmod are fs/inode.c's; the operations that make
 * and remove names (mkdir, symlink, unlink, link, mknod, rename) are
 * fs/namei.c's. */
#include "fs/vfs.h"
#include "fs/namei.h"
#include "fs/inotify.h"
#include <linux/inotify.h>
#include "fs/minifs/minifs.h"
#include "fs/mount.h"
#include "kernel/proc.h"
#include <linux/capability.h>
#include <asm/stat.h>

struct inode *fs_root;

/* ---- path lookup */

static struct inode *cwd_inode(void)
{
	return current && current->fs && current->fs->cwd ? current->fs->cwd : fs_root;
}

unsigned cur_umask(void) { return current && current->fs ? current->fs->umask : 022; }

int dir_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	int e = inode_permission(dir, MAY_EXEC);
	if (e)
		return e;
	if (len == 1 && name[0] == '.') {
		*out = inode_get(dir);
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		/* at the caller's root, ".." is the root itself */
		*out = inode_get(dir->parent && dir != root_inode() ? dir->parent : dir);
		return 0;
	}
	if (dir->nlink == 0 || !dir->ops || !dir->ops->lookup)
		return -ENOENT;
	e = dir->ops->lookup(dir, name, len, out);
	if (!e)
		*out = mount_cross(*out);
	return e;
}

/* The target of symlink ino in a fresh PATH_MAX buffer. */
static int link_target(struct inode *ino, char **out)
{
	if (!ino->ops || !ino->ops->readlink)
		return -EINVAL;
	char *t = kmalloc(PATH_MAX);
	if (!t)
		return -ENOMEM;
	ssize_t n = ino->ops->readlink(ino, t, PATH_MAX);
	if (n < 0 || n >= (ssize_t)PATH_MAX || n == 0) {
		kfree(t);
		return n < 0 ? (int)n : n == 0 ? -ENOENT : -ENAMETOOLONG;
	}
	t[n] = 0;
	*out = t;
	return 0;
}

/* One lookup's state: symlinks followed so far, and openat2's RESOLVE_*
 * with the directory a scoped lookup stays below (BENEATH, IN_ROOT; else
 * NULL). */
struct walkstate {
	int links;
	unsigned resolve;
	struct inode *top;
};

/* An absolute path or symlink under resolve: where it starts, or -EXDEV. */
static int resolve_slash(struct walkstate *ws, struct inode **cur)
{
	if (ws->resolve & RESOLVE_BENEATH)
		return -EXDEV;
	if (ws->resolve & RESOLVE_IN_ROOT)
		*cur = ws->top;
	return 0;
}

/* The component s of cur under resolve: 0 with *out (referenced), 1 for
 * the plain lookup, or an error: ".." at the top is EXDEV (BENEATH) or
 * the top (IN_ROOT); a mount crossed is EXDEV (NO_XDEV). */
static int resolve_step(struct walkstate *ws, struct inode *cur, const char *s, size_t len,
			struct inode **out)
{
	if (len == 2 && s[0] == '.' && s[1] == '.' && ws->top && cur == ws->top) {
		if (ws->resolve & RESOLVE_BENEATH)
			return -EXDEV;
		*out = inode_get(cur);
		return 0;
	}
	if (!(ws->resolve & RESOLVE_NO_XDEV))
		return 1;
	int e = dir_lookup(cur, s, len, out);
	if (e)
		return e;
	if ((*out)->dev != cur->dev) {
		inode_put(*out);
		return -EXDEV;
	}
	return 0;
}

/* May the lookup follow the symlink link? ELOOP for any (NO_SYMLINKS) or
 * a /proc magic link (NO_MAGICLINKS); EXDEV for a magic link in a scoped
 * lookup, as Linux's nd_jump_link. */
static int resolve_link(struct walkstate *ws, struct inode *link)
{
	if (ws->resolve & RESOLVE_NO_SYMLINKS)
		return -ELOOP;
	if (!pseudo_magiclink(link))
		return 0;
	if (ws->resolve & RESOLVE_NO_MAGICLINKS)
		return -ELOOP;
	return ws->resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT) ? -EXDEV : 0;
}

/* Resolves path from base (borrowed). With nd, stops before the last
 * component and fills nd (nd->dir referenced); else *out gets the
 * referenced result. ws counts symlinks and has openat2's rules. */
static int walk(struct inode *base, const char *path, unsigned flags, struct walkstate *ws,
		struct inode **out, struct nameidata *nd)
{
	struct inode *cur = path[0] == '/' ? root_inode() : base;
	if (path[0] == '/' && ws->resolve) {
		int e = resolve_slash(ws, &cur);
		if (e)
			return e;
	}
	inode_get(cur);
	while (*path == '/')
		path++;
	if (*path == 0) { /* "/" or "dir/" at the end of a link */
		if (nd) {
			nd->dir = cur;
			strlcpy(nd->last, ".", sizeof(nd->last));
			nd->len = 1;
			nd->slash = true;
			return 0;
		}
		*out = cur;
		return 0;
	}
	for (;;) {
		const char *s = path;
		while (*path && *path != '/')
			path++;
		size_t len = (size_t)(path - s);
		bool slash = *path == '/';
		while (*path == '/')
			path++;
		bool last = *path == 0;
		if (len > NAME_MAX) {
			inode_put(cur);
			return -ENAMETOOLONG;
		}
		if (last && nd) {
			if (!S_ISDIR(cur->mode)) {
				inode_put(cur);
				return -ENOTDIR;
			}
			nd->dir = cur;
			memcpy(nd->last, s, len);
			nd->last[len] = 0;
			nd->len = len;
			nd->slash = slash;
			return 0;
		}
		struct inode *next = NULL;
		int e = ws->resolve ? resolve_step(ws, cur, s, len, &next) : 1;
		if (e > 0)
			e = dir_lookup(cur, s, len, &next);
		if (e) {
			inode_put(cur);
			return e;
		}
		if (S_ISLNK(next->mode) && (!last || slash || (flags & LOOKUP_FOLLOW))) {
			char *target;
			if (++ws->links > SYMLOOP_MAX)
				e = -ELOOP;
			else if (ws->resolve)
				e = resolve_link(ws, next);
			if (!e)
				e = link_target(next, &target);
			inode_put(next);
			if (e) {
				inode_put(cur);
				return e;
			}
			e = walk(cur, target, LOOKUP_FOLLOW, ws, &next, NULL);
			kfree(target);
			if (e) {
				inode_put(cur);
				return e;
			}
		}
		inode_put(cur);
		cur = next;
		if (last) {
			if ((slash || (flags & LOOKUP_DIRECTORY)) && !S_ISDIR(cur->mode)) {
				inode_put(cur);
				return -ENOTDIR;
			}
			*out = cur;
			return 0;
		}
	}
}

/* The inode lookups of path start from (borrowed). */
static int start_at(int dirfd, const char *path, struct inode **base)
{
	if (path[0] == '/') {
		*base = root_inode();
		return 0;
	}
	if (dirfd == AT_FDCWD) {
		*base = cwd_inode();
		return 0;
	}
	struct file *f = fd_get(dirfd);
	if (!f)
		return -EBADF;
	if (path[0] && !S_ISDIR(f->ino->mode))
		return -ENOTDIR;
	*base = f->ino;
	return 0;
}

int vfs_lookupat(int dirfd, const char *path, unsigned flags, struct inode **out)
{
	struct inode *base;
	if (!path[0] && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	int e = start_at(dirfd, path, &base);
	if (e)
		return e;
	if (!path[0]) {
		*out = inode_get(base);
		return 0;
	}
	struct walkstate ws = { 0 };
	return walk(base, path, flags, &ws, out, NULL);
}

int lookup_parent(int dirfd, const char *path, struct nameidata *nd)
{
	struct inode *base;
	if (!path[0])
		return -ENOENT;
	int e = start_at(dirfd, path, &base);
	if (e)
		return e;
	struct walkstate ws = { 0 };
	return walk(base, path, LOOKUP_FOLLOW, &ws, NULL, nd);
}

struct inode *fs_lookup(const char *path, bool follow, int *err)
{
	struct inode *ino = NULL;
	int e = vfs_lookupat(AT_FDCWD, path, follow ? LOOKUP_FOLLOW : 0, &ino);
	if (err)
		*err = e;
	return e ? NULL : ino;
}

char *path_from_user(const char *upath, int *err)
{
	char *p = kmalloc(PATH_MAX);
	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	long n = strncpy_from_user(p, upath, PATH_MAX);
	if (n < 0) {
		kfree(p);
		*err = (int)n;
		return NULL;
	}
	*err = 0;
	return p;
}

/* Looks up a user path relative to dirfd; AT_EMPTY_PATH allows "" (and a
 * NULL path) for dirfd itself. */
long vfs_lookup_user(int dirfd, const char *upath, unsigned lflags, struct inode **out)
{
	if (!upath && (lflags & LOOKUP_EMPTY))
		return vfs_lookupat(dirfd, "", lflags, out);
	int e;
	char *path = path_from_user(upath, &e);
	if (!path)
		return e;
	e = vfs_lookupat(dirfd, path, lflags, out);
	kfree(path);
	return e;
}

/* ---- namespace operations */

/* Creates (or finds, or follows to) the file for open with O_CREAT. */
static int open_create(struct inode *base, const char *path, int flags, unsigned mode,
		       struct walkstate *ws, struct inode **out, bool *created)
{
	struct nameidata nd;
	int e = walk(base, path, LOOKUP_FOLLOW, ws, NULL, &nd);
	if (e)
		return e;
	if (nd.slash || is_dot(nd.last) || is_dotdot(nd.last)) {
		inode_put(nd.dir);
		return -EISDIR;
	}
	struct inode *ino;
	e = dir_lookup(nd.dir, nd.last, nd.len, &ino);
	if (e == -ENOENT) {
		if (nd.dir->nlink == 0)
			e = -ENOENT;
		else if (!nd.dir->ops || !nd.dir->ops->create)
			e = -EACCES;
		else if ((e = may_create(nd.dir)) == 0)
			e = nd.dir->ops->create(nd.dir, nd.last, nd.len,
						S_IFREG | (mode & ~cur_umask() & 07777), NULL, out);
		if (!e) {
			*created = true;
			dnotify_dir(nd.dir, DN_CREATE);
			inotify_name(nd.dir, *out, nd.last, nd.len, IN_CREATE, 0);
		}
		inode_put(nd.dir);
		return e;
	}
	if (e) {
		inode_put(nd.dir);
		return e;
	}
	if (flags & O_EXCL) {
		e = -EEXIST;
	} else if (S_ISDIR(ino->mode)) {
		e = -EISDIR;
	} else if (S_ISLNK(ino->mode)) {
		char *target;
		if (flags & O_NOFOLLOW)
			e = -ELOOP;
		else if (++ws->links > SYMLOOP_MAX)
			e = -ELOOP;
		else if ((!ws->resolve || (e = resolve_link(ws, ino)) == 0) &&
			 (e = link_target(ino, &target)) == 0) {
			e = open_create(nd.dir, target, flags, mode, ws, out, created);
			kfree(target);
		}
	} else {
		*out = inode_get(ino);
	}
	inode_put(ino);
	inode_put(nd.dir);
	return e;
}

/* O_TMPFILE: an unnamed regular file in the directory path names. */
static int open_tmpfile(struct inode *base, const char *path, int flags, unsigned mode,
			struct inode **out)
{
	int acc = flags & O_ACCMODE;
	if ((flags & (__O_TMPFILE | O_DIRECTORY | O_CREAT)) != O_TMPFILE)
		return -EINVAL;
	if (acc != O_WRONLY && acc != O_RDWR)
		return -EINVAL;
	struct inode *dir;
	struct walkstate ws = { 0 };
	int e = walk(base, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &ws, &dir, NULL);
	if (e)
		return e;
	if (dir->nlink == 0)
		e = -ENOENT;
	else if (!dir->ops || !dir->ops->tmpfile)
		e = -EOPNOTSUPP;
	else if ((e = may_create(dir)) == 0)
		e = dir->ops->tmpfile(dir, S_IFREG | (mode & ~cur_umask() & 07777),
				      !(flags & O_EXCL), out);
	inode_put(dir);
	return e;
}

int vfs_openat(int dirfd, const char *path, int flags, unsigned mode, struct file **out)
{
	return vfs_openat2(dirfd, path, flags, mode, 0, out);
}

int vfs_openat2(int dirfd, const char *path, int flags, unsigned mode, unsigned resolve,
		struct file **out)
{
	struct inode *base, *ino;
	bool created = false;
	struct walkstate ws = { .resolve = resolve };
	if (!path[0])
		return -ENOENT;
	/* a scoped lookup starts at dirfd even for an absolute path */
	int e = start_at(dirfd, resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT) ? "." : path, &base);
	if (e)
		return e;
	if (resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT))
		ws.top = base;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	if (flags & __O_TMPFILE) {
		e = open_tmpfile(base, path, flags, mode, &ino);
		created = true;
	} else if (flags & O_CREAT) {
		if (flags & O_DIRECTORY)
			return -EINVAL;
		e = open_create(base, path, flags, mode, &ws, &ino, &created);
	} else {
		e = walk(base, path,
			 (flags & O_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
				 (flags & O_DIRECTORY ? LOOKUP_DIRECTORY : 0),
			 &ws, &ino, NULL);
	}
	if (e)
		return e;
	return vfs_open_inode(ino, flags, created, out);
}

int vfs_open_inode(struct inode *ino, int flags, bool created, struct file **out)
{
	int e = 0;
	int acc = flags & O_ACCMODE;
	int want = (acc == O_WRONLY   ? MAY_WRITE
		    : acc == O_RDONLY ? MAY_READ
				      : MAY_READ | MAY_WRITE) |
		   (flags & O_TRUNC ? MAY_WRITE : 0);
	if (S_ISLNK(ino->mode) && !(flags & O_PATH))
		e = -ELOOP;
	else if (!(flags & O_PATH) && !created && (e = inode_permission(ino, want)) != 0)
		;
	else if ((flags & O_DIRECTORY) && !(flags & __O_TMPFILE) && !S_ISDIR(ino->mode))
		e = -ENOTDIR;
	else if (!(flags & O_PATH) && S_ISDIR(ino->mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		e = -EISDIR;
	else if (!(flags & O_PATH) && !ino->fops)
		e = -ENXIO;
	else if (!(flags & O_PATH) && S_ISREG(ino->mode) && ino->writecount < 0 &&
		 (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC)))
		e = -ETXTBSY; /* a running program's file */
	else if (!(flags & O_PATH) && (flags & O_TRUNC) && S_ISREG(ino->mode) && !created &&
		 ino->size != 0)
		e = vfs_truncate(ino, 0);
	if (e) {
		inode_put(ino);
		return e;
	}
	struct file *f = file_open_inode(ino, (unsigned)flags);
	inode_put(ino);
	if (!f)
		return file_open_err();
	f->flags |= (unsigned)flags & O_NOCTTY; /* for a terminal's open only */
	if (f->ops && f->ops->open)
		e = f->ops->open(f);
	f->flags &= ~(unsigned)O_NOCTTY;
	if (e) {
		f->ops = NULL; /* no release for a failed open */
		file_put(f);
		return e;
	}
	if (!(flags & O_PATH))
		inotify_event(f->ino, IN_OPEN);
	*out = f;
	return 0;
}

int vfs_chdir(struct inode *dir)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (!current || !current->fs)
		return -EINVAL;
	int e = inode_permission(dir, MAY_EXEC);
	if (e)
		return e;
	struct inode *old = current->fs->cwd;
	current->fs->cwd = inode_get(dir);
	inode_put(old);
	return 0;
}

int vfs_chroot(struct inode *dir)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (!current || !current->fs)
		return -EINVAL;
	struct inode *old = current->fs->root;
	current->fs->root = inode_get(dir);
	inode_put(old);
	return 0;
}

/* A cwd outside the root (after chroot) gets Linux's "(unreachable)". */
int vfs_getcwd(char *buf, size_t n)
{
	bool outside;
	int r = path_of(cwd_inode(), buf, n, &outside);
	if (r < 0 || !outside || root_inode() == fs_root)
		return r;
	static const char pre[] = "(unreachable)";
	if ((size_t)r + sizeof(pre) > n)
		return -ERANGE;
	memmove(buf + sizeof(pre) - 1, buf, (size_t)r + 1);
	memcpy(buf, pre, sizeof(pre) - 1);
	return r + (int)sizeof(pre) - 1;
}

/* ---- boot */

int fs_init(const void *cpio, size_t len)
{
	fs_root = minifs_new_root();
	if (!fs_root)
		return -ENOMEM;
	if (cpio && len) {
		const char *why;
		size_t where;
		int e = cpio_unpack(fs_root, cpio, len, &why, &where);
		if (e) {
			kprintf("htux: initrd: %s (at byte %lu of %lu)\n", why,
				(unsigned long)where, (unsigned long)len);
			return e;
		}
	}
	/* /tmp is world-writable and sticky, as on Linux, also when the image
	 * has one (htux-mkimage makes every directory 0755). */
	struct inode *tmp;
	int e = vfs_mkdirat(AT_FDCWD, "/tmp", 0777);
	if (e == -EEXIST)
		e = 0;
	if (!e && (e = vfs_lookupat(AT_FDCWD, "/tmp", LOOKUP_FOLLOW, &tmp)) == 0) {
		if (S_ISDIR(tmp->mode))
			vfs_chmod(tmp, 01777);
		inode_put(tmp);
	}
	if (e)
		kprintf("htux: cannot make /tmp (error %d)\n", -e);
	e = pseudo_init(fs_root);
	if (!e && (e = etc_init()) != 0)
		kprintf("htux: cannot make the files of /etc (error %d)\n", -e);
	return e;
}
