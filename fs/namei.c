/* namei.c: the namespace operations that make and remove names: mkdir,
 * symlink, unlink and rmdir, link, mknod, rename (RENAME_NOREPLACE,
 * RENAME_EXCHANGE), on the parent directory fs/vfs.c's walk found
 * (fs/namei.h). */
#include "fs/vfs.h"
#include "fs/namei.h"
#include "fs/inotify.h"
#include <linux/inotify.h>

/* Makes the last name of nd, which must not exist, as a directory or a
 * symlink (mode's type; target for a symlink); a trailing slash is
 * allowed only when slash_ok. Drops nd's directory reference. */
static int create_new(struct nameidata *nd, unsigned mode, const char *target, bool slash_ok)
{
	struct inode *ino;
	int e;
	if (is_dot(nd->last) || is_dotdot(nd->last)) {
		e = -EEXIST;
	} else if ((e = dir_lookup(nd->dir, nd->last, nd->len, &ino)) == 0) {
		inode_put(ino);
		e = -EEXIST;
	} else if (e == -ENOENT) {
		if ((nd->slash && !slash_ok) || nd->dir->nlink == 0)
			e = -ENOENT;
		else if (!nd->dir->ops->create)
			e = -EACCES;
		else if ((e = may_create(nd->dir)) != 0)
			;
		else if ((e = nd->dir->ops->create(nd->dir, nd->last, nd->len, mode, target,
						   &ino)) == 0) {
			inotify_name(nd->dir, ino, nd->last, nd->len, IN_CREATE, 0);
			inode_put(ino);
		}
	}
	if (!e)
		dnotify_dir(nd->dir, DN_CREATE);
	inode_put(nd->dir);
	return e;
}

int vfs_mkdirat(int dirfd, const char *path, unsigned mode)
{
	struct nameidata nd;
	int e = lookup_parent(dirfd, path, &nd);
	if (e)
		return e;
	return create_new(&nd, S_IFDIR | (mode & ~cur_umask() & 01777), NULL, true);
}

int vfs_symlinkat(const char *target, int dirfd, const char *path)
{
	struct nameidata nd;
	if (!target[0])
		return -ENOENT;
	int e = lookup_parent(dirfd, path, &nd);
	if (e)
		return e;
	return create_new(&nd, S_IFLNK | 0777, target, false);
}

int vfs_unlinkat(int dirfd, const char *path, bool dir)
{
	struct nameidata nd;
	int e = lookup_parent(dirfd, path, &nd);
	if (e)
		return e;
	struct inode *victim = NULL;
	if (is_dot(nd.last)) {
		const char *p = path;
		while (*p == '/')
			p++;
		e = !dir ? -EISDIR : (*p == 0 ? -EBUSY : -EINVAL);
	} else if (is_dotdot(nd.last)) {
		e = dir ? -ENOTEMPTY : -EISDIR;
	} else if ((e = dir_lookup(nd.dir, nd.last, nd.len, &victim)) != 0) {
		victim = NULL;
	} else if (dir) {
		if (!S_ISDIR(victim->mode))
			e = -ENOTDIR;
		else if (victim == fs_root || victim->ops != nd.dir->ops)
			e = -EBUSY; /* the root of another filesystem (/proc) */
		else if (!dir_is_empty(victim))
			e = -ENOTEMPTY;
	} else {
		if (S_ISDIR(victim->mode))
			e = -EISDIR;
		else if (nd.slash)
			e = -ENOTDIR;
	}
	if (!e)
		e = may_delete(nd.dir, victim);
	if (!e)
		e = nd.dir->ops->unlink ? nd.dir->ops->unlink(nd.dir, nd.last, nd.len, victim)
					: -EPERM;
	if (!e) {
		inotify_unlinked(victim);
		inotify_name(nd.dir, victim, nd.last, nd.len, IN_DELETE, 0);
		dnotify_dir(nd.dir, DN_DELETE);
	}
	inode_put(victim);
	inode_put(nd.dir);
	return e;
}

/* The parent and last component of a name to be made; -EEXIST when it
 * exists (or is "." or ".."), -ENOENT with a trailing slash or in a
 * removed directory. nd->dir is referenced on success. */
static int new_name(int dirfd, const char *path, struct nameidata *nd)
{
	int e = lookup_parent(dirfd, path, nd);
	if (e)
		return e;
	struct inode *ino;
	if (is_dot(nd->last) || is_dotdot(nd->last)) {
		e = -EEXIST;
	} else if ((e = dir_lookup(nd->dir, nd->last, nd->len, &ino)) == 0) {
		inode_put(ino);
		e = -EEXIST;
	} else if (e == -ENOENT) {
		/* a filesystem that makes no names (/proc) finds none */
		e = nd->slash || nd->dir->nlink == 0 || !nd->dir->ops->create ? -ENOENT : 0;
		if (!e)
			e = may_create(nd->dir);
	}
	if (e)
		inode_put(nd->dir);
	return e;
}

