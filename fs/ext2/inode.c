/* inode.c: ext2 inodes in memory: the cache (one struct inode per inode
 * number, kept until its last name and reference are gone), reading disk
 * inodes and making their disk form (which order.c writes), making new
 * ones and freeing deleted ones (kept on fs->dead until the disk has
 * their slot freed), and file handles (number and generation). */
#include "fs/ext2/ext2.h"
#include "kernel/proc.h"

static uint32_t ihash_of(struct ext2_fs *fs, uint32_t ino) { return ino % fs->nihash; }

static int locate(struct ext2_fs *fs, uint32_t ino, uint32_t *blk, uint32_t *off)
{
	if (ino == 0 || ino > fs->sb.inodes_count)
		return -EIO;
	uint32_t g = (ino - 1) / fs->sb.inodes_per_group, i = (ino - 1) % fs->sb.inodes_per_group;
	uint64_t byte = (uint64_t)i * fs->inode_size;
	*blk = fs->gd[g].inode_table + (uint32_t)(byte / fs->bsize);
	*off = (uint32_t)(byte % fs->bsize);
	return 0;
}

static const struct file_ops *fops_for(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return &ext2_reg_fops;
	case S_IFDIR: return &ext2_dir_fops;
	case S_IFIFO: return &fifo_fops;
	default: return NULL; /* devices and sockets: opening gives ENXIO */
	}
}

static void hash_insert(struct ext2_fs *fs, struct ext2_node *n)
{
	if (!fs->ihash) {
		fs->nihash = 256;
		fs->ihash = kzalloc(fs->nihash * sizeof(*fs->ihash));
	}
	uint32_t h = ihash_of(fs, (uint32_t)n->vi.ino);
	n->hnext = fs->ihash[h];
	fs->ihash[h] = n;
}

static void hash_remove(struct ext2_fs *fs, struct ext2_node *n)
{
	struct ext2_node **pp = &fs->ihash[ihash_of(fs, (uint32_t)n->vi.ino)];
	while (*pp && *pp != n)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = n->hnext;
}

static struct ext2_node *node_alloc(struct ext2_fs *fs, uint32_t ino)
{
	struct ext2_node *n = kzalloc(sizeof(*n));
	if (!n)
		return NULL;
	n->raw = kzalloc(fs->inode_size);
	if (!n->raw) {
		kfree(n);
		return NULL;
	}
	n->fs = fs;
	n->vi.ino = ino;
	n->vi.dev = fs->devno;
	n->vi.ops = &ext2_iops;
	return n;
}

static int64_t secs_ns(uint32_t s) { return (int64_t)s * 1000000000; }

struct ext2_node *ext2_ifind(struct ext2_fs *fs, uint32_t ino)
{
	if (fs->ihash)
		for (struct ext2_node *n = fs->ihash[ihash_of(fs, ino)]; n; n = n->hnext)
			if (n->vi.ino == ino)
				return n;
	return NULL;
}

int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_node **out)
{
	if (fs->ihash)
		for (struct ext2_node *n = fs->ihash[ihash_of(fs, ino)]; n; n = n->hnext)
			if (n->vi.ino == ino) {
				inode_get(&n->vi);
				*out = n;
				return 0;
			}
	uint32_t blk, off;
	int e = locate(fs, ino, &blk, &off);
	if (e)
		return e;
	struct ext2_buf *b = bread(fs, blk, BK_ITABLE, &e);
	if (!b)
		return e;
	struct ext2_node *n = node_alloc(fs, ino);
	if (!n) {
		brelse(b);
		return -ENOMEM;
	}
	memcpy(n->raw, b->data + off, fs->inode_size);
	brelse(b);
	struct ext2_dinode *d = (struct ext2_dinode *)n->raw;
	struct inode *vi = &n->vi;
	uint64_t size = d->size | (S_ISREG(d->mode) ? (uint64_t)d->size_high << 32 : 0);
	bool extents = fs->sb.feature_incompat & EXT2_INCOMPAT_EXTENTS;
	const char *bad = (d->links_count == 0 && !fs->orphan_scan) || d->mode == 0 ? "not in use"
			  : (d->flags & EXT2_EXTENTS_FL) && !extents ? "in extents (ext4)"
			  : size > ext2_max_size(fs)                 ? "larger than a file can be"
			  : fs->csum && !ext2_inode_csum_ok(fs, ino, n->raw)
				  ? "not matching its checksum"
				  : NULL;
	if (bad) {
		kinfo("disk %s: inode %u is %s (run e2fsck)\n", fs->dev->name, ino, bad);
		kfree(n->raw);
		kfree(n);
		return -EIO;
	}
	vi->mode = d->mode;
	vi->uid = d->uid | (unsigned)d->uid_high << 16;
	vi->gid = d->gid | (unsigned)d->gid_high << 16;
	vi->nlink = d->links_count;
	vi->size = size;
	vi->atime = secs_ns(d->atime);
	vi->mtime = secs_ns(d->mtime);
	vi->ctime = secs_ns(d->ctime);
	vi->fops = fops_for(d->mode);
	memcpy(n->block, d->block, sizeof(n->block));
	n->iflags = d->flags;
	n->iblocks = d->blocks;
	uint32_t ino32 = ino;
	n->cseed = crc32c(crc32c(fs->seed, &ino32, 4), &d->generation, 4);
	if (S_ISCHR(d->mode) || S_ISBLK(d->mode)) {
		uint32_t old = d->block[0], nw = d->block[1];
		if (old)
			vi->rdev = ((old >> 8) & 0xff) << 8 | (old & 0xff);
		else
			vi->rdev = ((nw & 0xfff00) >> 8) << 8 | (nw & 0xff) |
				   ((uint64_t)(nw >> 12) & 0xfff00);
	}
	vi->refs = 1;
	hash_insert(fs, n);
	*out = n;
	return 0;
}

