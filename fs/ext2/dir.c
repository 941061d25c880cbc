/* dir.c: ext2 directories as linked lists of entries in blocks: finding,
 * adding (in a gap, else in a new block), removing (merged into the
 * entry before), repointing (rename, ".."), listing. An htree (dir_index)
 * directory is read as the linear list it also is; changing one clears
 * its index flag, as the format allows (with metadata_csum its index
 * blocks become empty leaves first). With metadata_csum each block ends
 * in a 12-byte tail for its checksum (csum.c), which holds no entry. */
#include "fs/ext2/ext2.h"

static bool has_filetype(struct ext2_fs *fs)
{
	return fs->sb.feature_incompat & EXT2_INCOMPAT_FILETYPE;
}

static uint8_t ftype(struct ext2_fs *fs, unsigned mode)
{
	if (!has_filetype(fs))
		return 0;
	switch (mode & S_IFMT) {
	case S_IFREG: return EXT2_FT_REG;
	case S_IFDIR: return EXT2_FT_DIR;
	case S_IFCHR: return EXT2_FT_CHR;
	case S_IFBLK: return EXT2_FT_BLK;
	case S_IFIFO: return EXT2_FT_FIFO;
	case S_IFSOCK: return EXT2_FT_SOCK;
	case S_IFLNK: return EXT2_FT_LNK;
	default: return 0;
	}
}

static unsigned dtype(struct ext2_fs *fs, uint8_t ft)
{
	static const unsigned map[8] = { 0,
					 IFTODT(S_IFREG),
					 IFTODT(S_IFDIR),
					 IFTODT(S_IFCHR),
					 IFTODT(S_IFBLK),
					 IFTODT(S_IFIFO),
					 IFTODT(S_IFSOCK),
					 IFTODT(S_IFLNK) };
	return has_filetype(fs) && ft < 8 ? map[ft] : 0; /* 0: DT_UNKNOWN */
}

/* Block lblk of dir (referenced), or NULL with *err (0 for a hole). */
static struct ext2_buf *dir_block(struct ext2_node *dir, uint64_t lblk, int *err)
{
	uint32_t blk;
	bool fresh;
	*err = ext2_bmap(dir, lblk, false, &blk, &fresh);
	if (*err || !blk)
		return NULL;
	struct ext2_buf *b = bread(dir->fs, blk, BK_DIR, err);
	if (b)
		b->owner = (uint32_t)dir->vi.ino;
	if (b && dir->fs->csum && !b->checked) {
		if (!ext2_dir_csum_ok(dir, b->data)) {
			kinfo("disk %s: directory %lu: block %u does not match its checksum\n",
			      dir->fs->dev->name, (unsigned long)dir->vi.ino, blk);
			brelse(b);
			*err = -EIO;
			return NULL;
		}
		b->checked = true;
	}
	return b;
}

static bool entry_ok(struct ext2_fs *fs, struct ext2_dirent *d, uint32_t off)
{
	return d->rec_len >= 8 && !(d->rec_len & 3) && off + d->rec_len <= fs->bsize &&
	       DIRENT_LEN(d->name_len) <= d->rec_len;
}

static int corrupt(struct ext2_node *dir)
{
	kinfo("disk %s: directory inode %lu has a bad entry (run e2fsck)\n", dir->fs->dev->name,
	      (unsigned long)dir->vi.ino);
	return -EIO;
}

static uint64_t nblocks(struct ext2_node *dir) { return dir->vi.size / dir->fs->bsize; }

/* Calls fn for each entry (also unused ones) until it returns nonzero;
 * fn gets the block buf (referenced during the call), the entry, the one
 * before it in the block (or NULL) and the entry's byte position. */
typedef int (*visit_t)(struct ext2_node *dir, struct ext2_buf *b, struct ext2_dirent *d,
		       struct ext2_dirent *prev, uint64_t pos, void *ctx);

static int walk(struct ext2_node *dir, uint64_t from, visit_t fn, void *ctx)
{
	struct ext2_fs *fs = dir->fs;
	for (uint64_t l = from / fs->bsize; l < nblocks(dir); l++) {
		int e;
		struct ext2_buf *b = dir_block(dir, l, &e);
		if (!b) {
			if (e)
				return e;
			continue;
		}
		struct ext2_dirent *prev = NULL;
		for (uint32_t off = 0; off < fs->bsize;) {
			struct ext2_dirent *d = (struct ext2_dirent *)(b->data + off);
			if (!entry_ok(fs, d, off)) {
				brelse(b);
				return corrupt(dir);
			}
			uint64_t pos = l * fs->bsize + off;
			if (pos >= from) {
				int r = fn(dir, b, d, prev, pos, ctx);
				if (r) {
					brelse(b);
					return r;
				}
			}
			prev = d;
			off += d->rec_len;
		}
		brelse(b);
	}
	return 0;
}

