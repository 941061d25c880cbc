/* minifs.c: the RAM filesystem: directories as lists of entries, regular
 * files as one contiguous buffer (initially borrowed from the initrd, copied
 * to the heap on the first change), symlinks as strings, and device nodes
 * that carry another module's file operations. */
#include "fs/minifs/minifs.h"

#define MINIFS_MAX_FILE (1ull << 40)
#define DIRENT_SIZE 20   /* a directory's size grows by this per entry (as tmpfs's) */

struct mdirent {
	struct mdirent *next, *prev;
	uint64_t pos;             /* readdir position; increases along the list */
	uint32_t hash;
	struct inode *ino;        /* the entry's name is ino->name */
};

struct mnode {
	struct inode vi;          /* first: an inode is a node */
	/* regular files */
	uint8_t *data;
	size_t cap;               /* heap capacity when owned */
	bool owned;               /* data is ours (heap), else borrowed */
	/* symlinks */
	char *target;
	/* directories */
	struct mdirent *head, *tail;
	uint64_t next_pos;
};

static const struct inode_ops mf_iops;
static const struct file_ops mf_reg_fops;
static const struct file_ops mf_dir_fops;

static struct mnode *M(struct inode *ino) { return (struct mnode *)ino; }

bool minifs_is(struct inode *ino)
{
	return ino->ops == &mf_iops;
}

static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

static struct mdirent *dir_find(struct inode *dir, const char *name, size_t len)
{
	uint32_t h = name_hash(name, len);
	for (struct mdirent *d = M(dir)->head; d; d = d->next)
		if (d->hash == h && strncmp(d->ino->name, name, len) == 0 && d->ino->name[len] == 0)
			return d;
	return NULL;
}

static struct mdirent *dir_find_ino(struct inode *dir, struct inode *ino)
{
	for (struct mdirent *d = M(dir)->head; d; d = d->next)
		if (d->ino == ino)
			return d;
	return NULL;
}

/* Appends entry d (for d->ino, already named) to dir. */
static void dir_append(struct inode *dir, struct mdirent *d)
{
	struct mnode *m = M(dir);
	d->pos = m->next_pos++;
	d->hash = name_hash(d->ino->name, strlen(d->ino->name));
	d->next = NULL;
	d->prev = m->tail;
	if (m->tail)
		m->tail->next = d;
	else
		m->head = d;
	m->tail = d;
	d->ino->parent = dir;
	if (S_ISDIR(d->ino->mode))
		dir->nlink++;
	dir->size += DIRENT_SIZE;
	dir->mtime = dir->ctime = fs_now();
}

static void dir_remove(struct inode *dir, struct mdirent *d)
{
	struct mnode *m = M(dir);
	if (d->prev)
		d->prev->next = d->next;
	else
		m->head = d->next;
	if (d->next)
		d->next->prev = d->prev;
	else
		m->tail = d->prev;
	d->ino->parent = NULL;
	if (S_ISDIR(d->ino->mode))
		dir->nlink--;
	dir->size -= DIRENT_SIZE;
	dir->mtime = dir->ctime = fs_now();
}

static uint64_t live_nodes;

uint64_t minifs_inodes(void) { return live_nodes; }

static struct mnode *node_new(unsigned mode)
{
	struct mnode *m = kzalloc(sizeof(*m));
	if (!m)
		return NULL;
	live_nodes++;
	inode_init(&m->vi, mode, MINIFS_DEV);
	m->vi.ops = &mf_iops;
	m->vi.nlink = S_ISDIR(mode) ? 2 : 1;
	if (S_ISDIR(mode)) {
		m->vi.fops = &mf_dir_fops;
		m->vi.size = 2 * DIRENT_SIZE;
		m->next_pos = 2;
	} else if (S_ISREG(mode)) {
		m->vi.fops = &mf_reg_fops;
	}
	return m;
}

static void node_free(struct mnode *m)
{
	live_nodes--;
	if (m->owned)
		kfree(m->data);
	kfree(m->target);
	kfree(m->vi.name);
	kfree(m);
}

/* Names node n as name in dir. */
static int node_link(struct inode *dir, struct mnode *n, const char *name, size_t len)
{
	struct mdirent *d = kzalloc(sizeof(*d));
	char *s = strndup(name, len);
	if (!d || !s) {
		kfree(d);
		kfree(s);
		return -ENOMEM;
	}
	n->vi.name = s;
	d->ino = &n->vi;
	dir_append(dir, d);
	return 0;
}