int ext2_inew(struct ext2_fs *fs, struct inode *dir, unsigned mode, struct ext2_node **out)
{
	uint32_t ino;
	int e = ext2_alloc_inode(fs, (uint32_t)dir->ino, S_ISDIR(mode), &ino);
	if (e)
		return e;
	struct ext2_node *n = node_alloc(fs, ino);
	if (!n) {
		ext2_free_inode(fs, ino, S_ISDIR(mode));
		return -ENOMEM;
	}
	struct inode *vi = &n->vi;
	vi->mode = mode;
	vi->nlink = S_ISDIR(mode) ? 2 : 1;
	if (current) {
		vi->uid = (unsigned)current->fsuid;
		vi->gid = (unsigned)current->fsgid;
	}
	if (dir->mode & S_ISGID) { /* BSD group semantics of a setgid directory */
		vi->gid = dir->gid;
		if (S_ISDIR(mode))
			vi->mode |= S_ISGID;
	}
	vi->atime = vi->mtime = vi->ctime = fs_now() / 1000000000 * 1000000000;
	vi->fops = fops_for(mode);
	struct ext2_dinode *d = (struct ext2_dinode *)n->raw;
	if (fs->inode_size > 128) {
		uint16_t want;
		memcpy(&want, (uint8_t *)&fs->sb + SB_WANT_EXTRA_ISIZE, 2);
		d->extra_isize = want && want <= fs->inode_size - 128 ? want : 32;
	}
	random_bytes(&d->generation, sizeof(d->generation));
	uint32_t ino32 = ino;
	n->cseed = crc32c(crc32c(fs->seed, &ino32, 4), &d->generation, 4);
	if ((fs->sb.feature_incompat & EXT2_INCOMPAT_EXTENTS) && (S_ISREG(mode) || S_ISDIR(mode)))
		ext2_extent_init(n);
	vi->refs = 1;
	hash_insert(fs, n);
	*out = n;
	return 0;
}

static uint32_t secs(int64_t ns) { return (uint32_t)(ns / 1000000000); }

