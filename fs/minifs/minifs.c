/* minifs.c: the RAM filesystem: directories as lists of entries that own
 * their names (a non-directory may have several: hard links), regular
 * files (their bytes: fs/minifs/data.c), symlinks as strings, FIFOs (fs/pipe.c),
 * unnamed O_TMPFILE files, and device nodes that carry another module's
 * file operations. */
#include "fs/minifs/minifs.h"
#include "fs/minifs/mnode.h"

#define DIRENT_SIZE 20  /* a directory's size grows by this per entry (as tmpfs's) */
#define LINK_MAX_ 65000 /* tmpfs has none; ext4's EMLINK limit is kept as a sanity bound */

static const struct inode_ops mf_iops;
static const struct file_ops mf_dir_fops;

bool minifs_is(struct inode *ino) { return ino->ops == &mf_iops; }

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
		if (d->hash == h && strncmp(d->name, name, len) == 0 && d->name[len] == 0)
			return d;
	return NULL;
}

/* ino's name and parent follow its first entry; with none left it keeps
 * its last name (for "(deleted)") and has no parent. */
static void sync_primary(struct inode *ino)
{
	if (!minifs_is(ino))
		return;
	struct mdirent *d = M(ino)->names;
	if (!d) {
		ino->parent = NULL;
		return;
	}
	ino->parent = d->dir;
	if (!ino->name || strcmp(ino->name, d->name) != 0) {
		char *s = strdup(d->name);
		if (s) {
			kfree(ino->name);
			ino->name = s;
		}
	}
}

/* Appends entry d (named, d->ino set) to dir and to its node's names. */
static void dir_append(struct inode *dir, struct mdirent *d)
{
	struct mnode *m = M(dir);
	d->pos = m->next_pos++;
	d->hash = name_hash(d->name, strlen(d->name));
	d->dir = dir;
	d->next = NULL;
	d->prev = m->tail;
	if (m->tail)
		m->tail->next = d;
	else
		m->head = d;
	m->tail = d;
	if (minifs_is(d->ino)) {
		struct mdirent **pp = &M(d->ino)->names;
		while (*pp)
			pp = &(*pp)->alias;
		d->alias = NULL;
		*pp = d;
		sync_primary(d->ino);
	} else {
		d->ino->parent = dir;
	}
	if (S_ISDIR(d->ino->mode))
		dir->nlink++;
	dir->size += DIRENT_SIZE;
	dir->mtime = dir->ctime = fs_now();
}

/* Takes entry d out of its directory and its node's names (d is kept). */
static void dir_remove(struct mdirent *d)
{
	struct inode *dir = d->dir;
	struct mnode *m = M(dir);
	if (d->prev)
		d->prev->next = d->next;
	else
		m->head = d->next;
	if (d->next)
		d->next->prev = d->prev;
	else
		m->tail = d->prev;
	if (minifs_is(d->ino)) {
		struct mdirent **pp = &M(d->ino)->names;
		while (*pp && *pp != d)
			pp = &(*pp)->alias;
		if (*pp)
			*pp = d->alias;
		d->alias = NULL;
		sync_primary(d->ino);
	} else {
		d->ino->parent = NULL;
	}
	if (S_ISDIR(d->ino->mode))
		dir->nlink--;
	dir->size -= DIRENT_SIZE;
	dir->mtime = dir->ctime = fs_now();
}

static struct mdirent *dirent_new(const char *name, size_t len, struct inode *ino)
{
	struct mdirent *d = kzalloc(sizeof(*d));
	char *s = strndup(name, len);
	if (!d || !s) {
		kfree(d);
		kfree(s);
		return NULL;
	}
	d->name = s;
	d->ino = ino;
	return d;
}

static void dirent_free(struct mdirent *d)
{
	kfree(d->name);
	kfree(d);
}

static uint64_t live_nodes;

uint64_t minifs_inodes(void) { return live_nodes; }

/* Every node by its number (never reused in a boot), for file handles. */
#define NUM_HASH 256
static struct mnode *by_num[NUM_HASH];

static struct mnode **num_slot(uint64_t num) { return &by_num[num % NUM_HASH]; }

