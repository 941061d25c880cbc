/* cache.c: ext2's block cache: blocks read from the disk stay in memory
 * (up to a bound, least recently used first out) and changed ones are
 * written back on sync, data blocks before metadata, runs of neighbouring
 * blocks in one request, or when the cache needs room. A file read ahead
 * fills it with the following blocks in one request too. */
#include "fs/ext2/ext2.h"
#include "kernel/pmem.h"

#define CACHE_BYTES (8u << 20)   /* at most this much cached */
#define RUN_MAX     32           /* blocks in one request */

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

static int dev_io(struct ext2_fs *fs, uint32_t blk, uint32_t n, void *data, bool write)
{
	uint64_t sec = (uint64_t)blk * fs->spb;
	if (sec + (uint64_t)n * fs->spb > fs->dev->nsectors)
		return -EIO;
	return write ? fs->dev->ops->write(fs->dev, sec, data, (size_t)n * fs->spb)
		     : fs->dev->ops->read(fs->dev, sec, data, (size_t)n * fs->spb);
}

/* A block's memory: a whole page for 4 KiB blocks (kmalloc would take two). */
static uint8_t *data_alloc(struct ext2_fs *fs)
{
	if (fs->bsize == PAGE_SIZE) {
		uint64_t pa = pmem_alloc();
		return pa ? phys_to_virt(pa) : NULL;
	}
	return kmalloc(fs->bsize);
}

static void data_free(struct ext2_fs *fs, uint8_t *p)
{
	if (!p)
		return;
	if (fs->bsize == PAGE_SIZE)
		pmem_free(virt_to_phys(p));
	else
		kfree(p);
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
	int e = dev_io(fs, b->blk, 1, b->data, true);
	if (!e)
		b->dirty = false;
	return e;
}

static int write_dirty(struct ext2_fs *fs, bool meta);

/* Drops the least recently used unreferenced block when the cache is
 * full; if it is changed, all changed data blocks are written first (in
 * runs: a big file written sequentially goes out in large requests). */
static void make_room(struct ext2_fs *fs)
{
	if (fs->nbufs < fs->maxbufs)
		return;
	for (struct ext2_buf *b = fs->lru_tail; b; b = b->lprev) {
		if (b->refs)
			continue;
		if (b->dirty && !b->meta)
			write_dirty(fs, false);
		if (b->dirty && buf_write(fs, b))
			continue;
		if (b->refs)          /* taken while the write slept */
			continue;
		lru_unlink(fs, b);
		hash_remove(fs, b);
		data_free(fs, b->data);
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
	uint8_t *data = data_alloc(fs);
	if (!b || !data) {
		kfree(b);
		data_free(fs, data);
		*err = -ENOMEM;
		return NULL;
	}
	b->data = data;
	b->blk = blk;
	b->meta = meta;
	b->refs = 1;
	if (read) {
		int e = dev_io(fs, blk, 1, data, false);
		if (e) {
			data_free(fs, data);
			kfree(b);
			*err = e;
			return NULL;
		}
		struct ext2_buf *other = lookup(fs, blk);   /* read while we slept */
		if (other) {
			data_free(fs, data);
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

bool bcached(struct ext2_fs *fs, uint32_t blk)
{
	return lookup(fs, blk) != NULL;
}

/* Puts a clean copy of block blk (data) in the cache unless it is there. */
static void insert_clean(struct ext2_fs *fs, uint32_t blk, const uint8_t *data)
{
	if (lookup(fs, blk))
		return;
	make_room(fs);
	struct ext2_buf *b = kzalloc(sizeof(*b));
	uint8_t *d = data_alloc(fs);
	if (!b || !d) {
		kfree(b);
		data_free(fs, d);
		return;
	}
	memcpy(d, data, fs->bsize);
	b->data = d;
	b->blk = blk;
	b->hnext = fs->hash[blk % fs->nhash];
	fs->hash[blk % fs->nhash] = b;
	lru_front(fs, b);
	fs->nbufs++;
}

void bread_ahead(struct ext2_fs *fs, uint32_t blk, uint32_t n)
{
	n = MIN(n, RUN_MAX);
	if (n < 2 || blk + n > fs->sb.blocks_count)
		return;
	uint8_t *run = kmalloc((size_t)n * fs->bsize);
	if (!run)
		return;
	if (dev_io(fs, blk, n, run, false) == 0)
		for (uint32_t i = 0; i < n; i++)   /* blocks cached meanwhile stay as they are */
			insert_clean(fs, blk + i, run + (size_t)i * fs->bsize);
	kfree(run);
}

/* Writes v[0..n) (referenced, sorted by block), neighbours in one request. */
static int write_runs(struct ext2_fs *fs, struct ext2_buf **v, uint32_t n)
{
	int err = 0;
	uint8_t *run = kmalloc((size_t)RUN_MAX * fs->bsize);
	for (uint32_t k = 0; k < n; ) {
		uint32_t len = 1;
		while (run && k + len < n && len < RUN_MAX && v[k + len]->blk == v[k]->blk + len)
			len++;
		int e;
		if (len == 1) {
			e = buf_write(fs, v[k]);
		} else {
			for (uint32_t i = 0; i < len; i++)
				memcpy(run + (size_t)i * fs->bsize, v[k + i]->data, fs->bsize);
			e = dev_io(fs, v[k]->blk, len, run, true);
			for (uint32_t i = 0; !e && i < len; i++)
				v[k + i]->dirty = false;
		}
		if (e) {
			for (uint32_t i = 0; i < len; i++)
				v[k + i]->dirty = false;   /* reported once; the data is lost */
			err = e;
		}
		k += len;
	}
	kfree(run);
	return err;
}

static void sort_bufs(struct ext2_buf **v, uint32_t n)
{
	/* Shell sort by block number: no recursion, n log n enough here */
	for (uint32_t gap = n / 2; gap; gap /= 2)
		for (uint32_t i = gap; i < n; i++) {
			struct ext2_buf *t = v[i];
			uint32_t j = i;
			for (; j >= gap && v[j - gap]->blk > t->blk; j -= gap)
				v[j] = v[j - gap];
			v[j] = t;
		}
}

/* Writes every changed data block (meta false) or metadata block. */
static int write_dirty(struct ext2_fs *fs, bool meta)
{
	uint32_t n = 0, i = 0;
	for (struct ext2_buf *b = fs->lru_head; b; b = b->lnext)
		n += b->dirty && b->meta == meta;
	if (!n)
		return 0;
	struct ext2_buf **v = kmalloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	/* referenced, so that no write's sleep lets them be dropped */
	for (struct ext2_buf *b = fs->lru_head; b && i < n; b = b->lnext)
		if (b->dirty && b->meta == meta) {
			b->refs++;
			v[i++] = b;
		}
	sort_bufs(v, i);
	int e = write_runs(fs, v, i);
	for (uint32_t k = 0; k < i; k++)
		v[k]->refs--;
	kfree(v);
	return e;
}

int bcache_sync(struct ext2_fs *fs)
{
	int e = write_dirty(fs, false);
	int e2 = write_dirty(fs, true);
	return e ? e : e2;
}