void ext2_ifill(struct ext2_node *n)
{
	struct inode *vi = &n->vi;
	struct ext2_dinode *d = (struct ext2_dinode *)n->raw;
	if (n->dead)
		return; /* its last form stays */
	d->mode = (uint16_t)vi->mode;
	d->uid = (uint16_t)vi->uid;
	d->uid_high = (uint16_t)(vi->uid >> 16);
	d->gid = (uint16_t)vi->gid;
	d->gid_high = (uint16_t)(vi->gid >> 16);
	d->size = (uint32_t)vi->size;
	if (S_ISREG(vi->mode))
		d->size_high = (uint32_t)(vi->size >> 32);
	d->atime = secs(vi->atime);
	d->mtime = secs(vi->mtime);
	d->ctime = secs(vi->ctime);
	d->links_count = (uint16_t)vi->nlink;
	d->blocks = n->iblocks;
	d->flags = n->iflags;
	memcpy(d->block, n->block, sizeof(d->block));
	if (S_ISCHR(vi->mode) || S_ISBLK(vi->mode)) {
		uint32_t ma = (uint32_t)((vi->rdev >> 8) & 0xfff),
			 mi = (uint32_t)((vi->rdev & 0xff) | ((vi->rdev >> 12) & 0xfff00));
		memset(d->block, 0, sizeof(d->block));
		if (ma < 256 && mi < 256)
			d->block[0] = ma << 8 | mi;
		else
			d->block[1] = (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
	}
}

struct ext2_dinode *ext2_islot(struct ext2_fs *fs, uint32_t ino, struct ext2_buf **bp, int *err)
{
	uint32_t blk, off;
	if ((*err = locate(fs, ino, &blk, &off)) != 0)
		return NULL;
	struct ext2_buf *b = bread(fs, blk, BK_ITABLE, err);
	if (!b)
		return NULL;
	*bp = b;
	return (struct ext2_dinode *)(b->data + off);
}

/* Drops a reference to the extended-attribute block of a freed inode. */
static void free_xattr_block(struct ext2_fs *fs, uint32_t blk)
{
	int e;
	struct ext2_buf *b = bread(fs, blk, BK_XATTR, &e);
	if (!b)
		return;
	uint32_t *hdr = (uint32_t *)b->data; /* magic, refcount, ... */
	if (hdr[0] == 0xEA020000 && hdr[1] > 1) {
		hdr[1]--;
		bdirty(fs, b);
		brelse(b);
		return;
	}
	brelse(b);
	ext2_free_block(fs, blk);
}

void ext2_destroy_unlinked(struct ext2_fs *fs)
{
	for (uint32_t h = 0; fs->ihash && h < fs->nihash; h++) {
		struct ext2_node *n = fs->ihash[h], *next;
		for (; n; n = next) {
			next = n->hnext;
			if (n->vi.nlink == 0)
				ext2_idestroy(n);
		}
	}
}

void ext2_idestroy(struct ext2_node *n)
{
	struct ext2_fs *fs = n->fs;
	struct ext2_dinode *d = (struct ext2_dinode *)n->raw;
	bool dir = S_ISDIR(n->vi.mode);
	if (!fs->ro) {
		/* the disk's ".." counts in the parent's links until the slot
		 * is freed there */
		if (dir && ext2_dir_find(n, "..", 2, &n->dead_parent))
			n->dead_parent = 0;
		bool fast_link = S_ISLNK(n->vi.mode) && n->iblocks == 0;
		if (!fast_link && !S_ISCHR(n->vi.mode) && !S_ISBLK(n->vi.mode))
			ext2_truncate_blocks(n, 0);
		if (d->file_acl) {
			free_xattr_block(fs, d->file_acl);
			d->file_acl = 0;
			n->iblocks = 0;
		}
		n->vi.size = 0;
		n->vi.nlink = 0;
		d->dtime = (uint32_t)(fs_now() / 1000000000);
		ext2_ifill(n);
		ext2_free_inode(fs, (uint32_t)n->vi.ino, dir);
	}
	hash_remove(fs, n);
	xattr_drop(&n->vi);
	kfree(n->vi.name);
	n->vi.name = NULL;
	if (fs->ro) {
		kfree(n->raw);
		kfree(n);
		return;
	}
	/* its freed form goes to the disk after the names of it are gone
	 * there (order.c), then it goes */
	n->dead = true;
	n->hnext = fs->dead;
	fs->dead = n;
}

void ext2_ifree_dead(struct ext2_node *n)
{
	struct ext2_fs *fs = n->fs;
	for (struct ext2_node **pp = &fs->dead; *pp; pp = &(*pp)->hnext)
		if (*pp == n) {
			*pp = n->hnext;
			break;
		}
	kfree(n->raw);
	kfree(n);
}

/* ---- file handles: type 1 (FILEID_INO32_GEN, as Linux's ext2 and
 * ext4), 8 bytes: the inode number and its generation (random at each
 * allocation), so that a freed and reused number is stale. */

#define FH_TYPE 1
#define FH_LEN 8

static uint32_t generation_of(struct ext2_node *n)
{
	return ((struct ext2_dinode *)n->raw)->generation;
}

int ext2_fh_encode(struct inode *ino, void *fh, size_t *len)
{
	if (*len < FH_LEN) {
		*len = FH_LEN;
		return -EOVERFLOW;
	}
	ext2_lock();
	uint32_t v[2] = { (uint32_t)ino->ino, generation_of(EN(ino)) };
	ext2_unlock();
	memcpy(fh, v, FH_LEN);
	*len = FH_LEN;
	return FH_TYPE;
}

/* Freed, its slot not yet free on the disk: stale whatever the disk says. */
static bool freed(struct ext2_fs *fs, uint32_t ino)
{
	for (struct ext2_node *n = fs->dead; n; n = n->hnext)
		if (n->vi.ino == ino)
			return true;
	for (uint32_t i = 0; i < fs->nfree_inos; i++)
		if (fs->free_inos[i] >> 1 == ino)
			return true;
	return false;
}

static int fh_find(struct ext2_fs *fs, uint32_t ino, uint32_t gen, struct inode **out)
{
	if (ino > fs->sb.inodes_count || (ino < fs->sb.first_ino && ino != EXT2_ROOT_INO))
		return -ESTALE;
	struct ext2_node *n = ext2_ifind(fs, ino);
	if (n) { /* in memory: named, or open without a name */
		if (n->dead || generation_of(n) != gen)
			return -ESTALE;
		*out = inode_get(&n->vi);
		return 0;
	}
	if (freed(fs, ino))
		return -ESTALE;
	struct ext2_buf *b;
	int e;
	struct ext2_dinode *d = ext2_islot(fs, ino, &b, &e);
	if (!d)
		return e == -ENOMEM ? e : -ESTALE;
	bool live = d->links_count && d->mode && d->generation == gen;
	brelse(b);
	if (!live || ext2_iget(fs, ino, &n))
		return -ESTALE;
	*out = &n->vi;
	return 0;
}

int ext2_fh_decode(struct inode *ino, int type, const void *fh, size_t len, struct inode **out)
{
	uint32_t v[2];
	if (type != FH_TYPE || len < FH_LEN)
		return -ESTALE;
	memcpy(v, fh, FH_LEN);
	ext2_lock();
	int e = fh_find(EN(ino)->fs, v[0], v[1], out);
	ext2_unlock();
	return e;
}