static struct mnode *node_new(unsigned mode)
{
	struct mnode *m = kzalloc(sizeof(*m));
	if (!m)
		return NULL;
	live_nodes++;
	inode_init(&m->vi, mode, MINIFS_DEV);
	m->hnext = *num_slot(m->vi.ino);
	*num_slot(m->vi.ino) = m;
	m->vi.ops = &mf_iops;
	m->vi.nlink = S_ISDIR(mode) ? 2 : 1;
	if (S_ISDIR(mode)) {
		m->vi.fops = &mf_dir_fops;
		m->vi.size = 2 * DIRENT_SIZE;
		m->next_pos = 2;
	} else if (S_ISREG(mode)) {
		m->vi.fops = &mf_reg_fops;
	} else if (S_ISFIFO(mode)) {
		m->vi.fops = &fifo_fops;
	}
	return m;
}

static void node_free(struct mnode *m)
{
	struct mnode **pp = num_slot(m->vi.ino);
	while (*pp && *pp != m)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = m->hnext;
	live_nodes--;
	mf_free_data(m);
	xattr_drop(&m->vi);
	kfree(m->target);
	kfree(m->vi.name);
	kfree(m);
}

/* Names node n as name in dir (a first name: nlink stays as node_new set it). */
static int node_link(struct inode *dir, struct mnode *n, const char *name, size_t len)
{
	struct mdirent *d = dirent_new(name, len, &n->vi);
	if (!d)
		return -ENOMEM;
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
	m->vi.refs = 1; /* the root is never freed */
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
		if (emit(ctx, d->name, strlen(d->name), i->ino, IFTODT(i->mode), d->pos + 1))
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

/* mknod: a regular file, FIFO, socket or device node (no driver: opening
 * one gives ENXIO) named name in dir. */
static int mf_mknod(struct inode *dir, const char *name, size_t len, unsigned mode, uint64_t rdev,
		    struct inode **out)
{
	if (S_ISDIR(mode) || S_ISLNK(mode))
		return -EPERM;
	struct mnode *n = node_new(mode);
	if (!n)
		return -ENOMEM;
	if (S_ISCHR(mode) || S_ISBLK(mode))
		n->vi.rdev = rdev;
	int e = node_link(dir, n, name, len);
	if (e) {
		node_free(n);
		return e;
	}
	*out = inode_get(&n->vi);
	return 0;
}

/* O_TMPFILE: a regular file with no name; linkat can give it one if
 * linkable. */
static int mf_tmpfile(struct inode *dir, unsigned mode, bool linkable, struct inode **out)
{
	struct mnode *n = node_new(S_IFREG | (mode & 07777));
	if (!n)
		return -ENOMEM;
	char buf[32];
	ksnprintf(buf, sizeof(buf), "#%lu", (unsigned long)n->vi.ino);
	n->vi.name = strdup(buf);
	if (!n->vi.name) {
		node_free(n);
		return -ENOMEM;
	}
	n->vi.nlink = 0;
	n->linkable = linkable;
	*out = inode_get(&n->vi);
	return 0;
}

/* Removes the entry name (naming victim) from dir. */
static int mf_unlink(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct mdirent *d = dir_find(dir, name, len);
	if (!d || d->ino != victim)
		return -ENOENT;
	if (!minifs_is(victim))
		return -EBUSY;
	dir_remove(d);
	dirent_free(d);
	if (S_ISDIR(victim->mode))
		victim->nlink = 0;
	else if (victim->nlink)
		victim->nlink--;
	victim->ctime = fs_now();
	return 0;
}

static int mf_link(struct inode *dir, const char *name, size_t len, struct inode *ino)
{
	if (!minifs_is(ino) || !minifs_is(dir))
		return -EXDEV;
	if (S_ISDIR(ino->mode))
		return -EPERM;
	if (ino->nlink == 0 && !M(ino)->linkable)
		return -ENOENT;
	if (ino->nlink >= LINK_MAX_)
		return -EMLINK;
	struct mdirent *d = dirent_new(name, len, ino);
	if (!d)
		return -ENOMEM;
	dir_append(dir, d);
	ino->nlink++;
	M(ino)->linkable = false;
	ino->ctime = fs_now();
	return 0;
}

static int mf_rename(struct inode *odir, const char *oname, size_t olen, struct inode *node,
		     struct inode *ndir, const char *name, size_t len, struct inode *victim)
{
	if (!minifs_is(node) || !minifs_is(ndir) || (victim && !minifs_is(victim)))
		return -EXDEV;
	struct mdirent *d = dir_find(odir, oname, olen);
	if (!d || d->ino != node)
		return -ENOENT;
	char *s = strndup(name, len);
	if (!s)
		return -ENOMEM;
	if (victim) {
		int e = mf_unlink(ndir, name, len, victim);
		if (e) {
			kfree(s);
			return e;
		}
	}
	dir_remove(d);
	kfree(d->name);
	d->name = s;
	dir_append(ndir, d);
	node->ctime = fs_now();
	return 0;
}

static int mf_exchange(struct inode *adir, const char *aname, size_t alen, struct inode *a,
		       struct inode *bdir, const char *bname, size_t blen, struct inode *b)
{
	if (!minifs_is(a) || !minifs_is(b) || !minifs_is(bdir))
		return -EXDEV;
	struct mdirent *da = dir_find(adir, aname, alen), *db = dir_find(bdir, bname, blen);
	if (!da || !db || da->ino != a || db->ino != b)
		return -ENOENT;
	/* each entry keeps its place and name and takes the other inode */
	struct mdirent *aal = da->alias, *bal = db->alias, **pp;
	for (pp = &M(a)->names; *pp && *pp != da; pp = &(*pp)->alias)
		;
	*pp = db;
	for (pp = &M(b)->names; *pp && *pp != db; pp = &(*pp)->alias)
		;
	*pp = da;
	db->alias = aal;
	da->alias = bal;
	da->ino = b;
	db->ino = a;
	sync_primary(a);
	sync_primary(b);
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

static int mf_chmod(struct inode *ino, unsigned mode)
{
	ino->mode = (ino->mode & S_IFMT) | (mode & 07777);
	ino->ctime = fs_now();
	return 0;
}

static void mf_evict(struct inode *ino) { node_free(M(ino)); }

/* File handles: type 1 (as tmpfs), 12 bytes: the node's number and a
 * cookie of this boot (the numbers start again at each boot: an older
 * boot's handle is stale). A node is found while it lives: named, or
 * open without a name. */
#define FH_TYPE 1
#define FH_LEN 12
static uint32_t fh_cookie(void)
{
	static uint32_t cookie;
	while (!cookie)
		random_bytes(&cookie, sizeof(cookie));
	return cookie;
}

static int mf_fh_encode(struct inode *ino, void *fh, size_t *len)
{
	if (*len < FH_LEN) {
		*len = FH_LEN;
		return -EOVERFLOW;
	}
	uint32_t c = fh_cookie();
	memcpy(fh, &ino->ino, 8);
	memcpy((char *)fh + 8, &c, 4);
	*len = FH_LEN;
	return FH_TYPE;
}

static int mf_fh_decode(struct inode *ino, int type, const void *fh, size_t len, struct inode **out)
{
	uint64_t num;
	uint32_t c;
	(void)ino;
	if (type != FH_TYPE || len < FH_LEN)
		return -ESTALE;
	memcpy(&num, fh, 8);
	memcpy(&c, (const char *)fh + 8, 4);
	if (c != fh_cookie())
		return -ESTALE;
	for (struct mnode *m = *num_slot(num); m; m = m->hnext)
		if (m->vi.ino == num && (m->vi.nlink || m->vi.refs)) {
			*out = inode_get(&m->vi);
			return 0;
		}
	return -ESTALE;
}

static const struct inode_ops mf_iops = {
	.lookup = mf_lookup,
	.readdir = mf_readdir,
	.create = mf_create,
	.mknod = mf_mknod,
	.tmpfile = mf_tmpfile,
	.link = mf_link,
	.unlink = mf_unlink,
	.rename = mf_rename,
	.exchange = mf_exchange,
	.readlink = mf_readlink,
	.truncate = mf_truncate,
	.chmod = mf_chmod,
	.data = mf_data,
	.seek_data = mf_seek_data,
	.blocks = mf_blocks,
	.page = mf_page,
	.evict = mf_evict,
	.fh_encode = mf_fh_encode,
	.fh_decode = mf_fh_decode,
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
	struct mdirent *d = dirent_new(name, strlen(name), ino);
	char *s = strdup(name);
	if (!d || !s) {
		if (d)
			dirent_free(d);
		kfree(s);
		return -ENOMEM;
	}
	ino->name = s; /* the foreign inode's own copy, never freed */
	dir_append(dir, d);
	return 0;
}

int minifs_shadow(struct inode *dir, const char *name)
{
	struct mdirent *d = dir_find(dir, name, strlen(name));
	if (!d)
		return -ENOENT;
	kprintf("htux: /%s in the image is not an empty directory: the kernel's own hides it\n",
		name);
	dir_remove(d);
	dirent_free(d);
	return 0;
}
