/* fuzz_cpio.c: libFuzzer target for the kernel's initrd unpacker
 * (fs/minifs/cpio.c, built for the host against tests/fuzz/shim). The
 * input is a cpio archive; whatever it holds, the unpacker must stay in
 * its bounds, every file's data must lie inside the archive, and every
 * inode reference it takes must be given back (checked after each run).
 * Built and run by tests/fuzz/run.sh. */
#include "fs/minifs/minifs.h"

static struct inode *root;

void *fuzz_kmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p)
		abort();
	return p;
}

void fuzz_kfree(void *p) { free(p); }
static const uint8_t *arch;
static size_t arch_len;

struct inode *inode_get(struct inode *ino)
{
	ino->refs++;
	return ino;
}

void inode_put(struct inode *ino)
{
	if (ino->refs <= 0)
		abort(); /* released more often than taken */
	ino->refs--;
}

bool dir_is_empty(struct inode *dir) { return dir->children == NULL; }

static struct inode *child(struct inode *dir, const char *name, size_t len)
{
	for (struct inode *c = dir->children; c; c = c->next)
		if (strlen(c->name) == len && !memcmp(c->name, name, len))
			return c;
	return NULL;
}

static int op_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	if (!S_ISDIR(dir->mode))
		abort();
	struct inode *c = child(dir, name, len);
	if (!c)
		return -ENOENT;
	*out = inode_get(c);
	return 0;
}

static const struct inode_ops ops;

static int op_create(struct inode *dir, const char *name, size_t len, unsigned mode,
		     const char *target, struct inode **out)
{
	if (!S_ISDIR(dir->mode) || len == 0 || len > NAME_MAX || child(dir, name, len))
		abort();
	struct inode *c = calloc(1, sizeof *c);
	if (!c)
		return -ENOMEM;
	memcpy(c->name, name, len);
	c->mode = mode;
	c->ops = &ops;
	c->refs = 1; /* the directory's */
	c->target = target ? strdup(target) : NULL;
	c->parent = dir;
	c->next = dir->children;
	dir->children = c;
	*out = inode_get(c);
	return 0;
}

static void free_tree(struct inode *ino)
{
	while (ino->children) {
		struct inode *c = ino->children;
		ino->children = c->next;
		free_tree(c);
	}
	free(ino->target);
	free(ino);
}

static int op_unlink(struct inode *dir, const char *name, size_t len, struct inode *ino)
{
	struct inode **pp = &dir->children;
	while (*pp && *pp != ino)
		pp = &(*pp)->next;
	if (!*pp || child(dir, name, len) != ino || ino->children)
		abort();
	*pp = ino->next;
	/* the caller still holds one reference (puts it after this), and a
	   pending hard link may hold another */
	if (ino->refs < 2)
		abort();
	ino->next = NULL;
	ino->parent = NULL;
	ino->refs--;
	/* kept until the end of the run (the caller's put comes later) */
	ino->next = root->next;
	root->next = ino;
	return 0;
}

/* A hard link: a second name for a regular file. The model keeps one
 * node per name, so the new name is a node of its own with the file's
 * data; the unpacker's references to the linked node are still checked. */
static int op_link(struct inode *dir, const char *name, size_t len, struct inode *ino)
{
	if (!S_ISREG(ino->mode) || ino->refs < 1)
		abort();
	if (!S_ISDIR(dir->mode) || len == 0 || len > NAME_MAX || child(dir, name, len))
		return -EEXIST;
	struct inode *c;
	int e = op_create(dir, name, len, ino->mode, NULL, &c);
	if (e)
		return e;
	c->data = ino->data;
	c->size = ino->size;
	c->uid = ino->uid;
	c->gid = ino->gid;
	inode_put(c);
	return 0;
}

static const struct inode_ops ops = { op_lookup, op_create, op_unlink, op_link };

/* The absolute path of directory ino into buf (at most len bytes). */
static void abspath(struct inode *ino, char *buf, size_t len)
{
	if (!ino->parent) {
		snprintf(buf, len, "%s", "");
		return;
	}
	abspath(ino->parent, buf, len);
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, "/%s", ino->name);
}

/* Absolute paths only (cpio.c asks for "/a/b"), following symlinks. */
static int resolve(const char *path, int depth, struct inode **out)
{
	struct inode *dir = root;
	const char *p = path;

	if (depth > 8)
		return -ELOOP;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		if (p - s == 1 && s[0] == '.')
			continue;
		if (p - s == 2 && s[0] == '.' && s[1] == '.') {
			dir = dir->parent ? dir->parent : root;
			continue;
		}
		if (!S_ISDIR(dir->mode))
			return -ENOTDIR;
		struct inode *c = child(dir, s, (size_t)(p - s));
		if (!c)
			return -ENOENT;
		if (S_ISLNK(c->mode)) {
			static char buf[9][PATH_MAX * 3];
			char *b = buf[depth];
			if (c->target[0] == '/')
				snprintf(b, sizeof buf[0], "%s%s", c->target, p);
			else {
				abspath(dir, b, sizeof buf[0]);
				size_t n = strlen(b);
				snprintf(b + n, sizeof buf[0] - n, "/%s%s", c->target, p);
			}
			return resolve(b, depth + 1, out);
		}
		dir = c;
	}
	*out = inode_get(dir);
	return 0;
}

int vfs_lookupat(int dirfd, const char *path, int flags, struct inode **out)
{
	(void)dirfd;
	int e = resolve(path, 0, out);
	if (!e && (flags & LOOKUP_DIRECTORY) && !S_ISDIR((*out)->mode)) {
		inode_put(*out);
		return -ENOTDIR;
	}
	return e;
}

void minifs_set_data(struct inode *ino, const void *data, size_t n)
{
	const uint8_t *d = data;
	if (!S_ISREG(ino->mode) ||
	    (n && (d < arch || n > arch_len || d - arch > (ptrdiff_t)(arch_len - n))))
		abort(); /* data outside the archive */
	ino->data = data;
	ino->size = n;
}

/* Each inode holds exactly its directory's reference once unpacking ends. */
static void check_refs(struct inode *ino, int want)
{
	if (ino->refs != want)
		abort();
	for (struct inode *c = ino->children; c; c = c->next)
		check_refs(c, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;
	size_t where;

	arch = data;
	arch_len = size;
	root = calloc(1, sizeof *root);
	if (!root)
		return 0;
	root->mode = S_IFDIR | 0755;
	root->ops = &ops;
	root->refs = 1;
	cpio_unpack(root, data, size, &why, &where);
	check_refs(root, 1);
	while (root->next) {
		struct inode *u = root->next;
		root->next = u->next;
		if (u->refs != 0)
			abort();
		u->next = NULL;
		free_tree(u);
	}
	free_tree(root);
	return 0;
}
