/* cache.c: ext2's block cache: blocks read from the disk stay in memory
 * (up to a bound, least recently used first out) and changed ones are
 * written back on sync, data blocks before metadata, runs of neighbouring
 * blocks in one vectored transfer straight from the blocks' memory, or
 * when the cache needs room. A file read ahead fills it with the following
 * blocks in one transfer too. */
#include "fs/ext2/ext2.h"
#include "kernel/pmem.h"

#define CACHE_MIN_BYTES (8u << 20)  /* cached at most: this much, or */
#define CACHE_SHARE     4           /* 1/4 of the free pages at mount (4 KiB blocks) */
#define DIRTY_BYTES     (8u << 20)  /* changed blocks written back from this much on */
#define RUN_BYTES   (4u << 20)   /* one transfer, at most (and 1/8 of the cache) */

_Static_assert(sizeof(struct ext2_super) == 1024, "superblock layout");
_Static_assert(sizeof(struct ext2_gd) == 32, "group descriptor layout");
_Static_assert(sizeof(struct ext2_dinode) == 130, "inode layout");

static uint64_t reclaim(void *arg, uint64_t want);
static uint64_t reclaimable(void *arg);

int bcache_init(struct ext2_fs *fs)
{
	fs->nhash = 1024;
	uint64_t bytes = CACHE_MIN_BYTES;
	if (fs->bsize == PAGE_SIZE) {
		/* blocks are whole pages, which go back to the page allocator
		 * when memory runs short: a quarter of what is free */
		bytes = MAX(bytes, pmem_free_pages() / CACHE_SHARE * PAGE_SIZE);
		while (fs->nhash < 65536 && fs->nhash * 8 < bytes / fs->bsize)
			fs->nhash *= 2;
	}
	fs->hash = kzalloc(fs->nhash * sizeof(*fs->hash));
	fs->maxbufs = (uint32_t)(bytes / fs->bsize);
	fs->dirty_max = DIRTY_BYTES / fs->bsize;
	/* a few requests in flight at once, but not too much of a small cache */
	fs->run_max = (uint32_t)(MIN((uint64_t)RUN_BYTES, bytes / 8) / fs->bsize);
	fs->seg = kmalloc(fs->run_max * sizeof(*fs->seg));
	fs->runv = kmalloc(fs->run_max * sizeof(*fs->runv));
	if (!fs->hash || !fs->seg || !fs->runv)
		return -ENOMEM;
	if (fs->bsize == PAGE_SIZE)
		pmem_shrinker_add(&(struct pmem_shrinker){ reclaim, reclaimable, fs });
	return 0;
}

/* Reads or writes v[0..n) (at most run_max), blocks blk, blk + 1, ... in
 * one transfer. fs->seg is the segment list: one caller at a time, as
 * ext2_lock is held. */
