/* vfs.c: inodes and names: reference counts, path lookup (absolute, from
 * the cwd or a directory fd; ".", "..", symlinks, ELOOP/ENOENT/ENOTDIR/
 * ENAMETOOLONG), the namespace operations (open/create, mkdir, symlink,
 * unlink, rmdir, rename), stat, getcwd, and building "/" at boot. */
#include "fs/vfs.h"
#include "fs/minifs/minifs.h"
#include "fs/mount.h"
#include "kernel/proc.h"
#include <asm/stat.h>

struct inode *fs_root;
static uint64_t next_ino = 1;

int64_t fs_now(void)
{
	return realtime_now_ns();
}

void inode_init(struct inode *ino, unsigned mode, uint64_t dev)
{
	memset(ino, 0, sizeof(*ino));
	ino->ino = next_ino++;
	ino->dev = dev;
	ino->mode = mode;
	ino->nlink = 1;
	if (current) {
		ino->uid = (unsigned)current->fsuid;
		ino->gid = (unsigned)current->fsgid;
	}
	ino->atime = ino->mtime = ino->ctime = fs_now();
}

struct inode *inode_get(struct inode *ino)
{
	ino->refs++;
	return ino;
}

void inode_put(struct inode *ino)
{
	if (!ino)
		return;
	if (ino->refs <= 0)
		panic("inode_put: inode %lu has no references", (unsigned long)ino->ino);
	if (--ino->refs == 0 && (ino->nlink == 0 || ino->transient) && ino->ops && ino->ops->evict)
		ino->ops->evict(ino);
}

uint64_t inode_size(struct inode *ino) { return ino->size; }
unsigned inode_mode(struct inode *ino) { return ino->mode; }

const void *inode_data(struct inode *ino)
{
	if (!S_ISREG(ino->mode) || !ino->ops || !ino->ops->data)
		return NULL;
	return ino->ops->data(ino);
}

static int count_emit(void *ctx, const char *name, size_t len, uint64_t ino,
		      unsigned type, uint64_t next)
{
	if (!(len == 1 && name[0] == '.') && !(len == 2 && name[0] == '.' && name[1] == '.')) {
		*(bool *)ctx = true;
		return 1;
	}
	return 0;
}

bool dir_is_empty(struct inode *dir)
{
	bool found = false;
	uint64_t pos = 0;
	if (dir->ops && dir->ops->readdir)
		dir->ops->readdir(dir, &pos, count_emit, &found);
	return !found;
}

int inode_path(struct inode *ino, char *buf, size_t n)
{
	char *tmp = kmalloc(PATH_MAX);
	if (!tmp)
		return -ENOMEM;
	size_t p = PATH_MAX - 1;
	tmp[p] = 0;
	int depth = 0;
	for (struct inode *i = ino; i != fs_root; i = i->parent) {
		if (!i || !i->parent || !i->name || ++depth > PATH_MAX / 2) {
			kfree(tmp);
			return -ENOENT;
		}
		size_t len = strlen(i->name);
		if (len + 1 > p) {
			kfree(tmp);
			return -ENAMETOOLONG;
		}
		p -= len;
		memcpy(tmp + p, i->name, len);
		tmp[--p] = '/';
	}
	if (p == PATH_MAX - 1)
		tmp[--p] = '/';
	size_t total = PATH_MAX - 1 - p;
	if (total + 1 > n) {
		kfree(tmp);
		return -ERANGE;
	}
	memcpy(buf, tmp + p, total + 1);
	kfree(tmp);
	return (int)total;
}

static uint64_t blocks_of(struct inode *ino)
{
	if (mount_is_disk(ino))
		return mount_disk_blocks(ino);
	if (!S_ISREG(ino->mode))
		return 0;
	return ((ino->size + 4095) / 4096) * 8;   /* 512-byte units of whole pages */
}