static int before_change(struct ext2_node *dir);

struct find_ctx {
	const char *name;
	size_t len;
	uint32_t ino;
	unsigned mode; /* set: the new target */
	bool remove, set;
};

#define FOUND 1

static void changed(struct ext2_node *dir, struct ext2_buf *b)
{
	bdirty(dir->fs, b);
	dir->iflags &= ~(uint32_t)EXT2_INDEX_FL;
	dir->vi.mtime = dir->vi.ctime = fs_now();
}

static int find_fn(struct ext2_node *dir, struct ext2_buf *b, struct ext2_dirent *d,
		   struct ext2_dirent *prev, uint64_t pos, void *ctx)
{
	struct find_ctx *c = ctx;
	(void)pos;
	if (!d->inode || d->name_len != c->len || memcmp(d->name, c->name, c->len))
		return 0;
	uint32_t old = d->inode;
	int e;
	if ((c->set || c->remove) && (e = bkeep_disk(dir->fs, b)) != 0)
		return e;
	if (c->set) {
		d->inode = c->ino;
		d->file_type = ftype(dir->fs, c->mode);
		changed(dir, b);
	} else if (c->remove) {
		if (prev)
			prev->rec_len = (uint16_t)(prev->rec_len + d->rec_len);
		else
			d->inode = 0;
		changed(dir, b);
	}
	c->ino = old;
	return FOUND;
}

static int find(struct ext2_node *dir, struct find_ctx *c)
{
	int e = walk(dir, 0, find_fn, c);
	return e == FOUND ? 0 : e ? e : -ENOENT;
}

int ext2_dir_find(struct ext2_node *dir, const char *name, size_t len, uint32_t *ino)
{
	struct find_ctx c = { .name = name, .len = len };
	int e = find(dir, &c);
	if (!e)
		*ino = c.ino;
	return e;
}

int ext2_dir_remove(struct ext2_node *dir, const char *name, size_t len)
{
	struct find_ctx c = { .name = name, .len = len, .remove = true };
	int e = before_change(dir);
	return e ? e : find(dir, &c);
}

int ext2_dir_set(struct ext2_node *dir, const char *name, size_t len, uint32_t ino, unsigned mode)
{
	struct find_ctx c = { .name = name, .len = len, .ino = ino, .mode = mode, .set = true };
	int e = before_change(dir);
	return e ? e : find(dir, &c);
}

static void fill(struct ext2_fs *fs, struct ext2_dirent *d, const char *name, size_t len,
		 uint32_t ino, unsigned mode)
{
	d->inode = ino;
	d->name_len = (uint8_t)len;
	d->file_type = ftype(fs, mode);
	memcpy(d->name, name, len);
}

struct add_ctx {
	const char *name;
	size_t len;
	uint32_t ino;
	unsigned mode;
};

static int add_fn(struct ext2_node *dir, struct ext2_buf *b, struct ext2_dirent *d,
		  struct ext2_dirent *prev, uint64_t pos, void *ctx)
{
	struct add_ctx *c = ctx;
	uint32_t need = DIRENT_LEN(c->len);
	(void)prev;
	uint32_t used = DIRENT_LEN(d->name_len);
	if (ext2_dir_is_tail(dir->fs, d, (uint32_t)(pos % dir->fs->bsize)))
		return 0; /* the checksum's */
	bool fits = d->inode ? d->rec_len >= used + need : d->rec_len >= need;
	int e;
	if (fits && (e = bkeep_disk(dir->fs, b)) != 0)
		return e;
	if (!d->inode && d->rec_len >= need) {
		fill(dir->fs, d, c->name, c->len, c->ino, c->mode);
		changed(dir, b);
		return FOUND;
	}
	if (d->inode && d->rec_len >= used + need) {
		struct ext2_dirent *n = (struct ext2_dirent *)((uint8_t *)d + used);
		n->rec_len = (uint16_t)(d->rec_len - used);
		d->rec_len = (uint16_t)used;
		fill(dir->fs, n, c->name, c->len, c->ino, c->mode);
		changed(dir, b);
		return FOUND;
	}
	return 0;
}

/* Appends a block to dir holding one entry; returns it (referenced). */
static struct ext2_buf *grow(struct ext2_node *dir, int *err)
{
	struct ext2_fs *fs = dir->fs;
	uint32_t blk;
	bool fresh;
	*err = ext2_bmap(dir, nblocks(dir), true, &blk, &fresh);
	if (*err)
		return NULL;
	struct ext2_buf *b = bget_zero(fs, blk, BK_DIR, err);
	if (!b)
		return NULL;
	b->owner = (uint32_t)dir->vi.ino;
	b->checked = true; /* its checksum is made when it is written */
	if (fs->csum)
		ext2_dir_tail_init(fs, b->data);
	dir->vi.size += fs->bsize;
	return b;
}