static int dev_io(struct ext2_fs *fs, uint32_t blk, struct ext2_buf *const *v, uint32_t n,
		  bool write)
{
	uint64_t sec = (uint64_t)blk * fs->spb;
	if (sec + (uint64_t)n * fs->spb > fs->dev->nsectors || n > fs->run_max)
		return -EIO;
	for (uint32_t i = 0; i < n; i++)
		fs->seg[i] = (struct blk_seg){ v[i]->data, fs->bsize };
	return fs->dev->ops->rwv(fs->dev, write, sec, fs->seg, n);
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

static void set_clean(struct ext2_fs *fs, struct ext2_buf *b)
{
	if (b->dirty) {
		b->dirty = false;
		fs->ndirty--;
	}
}

static int buf_write(struct ext2_fs *fs, struct ext2_buf *b)
{
	int e = dev_io(fs, b->blk, &b, 1, true);
	if (!e)
		set_clean(fs, b);
	return e;
}

static void drop(struct ext2_fs *fs, struct ext2_buf *b)
{
	lru_unlink(fs, b);
	hash_remove(fs, b);
	data_free(fs, b->data);
	kfree(b);
	fs->nbufs--;
}

/* The page allocator is out of pages: drops up to want unreferenced clean
 * blocks, least recently used first. Called from any allocation, also
 * while this filesystem's lock holder sleeps in a transfer: every block
 * in a transfer is referenced, dirty or not yet in the cache then. */
static uint64_t reclaim(void *arg, uint64_t want)
{
	struct ext2_fs *fs = arg;
	uint64_t n = 0;
	for (struct ext2_buf *b = fs->lru_tail, *prev; b && n < want; b = prev) {
		prev = b->lprev;
		if (b->refs || b->dirty)
			continue;
		drop(fs, b);
		n++;
	}
	return n;
}

static uint64_t reclaimable(void *arg)
{
	struct ext2_fs *fs = arg;
	return fs->nbufs - fs->ndirty;
}

void bcache_fini(struct ext2_fs *fs)
{
	if (fs->bsize == PAGE_SIZE)
		pmem_shrinker_remove(fs);
	while (fs->lru_tail)
		drop(fs, fs->lru_tail);
	kfree(fs->hash);
	kfree(fs->seg);
	kfree(fs->runv);
	fs->hash = NULL;
	fs->seg = NULL;
	fs->runv = NULL;
}

static int write_dirty(struct ext2_fs *fs, bool meta);

/* Before a block is added: with DIRTY_BYTES of changed blocks, writes
 * the changed data blocks back (in runs: a big file written sequentially
 * goes out in large requests), then the metadata if still as many. When
 * the cache is full, drops the least recently used unreferenced block; if
 * it is changed, all changed data blocks are written first. */
static void make_room(struct ext2_fs *fs)
{
	if (fs->ndirty >= fs->dirty_max) {
		write_dirty(fs, false);
		if (fs->ndirty >= fs->dirty_max)
			write_dirty(fs, true);
	}
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
		drop(fs, b);
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
		int e = dev_io(fs, blk, &b, 1, false);
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

void bdirty(struct ext2_fs *fs, struct ext2_buf *b)
{
	if (!b->dirty) {
		b->dirty = true;
		fs->ndirty++;
	}
}

void brelse(struct ext2_buf *b)
{
	if (b && b->refs > 0)
		b->refs--;
}

void brelse_behind(struct ext2_fs *fs, struct ext2_buf *b)
{
	brelse(b);
	lru_unlink(fs, b);
	b->lprev = fs->lru_tail;
	if (fs->lru_tail)
		fs->lru_tail->lnext = b;
	else
		fs->lru_head = b;
	fs->lru_tail = b;
}

void bforget(struct ext2_fs *fs, uint32_t blk)
{
	struct ext2_buf *b = lookup(fs, blk);
	if (b) {
		set_clean(fs, b);
		b->meta = false;
	}
}

bool bcached(struct ext2_fs *fs, uint32_t blk)
{
	return lookup(fs, blk) != NULL;
}

void bread_ahead(struct ext2_fs *fs, uint32_t blk, uint32_t n)
{
	n = MIN(n, fs->run_max);
	if (n < 2 || blk + n > fs->sb.blocks_count)
		return;
	/* new blocks, not in the cache before they are read (counted in
	 * nbufs, so that make_room keeps the bound) */
	struct ext2_buf **v = fs->runv;
	uint32_t k = 0;
	while (k < n && !lookup(fs, blk + k)) {
		make_room(fs);
		struct ext2_buf *b = kzalloc(sizeof(*b));
		uint8_t *d = data_alloc(fs);
		if (!b || !d) {
			kfree(b);
			data_free(fs, d);
			break;
		}
		b->data = d;
		b->blk = blk + k;
		v[k++] = b;
		fs->nbufs++;
	}
	bool ok = k && dev_io(fs, blk, v, k, false) == 0;
	for (uint32_t i = 0; i < k; i++) {
		struct ext2_buf *b = v[i];
		if (ok && !lookup(fs, b->blk)) {   /* blocks cached meanwhile stay as they are */
			b->hnext = fs->hash[b->blk % fs->nhash];
			fs->hash[b->blk % fs->nhash] = b;
			lru_front(fs, b);
		} else {
			data_free(fs, b->data);
			kfree(b);
			fs->nbufs--;
		}
	}
}

/* Writes v[0..n) (referenced, sorted by block), neighbours in one transfer. */
static int write_runs(struct ext2_fs *fs, struct ext2_buf **v, uint32_t n)
{
	int err = 0;
	for (uint32_t k = 0; k < n; ) {
		uint32_t len = 1;
		while (k + len < n && len < fs->run_max && v[k + len]->blk == v[k]->blk + len)
			len++;
		int e = dev_io(fs, v[k]->blk, v + k, len, true);
		for (uint32_t i = 0; i < len; i++)
			set_clean(fs, v[k + i]);   /* on error: reported once; the data is lost */
		if (e)
			err = e;
		k += len;
	}
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