struct inode *minifs_new_root(void)
{
	struct mnode *m = node_new(S_IFDIR | 0755);
	if (!m)
		return NULL;
	m->vi.name = strdup("/");
	m->vi.parent = &m->vi;
	m->vi.refs = 1;   /* the root is never freed */
	return &m->vi;
}

/* ---- inode operations */

static int mf_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct mdirent *d = dir_find(dir, name, len);
	if (!d)
		return -ENOENT;
	*out = inode_get(d->ino);
	return 0;
}

static int mf_readdir(struct inode *dir, uint64_t *pos, dir_emit_t emit, void *ctx)
{
	if (*pos == 0) {
		if (emit(ctx, ".", 1, dir->ino, IFTODT(dir->mode), 1))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		struct inode *p = dir->parent ? dir->parent : dir;
		if (emit(ctx, "..", 2, p->ino, IFTODT(p->mode), 2))
			return 0;
		*pos = 2;
	}
	for (struct mdirent *d = M(dir)->head; d; d = d->next) {
		if (d->pos < *pos)
			continue;
		struct inode *i = d->ino;
		if (emit(ctx, i->name, strlen(i->name), i->ino, IFTODT(i->mode), d->pos + 1))
			return 0;
		*pos = d->pos + 1;
	}
	return 0;
}

static int mf_create(struct inode *dir, const char *name, size_t len, unsigned mode,
		     const char *target, struct inode **out)
{
	if (!S_ISREG(mode) && !S_ISDIR(mode) && !S_ISLNK(mode))
		return -EPERM;
	struct mnode *n = node_new(mode);
	if (!n)
		return -ENOMEM;
	if (S_ISLNK(mode)) {
		n->target = strdup(target);
		if (!n->target) {
			node_free(n);
			return -ENOMEM;
		}
		n->vi.size = strlen(target);
	}
	int e = node_link(dir, n, name, len);
	if (e) {
		node_free(n);
		return e;
	}
	*out = inode_get(&n->vi);
	return 0;
}

static int mf_unlink(struct inode *dir, struct inode *victim)
{
	if (!minifs_is(victim))
		return -EBUSY;
	struct mdirent *d = dir_find_ino(dir, victim);
	if (!d)
		return -ENOENT;
	dir_remove(dir, d);
	kfree(d);
	victim->nlink = 0;
	victim->ctime = fs_now();
	return 0;
}

static int mf_rename(struct inode *odir, struct inode *node, struct inode *ndir,
		     const char *name, size_t len, struct inode *victim)
{
	if (!minifs_is(node) || !minifs_is(ndir) || (victim && !minifs_is(victim)))
		return -EXDEV;
	struct mdirent *d = dir_find_ino(odir, node);
	if (!d)
		return -ENOENT;
	char *s = strndup(name, len);
	if (!s)
		return -ENOMEM;
	if (victim) {
		int e = mf_unlink(ndir, victim);
		if (e) {
			kfree(s);
			return e;
		}
	}
	dir_remove(odir, d);
	kfree(node->name);
	node->name = s;
	dir_append(ndir, d);
	node->ctime = fs_now();
	return 0;
}

static int mf_exchange(struct inode *adir, struct inode *a, struct inode *bdir, struct inode *b)
{
	if (!minifs_is(a) || !minifs_is(b) || !minifs_is(bdir))
		return -EXDEV;
	struct mdirent *da = dir_find_ino(adir, a), *db = dir_find_ino(bdir, b);
	if (!da || !db)
		return -ENOENT;
	/* each entry keeps its name (and hash) and takes the other inode */
	char *an = a->name;
	a->name = b->name;
	b->name = an;
	da->ino = b;
	db->ino = a;
	a->parent = bdir;
	b->parent = adir;
	int ad = S_ISDIR(a->mode), bd = S_ISDIR(b->mode);
	adir->nlink = (unsigned)((int)adir->nlink + bd - ad);
	bdir->nlink = (unsigned)((int)bdir->nlink + ad - bd);
	int64_t now = fs_now();
	a->ctime = b->ctime = adir->mtime = adir->ctime = bdir->mtime = bdir->ctime = now;
	return 0;
}

static ssize_t mf_readlink(struct inode *ino, char *buf, size_t n)
{
	struct mnode *m = M(ino);
	size_t len = strlen(m->target);
	memcpy(buf, m->target, MIN(n, len));
	return (ssize_t)len;
}

