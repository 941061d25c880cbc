/* cpio.c: unpacks the initrd, a cpio "newc" archive, into minifs, with
 * each entry's mode, owner and time, and hard links (entries sharing an
 * ino) as one inode. Every header field and every name and data range is
 * checked against the archive's length; regular files keep pointing into
 * the archive. */
#include "fs/minifs/minifs.h"

#define HDR_LEN 110 /* "070701" + 13 fields of 8 hex digits */
#define ALIGN4(x) (((x) + 3) & ~(size_t)3)

enum {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK,
	NFIELDS
};

/* A regular file with more names (nlink > 1): later entries with its
 * ino and dev are hard links to it; its data comes with the entry that
 * has some (the first, as htux-mkimage writes, or the last, as GNU cpio
 * does). */
struct hlink {
	struct hlink *next;
	uint32_t ino, devmajor, devminor;
	struct inode *node;
};

struct unpack {
	struct inode *root;
	struct hlink *links;
	const char *why;
};

static struct hlink *find_link(struct unpack *u, const uint32_t *f)
{
	for (struct hlink *h = u->links; h; h = h->next)
		if (h->ino == f[F_INO] && h->devmajor == f[F_DEVMAJOR] &&
		    h->devminor == f[F_DEVMINOR])
			return h;
	return NULL;
}

static bool hex8(const char *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		char c = p[i];
		uint32_t d;
		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* The directory that holds the last component of name (relative to the
 * root, already stripped of leading "./" and "/"), creating missing
 * directories; *last points at the last component. Referenced. */
static int parent_dir(struct unpack *u, const char *name, const char **last, struct inode **out)
{
	struct inode *dir = inode_get(u->root);
	const char *p = name;
	for (;;) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - s);
		const char *q = p;
		while (*q == '/')
			q++;
		if (*q == 0) { /* s is the last component */
			*last = s;
			*out = dir;
			return 0;
		}
		if (len > NAME_MAX) {
			u->why = "name too long";
			inode_put(dir);
			return -EINVAL;
		}
		if (len == 1 && s[0] == '.')
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			u->why = "\"..\" in a name";
			inode_put(dir);
			return -EINVAL;
		}
		struct inode *child;
		int e = dir->ops->lookup(dir, s, len, &child);
		if (e == -ENOENT)
			e = dir->ops->create(dir, s, len, S_IFDIR | 0755, NULL, &child);
		if (e) {
			u->why = "cannot create a directory";
			inode_put(dir);
			return e;
		}
		if (S_ISLNK(child->mode)) { /* e.g. lib -> usr/lib: follow it */
			char *path = kmalloc(PATH_MAX);
			if (!path) {
				inode_put(child);
				inode_put(dir);
				return -ENOMEM;
			}
			size_t plen = (size_t)(p - name);
			if (plen + 2 > PATH_MAX)
				plen = PATH_MAX - 2;
			path[0] = '/';
			memcpy(path + 1, name, plen);
			path[plen + 1] = 0;
			inode_put(child);
			e = vfs_lookupat(AT_FDCWD, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &child);
			kfree(path);
			if (e) {
				u->why = "a symlink in a name does not lead to a directory";
				inode_put(dir);
				return -EINVAL;
			}
		}
		inode_put(dir);
		if (!S_ISDIR(child->mode)) {
			u->why = "a name goes through a non-directory";
			inode_put(child);
			return -EINVAL;
		}
		dir = child;
	}
}

/* The entry's times and owner (as Linux's initramfs, which keeps the
 * header's uid and gid). */
static void set_attrs(struct inode *ino, const uint32_t *f)
{
	ino->atime = ino->mtime = ino->ctime = (int64_t)f[F_MTIME] * 1000000000;
	ino->uid = f[F_UID];
	ino->gid = f[F_GID];
}