int vfs_linkat(int ofd, const char *opath, int nfd, const char *npath, int flags)
{
	struct inode *ino;
	unsigned lf = (flags & AT_SYMLINK_FOLLOW ? LOOKUP_FOLLOW : 0) |
		      (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
	int e = vfs_lookupat(ofd, opath, lf, &ino);
	if (e)
		return e;
	if (S_ISDIR(ino->mode)) {
		inode_put(ino);
		return -EPERM;
	}
	struct nameidata nd;
	e = new_name(nfd, npath, &nd);
	if (e) {
		inode_put(ino);
		return e;
	}
	if (ino->ops != nd.dir->ops)
		e = -EXDEV;
	else if (!nd.dir->ops->link)
		e = -EPERM;
	else
		e = nd.dir->ops->link(nd.dir, nd.last, nd.len, ino);
	if (!e) {
		inotify_nlink(ino);
		inotify_name(nd.dir, ino, nd.last, nd.len, IN_CREATE, 0);
		dnotify_dir(nd.dir, DN_CREATE);
	}
	inode_put(nd.dir);
	inode_put(ino);
	return e;
}

int vfs_mknodat(int dirfd, const char *path, unsigned mode, uint64_t rdev)
{
	struct nameidata nd;
	int e = new_name(dirfd, path, &nd);
	if (e)
		return e;
	struct inode *ino;
	mode = (mode & S_IFMT) | (mode & ~cur_umask() & 07777);
	if (!nd.dir->ops->mknod)
		e = -EPERM;
	else if ((e = nd.dir->ops->mknod(nd.dir, nd.last, nd.len, mode, rdev, &ino)) == 0) {
		inotify_name(nd.dir, ino, nd.last, nd.len, IN_CREATE, 0);
		inode_put(ino);
	}
	if (!e)
		dnotify_dir(nd.dir, DN_CREATE);
	inode_put(nd.dir);
	return e;
}

static bool is_below(struct inode *dir, struct inode *node)
{
	for (struct inode *p = dir; p; p = p->parent == p ? NULL : p->parent)
		if (p == node)
			return true;
	return false;
}

/* RENAME_EXCHANGE: both names exist; neither may go below itself. */
static int exchange(struct nameidata *on, struct inode *a, struct nameidata *nn, struct inode *b)
{
	if ((S_ISDIR(a->mode) && is_below(nn->dir, a)) ||
	    (S_ISDIR(b->mode) && is_below(on->dir, b)))
		return -EINVAL;
	if (!on->dir->ops->exchange)
		return -EINVAL;
	if (on->dir->ops != nn->dir->ops)
		return -EXDEV;
	return on->dir->ops->exchange(on->dir, on->last, on->len, a, nn->dir, nn->last, nn->len, b);
}

int vfs_renameat2(int ofd, const char *opath, int nfd, const char *npath, unsigned flags)
{
	struct nameidata on, nn;
	int e = lookup_parent(ofd, opath, &on);
	if (e)
		return e;
	e = lookup_parent(nfd, npath, &nn);
	if (e) {
		inode_put(on.dir);
		return e;
	}
	struct inode *node = NULL, *victim = NULL;
	if (is_dot(on.last) || is_dotdot(on.last) || is_dot(nn.last) || is_dotdot(nn.last)) {
		e = -EBUSY;
		goto out;
	}
	if ((e = dir_lookup(on.dir, on.last, on.len, &node)) != 0) {
		node = NULL;
		goto out;
	}
	if ((on.slash || nn.slash) && !S_ISDIR(node->mode)) {
		e = -ENOTDIR;
		goto out;
	}
	e = dir_lookup(nn.dir, nn.last, nn.len, &victim);
	if (e == -ENOENT) {
		victim = NULL;
		e = nn.dir->nlink == 0 || (flags & RENAME_EXCHANGE) ? -ENOENT : 0;
	} else if (e) {
		victim = NULL;
	} else if (flags & RENAME_NOREPLACE) {
		e = -EEXIST;
	}
	if (e)
		goto out;
	if (victim == node)
		goto out;
	/* both names' directories: removing (the sticky bit too) and making */
	e = may_delete(on.dir, node);
	if (!e)
		e = victim ? may_delete(nn.dir, victim) : may_create(nn.dir);
	if (e)
		goto out;
	if (flags & RENAME_EXCHANGE) {
		e = exchange(&on, node, &nn, victim);
		if (!e) {
			dnotify_move(on.dir, nn.dir);
			dnotify_move(nn.dir, on.dir);
		}
		goto out;
	}
	if (victim) {
		if (S_ISDIR(node->mode) && !S_ISDIR(victim->mode))
			e = -ENOTDIR;
		else if (!S_ISDIR(node->mode) && S_ISDIR(victim->mode))
			e = -EISDIR;
		else if (S_ISDIR(victim->mode) && !dir_is_empty(victim))
			e = -ENOTEMPTY;
		if (e)
			goto out;
	}
	if (S_ISDIR(node->mode)) { /* not into itself */
		for (struct inode *p = nn.dir; p; p = p->parent == p ? NULL : p->parent)
			if (p == node) {
				e = -EINVAL;
				goto out;
			}
	}
	if (!on.dir->ops->rename)
		e = -EPERM;
	else if (on.dir->ops != nn.dir->ops)
		e = -EXDEV;
	else
		e = on.dir->ops->rename(on.dir, on.last, on.len, node, nn.dir, nn.last, nn.len,
					victim);
	if (!e) {
		uint32_t cookie = inotify_cookie();
		inotify_name(on.dir, node, on.last, on.len, IN_MOVED_FROM, cookie);
		inotify_name(nn.dir, node, nn.last, nn.len, IN_MOVED_TO, cookie);
		inotify_event(node, IN_MOVE_SELF);
		if (victim)
			inotify_unlinked(victim);
		dnotify_move(on.dir, nn.dir);
	}
out:
	inode_put(victim);
	inode_put(node);
	inode_put(nn.dir);
	inode_put(on.dir);
	return e;
}
