/* cache.c: ext2's block cache: blocks read from the disk stay in memory
 * (up to a bound, least recently used first out); changed ones are
 * written back by the ordered write-back (order.c) in batches, runs of
 * neighbouring blocks in one vectored transfer straight from the blocks'
 * memory. When the cache needs room, only changed file data is written
 * (it points at nothing); changed metadata waits for the write-back at
 * the end of the operation. A file read ahead fills the cache with the
 * following blocks in one transfer too. */
#include "fs/ext2/ext2.h"
#include "kernel/pmem.h"

#define CACHE_MIN_BYTES (8u << 20) /* cached at most: this much, or */
#define CACHE_SHARE 4              /* 1/4 of the free pages at mount (4 KiB blocks) */
#define DIRTY_BYTES (8u << 20)     /* changed blocks written back from this much on */
#define RUN_BYTES (4u << 20)       /* one transfer, at most (and 1/8 of the cache) */

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
		if (b->dprev)
			b->dprev->dnext = b->dnext;
		else
			fs->dirty_head = b->dnext;
		if (b->dnext)
			b->dnext->dprev = b->dprev;
		b->dprev = b->dnext = NULL;
	}
}

void bclean(struct ext2_fs *fs, struct ext2_buf *b)
{
	set_clean(fs, b);
	kfree(b->disk);
	b->disk = NULL;
}

/* b's content went to the disk: a fresh block is there after the next flush. */
static void written(struct ext2_fs *fs, struct ext2_buf *b)
{
	if (b->fresh)
		b->fresh = fs->flushes + 1;
}

static void drop(struct ext2_fs *fs, struct ext2_buf *b)
{
	/* a fresh block written but not flushed yet: what is not cached is
	 * on the disk from the next flush on */
	if (b->fresh && b->fresh != FRESH_UNWRITTEN)
		fs->fresh_dropped = MAX(fs->fresh_dropped, b->fresh);
	lru_unlink(fs, b);
	hash_remove(fs, b);
	data_free(fs, b->data);
	kfree(b->disk);
	kfree(b);
	fs->nbufs--;
}

/* Filesystems whose changed blocks reached dirty_max or filled the cache
 * during an operation: written back when it ends (bwriteback_due). */
#define MAX_DUE 8
static struct ext2_fs *due[MAX_DUE];
static int ndue;

static void note_due(struct ext2_fs *fs)
{
	if (fs->wb_due || fs->ro || ndue == MAX_DUE)
		return;
	fs->wb_due = true;
	due[ndue++] = fs;
}