static int add_entry(struct unpack *u, const char *name, const uint32_t *f, const char *data,
		     size_t size)
{
	unsigned mode = f[F_MODE];
	unsigned type = mode & S_IFMT;

	while (name[0] == '/' || (name[0] == '.' && name[1] == '/'))
		name += name[0] == '/' ? 1 : 2;
	if (name[0] == 0 || (name[0] == '.' && name[1] == 0)) { /* the root itself */
		if (type == S_IFDIR) {
			u->root->mode = S_IFDIR | (mode & 07777);
			set_attrs(u->root, f);
		}
		return 0;
	}
	if (type != S_IFREG && type != S_IFDIR && type != S_IFLNK) {
		kinfo("initrd: skipping special file /%s\n", name);
		return 0;
	}

	const char *last;
	struct inode *dir;
	int e = parent_dir(u, name, &last, &dir);
	if (e)
		return e;
	size_t len = strlen(last);
	while (len && last[len - 1] == '/')
		len--;
	if (len > NAME_MAX) {
		u->why = "name too long";
		inode_put(dir);
		return -EINVAL;
	}
	if (len == 0 || (len == 1 && last[0] == '.') ||
	    (len == 2 && last[0] == '.' && last[1] == '.')) {
		inode_put(dir);
		if (len == 2) {
			u->why = "\"..\" in a name";
			return -EINVAL;
		}
		return 0;
	}

	struct inode *old;
	if (dir->ops->lookup(dir, last, len, &old) == 0) {
		if (S_ISDIR(old->mode) && type == S_IFDIR) { /* seen already: update */
			old->mode = S_IFDIR | (mode & 07777);
			set_attrs(old, f);
			inode_put(old);
			inode_put(dir);
			return 0;
		}
		if (S_ISDIR(old->mode) && !dir_is_empty(old))
			e = -ENOTEMPTY; /* a directory is replaced only if empty */
		else
			e = dir->ops->unlink(dir, last, len, old);
		inode_put(old);
		if (e) {
			u->why = "cannot replace an earlier entry";
			inode_put(dir);
			return e;
		}
	}

	struct hlink *h = type == S_IFREG && f[F_NLINK] > 1 ? find_link(u, f) : NULL;
	if (h) { /* another name of a file seen already: a hard link to it */
		e = dir->ops->link(dir, last, len, h->node);
		inode_put(dir);
		if (e) {
			u->why = "cannot make a hard link";
			return e;
		}
		if (size) /* GNU cpio puts the data on the last name */
			minifs_set_data(h->node, data, size);
		return 0;
	}

	struct inode *ino;
	char *target = NULL;
	if (type == S_IFLNK) {
		if (size == 0 || size >= PATH_MAX || strnlen(data, size) != size) {
			u->why = "bad symlink target";
			inode_put(dir);
			return -EINVAL;
		}
		target = strndup(data, size);
		if (!target) {
			inode_put(dir);
			return -ENOMEM;
		}
	}
	e = dir->ops->create(dir, last, len, type | (mode & 07777), target, &ino);
	kfree(target);
	inode_put(dir);
	if (e) {
		u->why = "cannot create a file";
		return e;
	}
	set_attrs(ino, f);

	if (type == S_IFREG) {
		minifs_set_data(ino, size ? data : NULL, size);
		if (f[F_NLINK] > 1) { /* later names with this ino link to it */
			h = kzalloc(sizeof(*h));
			if (!h) {
				inode_put(ino);
				return -ENOMEM;
			}
			h->ino = f[F_INO];
			h->devmajor = f[F_DEVMAJOR];
			h->devminor = f[F_DEVMINOR];
			h->node = inode_get(ino);
			h->next = u->links;
			u->links = h;
		}
	}
	inode_put(ino);
	return 0;
}

static int unpack(struct unpack *u, const char *a, size_t len, size_t *where)
{
	size_t off = 0;
	for (;;) {
		*where = off;
		if (off > len || len - off < HDR_LEN) {
			u->why = off >= len ? "truncated (no TRAILER!!! entry)"
					    : "truncated header";
			return -EINVAL;
		}
		const char *h = a + off;
		if (memcmp(h, "07070", 5) != 0 || (h[5] != '1' && h[5] != '2')) {
			u->why = "bad magic (not a cpio newc archive)";
			return -EINVAL;
		}
		uint32_t f[NFIELDS];
		for (int i = 0; i < NFIELDS; i++)
			if (!hex8(h + 6 + 8 * i, &f[i])) {
				u->why = "bad header field";
				return -EINVAL;
			}
		size_t name_off = off + HDR_LEN;
		size_t namesize = f[F_NAMESIZE];
		if (namesize == 0 || namesize > len - name_off) {
			u->why = "name out of bounds";
			return -EINVAL;
		}
		const char *name = a + name_off;
		if (strnlen(name, namesize) != namesize - 1) {
			u->why = "bad name";
			return -EINVAL;
		}
		if (strcmp(name, "TRAILER!!!") == 0)
			return 0;
		if (namesize - 1 >= PATH_MAX) {
			u->why = "name too long";
			return -EINVAL;
		}
		size_t data_off = ALIGN4(name_off + namesize);
		size_t size = f[F_FILESIZE];
		if (data_off > len || size > len - data_off) {
			u->why = "file data out of bounds";
			return -EINVAL;
		}
		int e = add_entry(u, name, f, a + data_off, size);
		if (e) {
			if (e == -ENOMEM)
				u->why = "out of memory";
			return e;
		}
		off = ALIGN4(data_off + size);
	}
}

int cpio_unpack(struct inode *root, const void *buf, size_t len, const char **why, size_t *where)
{
	struct unpack u = { .root = root, .links = NULL, .why = NULL };
	int e = unpack(&u, buf, len, where);
	while (u.links) {
		struct hlink *h = u.links;
		u.links = h->next;
		if (h->node)
			inode_put(h->node);
		kfree(h);
	}
	*why = u.why ? u.why : "error";
	return e;
}