/* Makes room for need bytes in a regular file's own heap buffer. */
static int reserve(struct mnode *m, uint64_t need)
{
	if (m->owned && need <= m->cap)
		return 0;
	size_t ncap = need < 64 ? 64 : need;
	if (m->owned && ncap < m->cap * 2)
		ncap = m->cap * 2;
	uint8_t *p;
	if (m->owned) {
		p = krealloc(m->data, ncap);
	} else {
		p = kmalloc(ncap);
		if (p && m->vi.size)
			memcpy(p, m->data, m->vi.size);
	}
	if (!p)
		return -ENOMEM;
	m->data = p;
	m->cap = ncap;
	m->owned = true;
	return 0;
}

static int mf_truncate(struct inode *ino, uint64_t len)
{
	struct mnode *m = M(ino);
	if (!S_ISREG(ino->mode))
		return -EINVAL;
	if (len > MINIFS_MAX_FILE)
		return -EFBIG;
	if (len > ino->size) {
		int e = reserve(m, len);
		if (e)
			return e;
		memset(m->data + ino->size, 0, len - ino->size);
	}
	ino->size = len;
	ino->mtime = ino->ctime = fs_now();
	return 0;
}

static int mf_chmod(struct inode *ino, unsigned mode)
{
	ino->mode = (ino->mode & S_IFMT) | (mode & 07777);
	ino->ctime = fs_now();
	return 0;
}

static const void *mf_data(struct inode *ino)
{
	return S_ISREG(ino->mode) ? M(ino)->data : NULL;
}

static void mf_evict(struct inode *ino)
{
	node_free(M(ino));
}

static const struct inode_ops mf_iops = {
	.lookup = mf_lookup,
	.readdir = mf_readdir,
	.create = mf_create,
	.unlink = mf_unlink,
	.rename = mf_rename,
	.exchange = mf_exchange,
	.readlink = mf_readlink,
	.truncate = mf_truncate,
	.chmod = mf_chmod,
	.data = mf_data,
	.evict = mf_evict,
};

/* ---- regular file data */

static ssize_t mf_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct inode *ino = f->ino;
	if (off >= ino->size)
		return 0;
	n = MIN(n, ino->size - off);
	if (xcopy_out(buf, M(ino)->data + off, n, user))
		return -EFAULT;
	return (ssize_t)n;
}

static ssize_t mf_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	struct inode *ino = f->ino;
	struct mnode *m = M(ino);
	if (n == 0)
		return 0;
	if (off >= MINIFS_MAX_FILE || n > MINIFS_MAX_FILE - off)
		return -EFBIG;
	int e = reserve(m, off + n);
	if (e)
		return e;
	if (off > ino->size)
		memset(m->data + ino->size, 0, off - ino->size);
	if (xcopy_in(m->data + off, buf, n, user)) {
		return -EFAULT;
	}
	if (off + n > ino->size)
		ino->size = off + n;
	ino->mtime = ino->ctime = fs_now();
	return (ssize_t)n;
}

static const struct file_ops mf_reg_fops = {
	.read = mf_read,
	.write = mf_write,
};

static const struct file_ops mf_dir_fops = {
	.read = NULL,
};

/* ---- building the tree */

int minifs_mknod(struct inode *dir, const char *name, unsigned mode, uint64_t rdev,
		 const struct file_ops *fops, void *priv, struct inode **out)
{
	if (dir_find(dir, name, strlen(name)))
		return -EEXIST;
	struct mnode *n = node_new(mode);
	if (!n)
		return -ENOMEM;
	n->vi.rdev = rdev;
	n->vi.fops = fops;
	n->vi.priv = priv;
	int e = node_link(dir, n, name, strlen(name));
	if (e) {
		node_free(n);
		return e;
	}
	if (out)
		*out = &n->vi;
	return 0;
}

int minifs_attach(struct inode *dir, const char *name, struct inode *ino)
{
	if (dir_find(dir, name, strlen(name)))
		return -EEXIST;
	struct mdirent *d = kzalloc(sizeof(*d));
	char *s = strdup(name);
	if (!d || !s) {
		kfree(d);
		kfree(s);
		return -ENOMEM;
	}
	ino->name = s;
	d->ino = ino;
	dir_append(dir, d);
	return 0;
}

void minifs_set_data(struct inode *ino, const void *data, size_t n)
{
	struct mnode *m = M(ino);
	if (m->owned)
		kfree(m->data);
	m->data = (uint8_t *)data;
	m->cap = 0;
	m->owned = false;
	ino->size = n;
}