void inode_fill_stat(struct inode *ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = ino->dev;
	st->st_ino = ino->ino;
	st->st_nlink = ino->nlink;
	st->st_mode = ino->mode;
	st->st_uid = ino->uid;
	st->st_gid = ino->gid;
	st->st_rdev = ino->rdev;
	st->st_size = (long)ino->size;
	st->st_blksize = 4096;
	st->st_blocks = (long)blocks_of(ino);
	st->st_atime = ino->atime / 1000000000;
	st->st_atime_nsec = (unsigned long)(ino->atime % 1000000000);
	st->st_mtime = ino->mtime / 1000000000;
	st->st_mtime_nsec = (unsigned long)(ino->mtime % 1000000000);
	st->st_ctime = ino->ctime / 1000000000;
	st->st_ctime_nsec = (unsigned long)(ino->ctime % 1000000000);
}

static uint32_t dev_major(uint64_t d) { return (uint32_t)(((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffull)); }
static uint32_t dev_minor(uint64_t d) { return (uint32_t)((d & 0xff) | ((d >> 12) & ~0xffull)); }

static void set_ts(struct statx_timestamp *t, int64_t ns)
{
	t->tv_sec = ns / 1000000000;
	t->tv_nsec = (uint32_t)(ns % 1000000000);
}

void inode_fill_statx(struct inode *ino, unsigned mask, struct statx *sx)
{
	memset(sx, 0, sizeof(*sx));
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_blksize = 4096;
	sx->stx_nlink = ino->nlink;
	sx->stx_uid = ino->uid;
	sx->stx_gid = ino->gid;
	sx->stx_mode = (uint16_t)ino->mode;
	sx->stx_ino = ino->ino;
	sx->stx_size = ino->size;
	sx->stx_blocks = blocks_of(ino);
	set_ts(&sx->stx_atime, ino->atime);
	set_ts(&sx->stx_mtime, ino->mtime);
	set_ts(&sx->stx_ctime, ino->ctime);
	sx->stx_rdev_major = dev_major(ino->rdev);
	sx->stx_rdev_minor = dev_minor(ino->rdev);
	sx->stx_dev_major = dev_major(ino->dev);
	sx->stx_dev_minor = dev_minor(ino->dev);
}

/* ---- path lookup */

struct nameidata {
	struct inode *dir;            /* the directory holding the last component */
	char last[NAME_MAX + 1];      /* the last component; "." when there is none */
	size_t len;
	bool slash;                   /* the path ended with '/' */
};

static bool is_dot(const char *s) { return s[0] == '.' && s[1] == 0; }
static bool is_dotdot(const char *s) { return s[0] == '.' && s[1] == '.' && s[2] == 0; }

static struct inode *cwd_inode(void)
{
	return current && current->fs && current->fs->cwd ? current->fs->cwd : fs_root;
}

static unsigned cur_umask(void)
{
	return current && current->fs ? current->fs->umask : 022;
}

static int dir_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (len == 1 && name[0] == '.') {
		*out = inode_get(dir);
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = inode_get(dir->parent ? dir->parent : dir);
		return 0;
	}
	if (dir->nlink == 0 || !dir->ops || !dir->ops->lookup)
		return -ENOENT;
	int e = dir->ops->lookup(dir, name, len, out);
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

/* Resolves path from base (borrowed). With nd, stops before the last
 * component and fills nd (nd->dir referenced); else *out gets the
 * referenced result. *links counts symlinks followed so far. */
static int walk(struct inode *base, const char *path, unsigned flags, int *links,
		struct inode **out, struct nameidata *nd)
{
	struct inode *cur = path[0] == '/' ? fs_root : base;
	inode_get(cur);
	while (*path == '/')
		path++;
	if (*path == 0) {             /* "/" or "dir/" at the end of a link */
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
		struct inode *next;
		int e = dir_lookup(cur, s, len, &next);
		if (e) {
			inode_put(cur);
			return e;
		}
		if (S_ISLNK(next->mode) && (!last || slash || (flags & LOOKUP_FOLLOW))) {
			char *target;
			if (++*links > SYMLOOP_MAX)
				e = -ELOOP;
			else
				e = link_target(next, &target);
			inode_put(next);
			if (e) {
				inode_put(cur);
				return e;
			}
			e = walk(cur, target, LOOKUP_FOLLOW, links, &next, NULL);
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
		*base = fs_root;
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
	int links = 0;
	return walk(base, path, flags, &links, out, NULL);
}

static int lookup_parent(int dirfd, const char *path, struct nameidata *nd)
{
	struct inode *base;
	if (!path[0])
		return -ENOENT;
	int e = start_at(dirfd, path, &base);
	if (e)
		return e;
	int links = 0;
	return walk(base, path, LOOKUP_FOLLOW, &links, NULL, nd);
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

/* ---- namespace operations */

/* Creates (or finds, or follows to) the file for open with O_CREAT. */
static int open_create(struct inode *base, const char *path, int flags, unsigned mode,
		       int *links, struct inode **out, bool *created)
{
	struct nameidata nd;
	int e = walk(base, path, LOOKUP_FOLLOW, links, NULL, &nd);
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
		else
			e = nd.dir->ops->create(nd.dir, nd.last, nd.len,
						S_IFREG | (mode & ~cur_umask() & 07777), NULL, out);
		if (!e) {
			*created = true;
			dnotify_dir(nd.dir, DN_CREATE);
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
		else if (++*links > SYMLOOP_MAX)
			e = -ELOOP;
		else if ((e = link_target(ino, &target)) == 0) {
			e = open_create(nd.dir, target, flags, mode, links, out, created);
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
	int links = 0;
	int e = walk(base, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &links, &dir, NULL);
	if (e)
		return e;
	if (dir->nlink == 0)
		e = -ENOENT;
	else if (!dir->ops || !dir->ops->tmpfile)
		e = -EOPNOTSUPP;
	else
		e = dir->ops->tmpfile(dir, S_IFREG | (mode & ~cur_umask() & 07777),
				      !(flags & O_EXCL), out);
	inode_put(dir);
	return e;
}

int vfs_openat(int dirfd, const char *path, int flags, unsigned mode, struct file **out)
{
	struct inode *base, *ino;
	bool created = false;
	int links = 0;
	if (!path[0])
		return -ENOENT;
	int e = start_at(dirfd, path, &base);
	if (e)
		return e;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	if (flags & __O_TMPFILE) {
		e = open_tmpfile(base, path, flags, mode, &ino);
		created = true;
	} else if (flags & O_CREAT) {
		if (flags & O_DIRECTORY)
			return -EINVAL;
		e = open_create(base, path, flags, mode, &links, &ino, &created);
	} else {
		e = walk(base, path, (flags & O_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
			 (flags & O_DIRECTORY ? LOOKUP_DIRECTORY : 0), &links, &ino, NULL);
	}
	if (e)
		return e;

	int acc = flags & O_ACCMODE;
	if (S_ISLNK(ino->mode) && !(flags & O_PATH))
		e = -ELOOP;
	else if ((flags & O_DIRECTORY) && !(flags & __O_TMPFILE) && !S_ISDIR(ino->mode))
		e = -ENOTDIR;
	else if (!(flags & O_PATH) && S_ISDIR(ino->mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		e = -EISDIR;
	else if (!(flags & O_PATH) && !ino->fops)
		e = -ENXIO;
	else if (!(flags & O_PATH) && S_ISREG(ino->mode) && ino->writecount < 0 &&
		 (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC)))
		e = -ETXTBSY;   /* a running program's file */
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
		return -ENOMEM;
	f->flags |= (unsigned)flags & O_NOCTTY;   /* for a terminal's open only */
	if (f->ops && f->ops->open)
		e = f->ops->open(f);
	f->flags &= ~(unsigned)O_NOCTTY;
	if (e) {
		f->ops = NULL;        /* no release for a failed open */
		file_put(f);
		return e;
	}
	*out = f;
	return 0;
}

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
		else if ((e = nd->dir->ops->create(nd->dir, nd->last, nd->len, mode, target, &ino)) == 0)
			inode_put(ino);
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
			e = -EBUSY;   /* the root of another filesystem (/proc) */
		else if (!dir_is_empty(victim))
			e = -ENOTEMPTY;
	} else {
		if (S_ISDIR(victim->mode))
			e = -EISDIR;
		else if (nd.slash)
			e = -ENOTDIR;
	}
	if (!e)
		e = nd.dir->ops->unlink ? nd.dir->ops->unlink(nd.dir, nd.last, nd.len, victim) : -EPERM;
	if (!e)
		dnotify_dir(nd.dir, DN_DELETE);
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
	if (!e)
		dnotify_dir(nd.dir, DN_CREATE);
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
	else if ((e = nd.dir->ops->mknod(nd.dir, nd.last, nd.len, mode, rdev, &ino)) == 0)
		inode_put(ino);
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
	if ((S_ISDIR(a->mode) && is_below(nn->dir, a)) || (S_ISDIR(b->mode) && is_below(on->dir, b)))
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
	if (S_ISDIR(node->mode)) {    /* not into itself */
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
		e = on.dir->ops->rename(on.dir, on.last, on.len, node, nn.dir, nn.last, nn.len, victim);
	if (!e)
		dnotify_move(on.dir, nn.dir);
out:
	inode_put(victim);
	inode_put(node);
	inode_put(nn.dir);
	inode_put(on.dir);
	return e;
}

int vfs_chown(struct inode *ino, int uid, int gid)
{
	if (!minifs_is(ino) && !mount_is_disk(ino))
		return -EPERM;
	if (mount_readonly(ino))
		return -EROFS;
	if (current && current->euid != 0) {
		bool member = gid == -1 || gid == current->fsgid;
		for (int i = 0; !member && i < current->ngroups; i++)
			member = current->groups[i] == gid;
		if ((unsigned)current->fsuid != ino->uid || (uid != -1 && (unsigned)uid != ino->uid) ||
		    !member)
			return -EPERM;
	}
	if (uid != -1)
		ino->uid = (unsigned)uid;
	if (gid != -1)
		ino->gid = (unsigned)gid;
	/* chown drops set-user-ID, and set-group-ID when it means
	 * something (with group execute), even when no id changes */
	if (!S_ISDIR(ino->mode) && !S_ISLNK(ino->mode)) {
		ino->mode &= ~(unsigned)S_ISUID;
		if (ino->mode & S_IXGRP)
			ino->mode &= ~(unsigned)S_ISGID;
	}
	ino->ctime = fs_now();
	dnotify_inode(ino, DN_ATTRIB);
	return 0;
}

int vfs_truncate(struct inode *ino, uint64_t len)
{
	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (!S_ISREG(ino->mode))
		return -EINVAL;
	if (ino->writecount < 0)
		return -ETXTBSY;   /* a running program's file */
	if (!ino->ops || !ino->ops->truncate)
		return -EPERM;
	int e = ino->ops->truncate(ino, len);
	if (!e)
		dnotify_inode(ino, DN_MODIFY);
	return e;
}

int vfs_chmod(struct inode *ino, unsigned mode)
{
	if (!ino->ops || !ino->ops->chmod)
		return -EPERM;
	int e = ino->ops->chmod(ino, mode & 07777);
	if (!e)
		dnotify_inode(ino, DN_ATTRIB);
	return e;
}

int vfs_chdir(struct inode *dir)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (!current || !current->fs)
		return -EINVAL;
	struct inode *old = current->fs->cwd;
	current->fs->cwd = inode_get(dir);
	inode_put(old);
	return 0;
}

int vfs_getcwd(char *buf, size_t n)
{
	return inode_path(cwd_inode(), buf, n);
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