/* The room for entries in a block: all of it but a checksum's tail. */
static uint16_t room(struct ext2_fs *fs) { return (uint16_t)(fs->bsize - (fs->csum ? 12 : 0)); }

/* An htree directory about to change, with metadata_csum: its index
 * blocks made empty leaves with their tails (the directory is read and
 * changed as a linear one, its index flag cleared). */
static int unindex(struct ext2_node *dir)
{
	struct ext2_fs *fs = dir->fs;
	uint32_t bs = fs->bsize;
	for (uint64_t l = 0; l < nblocks(dir); l++) {
		int e;
		struct ext2_buf *b = dir_block(dir, l, &e);
		if (!b) {
			if (e)
				return e;
			continue;
		}
		uint8_t *d = b->data;
		bool root = l == 0 && get16(d, 4) == 12 && get16(d, 16) == bs - 12;
		bool node = get32(d, 0) == 0 && get16(d, 4) == bs;
		if (root || node) {
			put16(d, root ? 16 : 4, (uint16_t)(root ? bs - 24 : bs - 12));
			ext2_dir_tail_init(fs, d);
			bdirty(fs, b);
		}
		brelse(b);
	}
	dir->iflags &= ~(uint32_t)EXT2_INDEX_FL;
	return 0;
}

static int before_change(struct ext2_node *dir)
{
	return dir->fs->csum && (dir->iflags & EXT2_INDEX_FL) ? unindex(dir) : 0;
}

int ext2_dir_add(struct ext2_node *dir, const char *name, size_t len, uint32_t ino, unsigned mode)
{
	struct add_ctx c = { name, len, ino, mode };
	int e = before_change(dir);
	if (e)
		return e;
	e = walk(dir, 0, add_fn, &c);
	if (e == FOUND)
		return 0;
	if (e)
		return e;
	struct ext2_buf *b = grow(dir, &e);
	if (!b)
		return e;
	struct ext2_dirent *d = (struct ext2_dirent *)b->data;
	d->rec_len = room(dir->fs);
	fill(dir->fs, d, name, len, ino, mode);
	changed(dir, b);
	brelse(b);
	return 0;
}

int ext2_dir_init(struct ext2_node *dir, uint32_t parent)
{
	int e;
	struct ext2_buf *b = grow(dir, &e);
	if (!b)
		return e;
	struct ext2_dirent *d = (struct ext2_dirent *)b->data;
	d->rec_len = 12;
	fill(dir->fs, d, ".", 1, (uint32_t)dir->vi.ino, S_IFDIR);
	d = (struct ext2_dirent *)(b->data + 12);
	d->rec_len = (uint16_t)(room(dir->fs) - 12);
	fill(dir->fs, d, "..", 2, parent, S_IFDIR);
	bdirty(dir->fs, b);
	brelse(b);
	return 0;
}

struct iter_ctx {
	dir_emit_t emit;
	void *ctx;
	uint64_t *pos;
};

static int iter_fn(struct ext2_node *dir, struct ext2_buf *b, struct ext2_dirent *d,
		   struct ext2_dirent *prev, uint64_t pos, void *ctx)
{
	struct iter_ctx *c = ctx;
	(void)b;
	(void)prev;
	uint64_t next = pos + d->rec_len;
	if (d->inode) {
		if (c->emit(c->ctx, d->name, d->name_len, d->inode, dtype(dir->fs, d->file_type),
			    next))
			return FOUND;
	}
	*c->pos = next;
	return 0;
}

int ext2_dir_iterate(struct ext2_node *dir, uint64_t *pos, dir_emit_t emit, void *ctx)
{
	struct iter_ctx c = { emit, ctx, pos };
	int e = walk(dir, *pos, iter_fn, &c);
	return e == FOUND ? 0 : e;
}

static int empty_fn(struct ext2_node *dir, struct ext2_buf *b, struct ext2_dirent *d,
		    struct ext2_dirent *prev, uint64_t pos, void *ctx)
{
	(void)dir;
	(void)b;
	(void)prev;
	(void)pos;
	(void)ctx;
	if (!d->inode)
		return 0;
	if ((d->name_len == 1 && d->name[0] == '.') ||
	    (d->name_len == 2 && d->name[0] == '.' && d->name[1] == '.'))
		return 0;
	return FOUND;
}

bool ext2_dir_empty(struct ext2_node *dir) { return walk(dir, 0, empty_fn, NULL) == 0; }