void bwriteback_due(void)
{
	while (ndue) {
		struct ext2_fs *fs = due[--ndue];
		fs->wb_due = false;
		ext2_sync(fs); /* an error shows at the next fsync's write */
	}
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
	for (int i = 0; i < ndue; i++)
		if (due[i] == fs)
			due[i--] = due[--ndue];
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

/* Before a block is added: with DIRTY_BYTES of changed blocks, writes
 * the changed data blocks back (in runs: a big file written sequentially
 * goes out in large requests); if still as many, the operation ends with
 * a write-back. When the cache is full, drops the least recently used
 * unreferenced block that is not changed metadata; if it is changed data,
 * all changed data blocks are written first. With nothing to drop the
 * cache grows until the operation's write-back. */
static void make_room(struct ext2_fs *fs)
{
	if (fs->ndirty >= fs->dirty_max) {
		bwrite_kind(fs, BK_DATA);
		if (fs->ndirty >= fs->dirty_max)
			note_due(fs);
	}
	if (fs->nbufs < fs->maxbufs)
		return;
	for (struct ext2_buf *b = fs->lru_tail; b; b = b->lprev) {
		if (b->refs || (b->dirty && b->kind != BK_DATA))
			continue;
		if (b->dirty)
			bwrite_kind(fs, BK_DATA);
		if (b->dirty || b->refs) /* a write error, or taken while the write slept */
			continue;
		drop(fs, b);
		return;
	}
	note_due(fs);
}

static struct ext2_buf *lookup(struct ext2_fs *fs, uint32_t blk)
{
	for (struct ext2_buf *b = fs->hash[blk % fs->nhash]; b; b = b->hnext)
		if (b->blk == blk)
			return b;
	return NULL;
}

struct ext2_buf *blookup(struct ext2_fs *fs, uint32_t blk) { return lookup(fs, blk); }

bool bdurable(struct ext2_fs *fs, uint32_t blk)
{
	struct ext2_buf *b = lookup(fs, blk);
	if (!b)
		return fs->flushes >= fs->fresh_dropped;
	if (!b->fresh)
		return true;
	if (b->fresh != FRESH_UNWRITTEN && fs->flushes >= b->fresh) {
		b->fresh = 0;
		return true;
	}
	return false;
}

int bkeep_disk(struct ext2_fs *fs, struct ext2_buf *b)
{
	if (b->disk || b->dirty || b->fresh == FRESH_UNWRITTEN)
		return 0; /* kept already, or nothing on the disk yet */
	b->disk = kmalloc(fs->bsize);
	if (!b->disk)
		return -ENOMEM;
	memcpy(b->disk, b->data, fs->bsize);
	return 0;
}

static struct ext2_buf *get(struct ext2_fs *fs, uint32_t blk, int kind, bool read, int *err)
{
	*err = 0;
	if (blk == 0 || blk >= fs->sb.blocks_count) {
		*err = -EIO;
		return NULL;
	}
	struct ext2_buf *b = lookup(fs, blk);
	if (b) {
		b->refs++;
		if (kind != BK_DATA)
			b->kind = (uint8_t)kind;
		lru_unlink(fs, b);
		lru_front(fs, b);
		if (!read) {
			memset(b->data, 0, fs->bsize);
			b->checked = false;
		}
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
	b->kind = (uint8_t)kind;
	b->refs = 1;
	if (read) {
		int e = dev_io(fs, blk, &b, 1, false);
		if (e) {
			data_free(fs, data);
			kfree(b);
			*err = e;
			return NULL;
		}
		struct ext2_buf *other = lookup(fs, blk); /* read while we slept */
		if (other) {
			data_free(fs, data);
			kfree(b);
			other->refs++;
			if (kind != BK_DATA)
				other->kind = (uint8_t)kind;
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

struct ext2_buf *bread(struct ext2_fs *fs, uint32_t blk, int kind, int *err)
{
	return get(fs, blk, kind, true, err);
}

struct ext2_buf *bget_zero(struct ext2_fs *fs, uint32_t blk, int kind, int *err)
{
	return get(fs, blk, kind, false, err);
}

void bdirty(struct ext2_fs *fs, struct ext2_buf *b)
{
	if (!b->dirty) {
		b->dirty = true;
		fs->ndirty++;
		/* with a journal: written back before its log would be too small */
		if (b->kind != BK_DATA && fs->meta_max && ++fs->meta_dirtied >= fs->meta_max)
			note_due(fs);
		b->dprev = NULL;
		b->dnext = fs->dirty_head;
		if (fs->dirty_head)
			fs->dirty_head->dprev = b;
		fs->dirty_head = b;
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
		bclean(fs, b);
		b->kind = BK_DATA;
		b->fresh = 0;
		b->checked = false;
	}
}

bool bcached(struct ext2_fs *fs, uint32_t blk) { return lookup(fs, blk) != NULL; }

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
		if (ok && !lookup(fs, b->blk)) { /* blocks cached meanwhile stay as they are */
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

static void sort_bw(struct bw *v, uint32_t n)
{
	/* Shell sort by block number: no recursion, n log n enough here */
	for (uint32_t gap = n / 2; gap; gap /= 2)
		for (uint32_t i = gap; i < n; i++) {
			struct bw t = v[i];
			uint32_t j = i;
			for (; j >= gap && v[j - gap].b->blk > t.b->blk; j -= gap)
				v[j] = v[j - gap];
			v[j] = t;
		}
}

/* Writes v[0..n) (referenced), neighbours in one transfer. A buffer
 * written with its own data is clean after (on an error too: reported
 * once, the data is lost). */
int bwrite_batch(struct ext2_fs *fs, struct bw *v, uint32_t n)
{
	int err = 0;
	sort_bw(v, n);
	for (uint32_t k = 0; k < n;) {
		uint32_t len = 1;
		while (k + len < n && len < fs->run_max && v[k + len].b->blk == v[k].b->blk + len)
			len++;
		for (uint32_t i = 0; i < len; i++) {
			struct bw *w = &v[k + i];
			fs->seg[i] = (struct blk_seg){ w->image ? w->image : w->b->data,
						       fs->bsize };
		}
		uint64_t sec = (uint64_t)v[k].b->blk * fs->spb;
		int e = sec + (uint64_t)len * fs->spb > fs->dev->nsectors
				? -EIO
				: fs->dev->ops->rwv(fs->dev, true, sec, fs->seg, len);
		for (uint32_t i = 0; i < len; i++) {
			struct bw *w = &v[k + i];
			if (!w->image || w->image == w->b->data)
				bclean(fs, w->b);
			written(fs, w->b);
		}
		if (e)
			err = e;
		k += len;
	}
	return err;
}

uint32_t bdirty_list(struct ext2_fs *fs, int kind, struct ext2_buf ***out)
{
	uint32_t n = 0, i = 0;
	for (struct ext2_buf *b = fs->dirty_head; b; b = b->dnext)
		n += b->kind == kind;
	*out = NULL;
	if (!n || !(*out = kmalloc(n * sizeof(**out))))
		return 0;
	for (struct ext2_buf *b = fs->dirty_head; b && i < n; b = b->dnext)
		if (b->kind == kind) {
			b->refs++;
			(*out)[i++] = b;
		}
	return i;
}

bool bany_dirty(struct ext2_fs *fs, int kind)
{
	for (struct ext2_buf *b = fs->dirty_head; b; b = b->dnext)
		if (b->kind == kind)
			return true;
	return false;
}

int bwrite_kind(struct ext2_fs *fs, int kind)
{
	uint32_t n = 0, i = 0;
	for (struct ext2_buf *b = fs->dirty_head; b; b = b->dnext)
		n += b->kind == kind;
	if (!n)
		return 0;
	struct bw *v = kmalloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	/* referenced, so that no write's sleep lets them be dropped */
	for (struct ext2_buf *b = fs->dirty_head; b && i < n; b = b->dnext)
		if (b->kind == kind) {
			b->refs++;
			v[i++] = (struct bw){ b, NULL };
		}
	int e = bwrite_batch(fs, v, i);
	for (uint32_t k = 0; k < i; k++)
		v[k].b->refs--;
	kfree(v);
	return e;
}
