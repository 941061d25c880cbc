/* cache.c: ext2's block cache: blocks read from the disk stay in memory
 * (up to a bound, least recently used first out) and changed ones are
 * written back on sync, data blocks before metadata, or when the cache
 * needs room. */
#include "fs/ext2/ext2.h"

#define CACHE_BYTES (8u << 20)   /* at most this much cached */

_Static_assert(sizeof(struct ext2_super) == 1024, "superblock layout");
_Static_assert(sizeof(struct ext2_gd) == 32, "group descriptor layout");
_Static_assert(sizeof(struct ext2_dinode) == 130, "inode layout");

int bcache_init(struct ext2_fs *fs)
{
	fs->nhash = 1024;
	fs->hash = kzalloc(fs->nhash * sizeof(*fs->hash));
	fs->maxbufs = CACHE_BYTES / fs->bsize;
	return fs->hash ? 0 : -ENOMEM;
}

static int dev_io(struct ext2_fs *fs, uint32_t blk, void *data, bool write)
{
	uint64_t sec = (uint64_t)blk * fs->spb;
	if (sec + fs->spb > fs->dev->nsectors)
		return -EIO;
	return write ? fs->dev->ops->write(fs->dev, sec, data, fs->spb)
		     : fs->dev->ops->read(fs->dev, sec, data, fs->spb);
}

static void lru_unlink(struct ext2_fs *fs, struct ext2_buf *b)
{
	if (b->lprev)
		b->lprev->lnext = b->lnext;
	else
		fs->lru_head = b->lnext;
	if (b->lnext)
		b->lnext->lprev = b->lprev;
	else
		fs->lru_tail = b->lprev;
	b->lprev = b->lnext = NULL;
}

static void lru_front(struct ext2_fs *fs, struct ext2_buf *b)
{
	b->lnext = fs->lru_head;
	b->lprev = NULL;
	if (fs->lru_head)
		fs->lru_head->lprev = b;
	else
		fs->lru_tail = b;
	fs->lru_head = b;
}

static void hash_remove(struct ext2_fs *fs, struct ext2_buf *b)
{
	struct ext2_buf **pp = &fs->hash[b->blk % fs->nhash];
	while (*pp && *pp != b)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = b->hnext;
}

static int buf_write(struct ext2_fs *fs, struct ext2_buf *b)
{
	int e = dev_io(fs, b->blk, b->data, true);
	if (!e)
		b->dirty = false;
	return e;
}

/* Drops the least recently used unreferenced block (writing it first if
 * changed) when the cache is full. */
static void make_room(struct ext2_fs *fs)
{
	if (fs->nbufs < fs->maxbufs)
		return;
	for (struct ext2_buf *b = fs->lru_tail; b; b = b->lprev) {
		if (b->refs)
			continue;
		if (b->dirty && buf_write(fs, b))
			continue;
		if (b->refs)          /* taken while the write slept */
			continue;
		lru_unlink(fs, b);
		hash_remove(fs, b);
		kfree(b->data);
		kfree(b);
		fs->nbufs--;
		return;
	}
}

static struct ext2_buf *lookup(struct ext2_fs *fs, uint32_t blk)
{
	for (struct ext2_buf *b = fs->hash[blk % fs->nhash]; b; b = b->hnext)
		if (b->blk == blk)
			return b;
	return NULL;
}

static struct ext2_buf *get(struct ext2_fs *fs, uint32_t blk, bool meta, bool read, int *err)
{
	*err = 0;
	if (blk == 0 || blk >= fs->sb.blocks_count) {
		*err = -EIO;
		return NULL;
	}
	struct ext2_buf *b = lookup(fs, blk);
	if (b) {
		b->refs++;
		b->meta |= meta;
		lru_unlink(fs, b);
		lru_front(fs, b);
		if (!read)
			memset(b->data, 0, fs->bsize);
		return b;
	}
	make_room(fs);
	b = kzalloc(sizeof(*b));
	uint8_t *data = kmalloc(fs->bsize);
	if (!b || !data) {
		kfree(b);
		kfree(data);
		*err = -ENOMEM;
		return NULL;
	}
	b->data = data;
	b->blk = blk;
	b->meta = meta;
	b->refs = 1;
	if (read) {
		int e = dev_io(fs, blk, data, false);
		if (e) {
			kfree(data);
			kfree(b);
			*err = e;
			return NULL;
		}
		struct ext2_buf *other = lookup(fs, blk);   /* read while we slept */
		if (other) {
			kfree(data);
			kfree(b);
			other->refs++;
			return other;
		}
	} else {
		memset(data, 0, fs->bsize);
	}
	b->hnext = fs->hash[blk % fs->nhash];
	fs->hash[blk % fs->nhash] = b;
	lru_front(fs, b);
	fs->nbufs++;
	return b;
}

struct ext2_buf *bread(struct ext2_fs *fs, uint32_t blk, bool meta, int *err)
{
	return get(fs, blk, meta, true, err);
}

struct ext2_buf *bget_zero(struct ext2_fs *fs, uint32_t blk, bool meta, int *err)
{
	return get(fs, blk, meta, false, err);
}

void bdirty(struct ext2_buf *b)
{
	b->dirty = true;
}

void brelse(struct ext2_buf *b)
{
	if (b && b->refs > 0)
		b->refs--;
}

void bforget(struct ext2_fs *fs, uint32_t blk)
{
	struct ext2_buf *b = lookup(fs, blk);
	if (b) {
		b->dirty = false;
		b->meta = false;
	}
}

int bcache_sync(struct ext2_fs *fs)
{
	int err = 0;
	for (int pass = 0; pass < 2; pass++) {
		bool meta = pass == 1;
		uint32_t n = 0, i = 0;
		for (struct ext2_buf *b = fs->lru_head; b; b = b->lnext)
			n += b->dirty && b->meta == meta;
		if (!n)
			continue;
		struct ext2_buf **v = kmalloc(n * sizeof(*v));
		if (!v)
			return -ENOMEM;
		/* referenced, so that no write's sleep lets them be dropped */
		for (struct ext2_buf *b = fs->lru_head; b && i < n; b = b->lnext)
			if (b->dirty && b->meta == meta) {
				b->refs++;
				v[i++] = b;
			}
		for (uint32_t k = 0; k < i; k++) {
			if (v[k]->dirty) {
				int e = buf_write(fs, v[k]);
				if (e) {
					v[k]->dirty = false;   /* reported once; the data is lost */
					err = e;
				}
			}
			v[k]->refs--;
		}
		kfree(v);
	}
	return err;
}
