/* fsync.c: fsync and fdatasync of one file whose names the disk has
 * already: the file's own changes go out, as Linux's ext2 writes them,
 * and the other files' stay in the cache. Blocks written in place and
 * new times: its changed blocks and (fsync) its inode slot, then one
 * device flush. New blocks (a sparse file filled, a file grown): first
 * its changed and new blocks, its new indirect blocks, the bitmaps and
 * group descriptors, a flush; then its inode slot and a flush, so that
 * the disk never points at a block before its content is there (the
 * rule of order.c). A file with more to it (a changed mode, owner, link
 * count or flags), a changed directory block anywhere (a name that may
 * lead to it), a journal, metadata checksums, or a write-back that
 * failed take the whole ordered write-back (ext2_sync, order.c). A
 * database's commit (PostgreSQL's WAL written and fdatasync'd) is what
 * this is for. */
#include "fs/ext2/ext2.h"

#define MAX_RANGE 4096 /* blocks looked at, at most: more takes ext2_sync */
#define MAX_IND 64     /* new indirect blocks, at most */

void ext2_note_write(struct ext2_node *n, uint64_t lblk)
{
	struct ext2_fs *fs = n->fs;
	if (n->dgen != fs->wb_count || n->dlo == n->dhi) {
		n->dlo = lblk; /* the write-back since wrote the earlier ones */
		n->dhi = lblk + 1;
		n->dgen = fs->wb_count;
	} else {
		n->dlo = MIN(n->dlo, lblk);
		n->dhi = MAX(n->dhi, lblk + 1);
	}
}

enum { SAME, TIMES, MAP, OTHER }; /* how the disk's slot differs from n */

/* How n differs from its slot on the disk (*tb: the slot's table block,
 * referenced, unless OTHER). */
static int slot_diff(struct ext2_node *n, struct ext2_buf **tb, struct ext2_dinode **slot)
{
	static uint8_t img[1024]; /* under ext2_lock */
	struct ext2_fs *fs = n->fs;
	int e;
	if (fs->inode_size > sizeof(img))
		return OTHER;
	ext2_ifill(n);
	struct ext2_dinode *d = ext2_islot(fs, (uint32_t)n->vi.ino, tb, &e);
	if (!d)
		return OTHER;
	*slot = d;
	struct ext2_dinode *m = (struct ext2_dinode *)img;
	memcpy(img, n->raw, fs->inode_size);
	if (!memcmp(img, d, fs->inode_size))
		return SAME;
	m->atime = d->atime;
	m->mtime = d->mtime;
	m->ctime = d->ctime;
	if (!memcmp(img, d, fs->inode_size))
		return TIMES;
	m->size = d->size;
	m->size_high = d->size_high;
	m->blocks = d->blocks;
	memcpy(m->block, d->block, sizeof(m->block));
	if (!memcmp(img, d, fs->inode_size))
		return MAP;
	brelse(*tb);
	*tb = NULL;
	return OTHER;
}

struct out {
	struct bw *v;
	uint32_t n, cap;
	bool fresh; /* some block not on the disk yet */
};

/* Adds block blk if it has changes or the disk lacks it; false: a block
 * the disk lacks that is not cached (this path cannot write it). */
static bool take(struct ext2_fs *fs, struct out *o, uint32_t blk, int kind)
{
	struct ext2_buf *b = blookup(fs, blk);
	bool durable = bdurable(fs, blk);
	if (!b)
		return durable;
	if (!b->dirty && durable)
		return true;
	int e;
	if (o->n == o->cap || !(b = bread(fs, blk, kind, &e)))
		return false;
	o->v[o->n++] = (struct bw){ b, NULL }; /* referenced till written */
	o->fresh |= !durable;
	return true;
}

/* The new indirect blocks under blk (level: 1 single, 2 double, 3
 * triple): only a changed one can hold a new pointer (bmap.c copies one
 * the disk has before changing it). */
static bool take_ind(struct ext2_fs *fs, struct out *o, uint32_t blk, int level, int *budget)
{
	struct ext2_buf *b = blk ? blookup(fs, blk) : NULL;
	if (!b || (!b->dirty && bdurable(fs, blk)))
		return true;
	if (--*budget < 0 || !take(fs, o, blk, BK_IND))
		return false;
	if (level > 1)
		for (uint32_t i = 0; i < fs->ppb; i++)
			if (!take_ind(fs, o, ((uint32_t *)b->data)[i], level - 1, budget))
				return false;
	return true;
}

static int flush_out(struct ext2_fs *fs, struct out *o)
{
	int e = o->n ? bwrite_batch(fs, o->v, o->n) : 0;
	int f = ext2_barrier(fs);
	return e ? e : f;
}

/* 0 done; 1: not for this path; else an error. */
static int fast(struct ext2_node *n, bool datasync)
{
	struct ext2_fs *fs = n->fs;
	if (fs->jnl || fs->csum || !fs->wb_ok || n->dead || n->wb || !S_ISREG(n->vi.mode) ||
	    (n->iflags & EXT2_EXTENTS_FL))
		return 1;
	/* its names on the disk too (README: "everything needed to reach
	 * it"): a changed directory block anywhere takes the whole way */
	if (bany_dirty(fs, BK_DIR))
		return 1;
	uint64_t lo = n->dlo, hi = n->dhi;
	if (n->dgen != fs->wb_count || hi <= lo)
		lo = hi = 0; /* nothing written since the last write-back */
	if (hi - lo > MAX_RANGE)
		return 1;
	struct out o = { .cap = (uint32_t)(hi - lo) + MAX_IND + 1 };
	if (!(o.v = kmalloc(o.cap * sizeof(*o.v))))
		return 1;
	int r = 0;
	for (uint64_t l = lo; l < hi && r == 0; l++) {
		uint32_t blk;
		bool fresh;
		if (ext2_bmap(n, l, false, &blk, &fresh) == 0 && blk && !take(fs, &o, blk, BK_DATA))
			r = 1;
	}
	struct ext2_buf *tb = NULL;
	struct ext2_dinode *slot = NULL;
	int diff = r ? OTHER : slot_diff(n, &tb, &slot);
	if (diff == OTHER || (o.fresh && diff != MAP))
		r = 1;
	int budget = MAX_IND;
	for (int i = 12; r == 0 && diff == MAP && i < 15; i++)
		if (!take_ind(fs, &o, n->block[i], i - 11, &budget))
			r = 1;
	if (r == 0 && o.fresh) {
		/* new blocks and their bits, then the inode that points at them */
		int e = ext2_gd_store(fs);
		if (!e)
			e = bwrite_kind(fs, BK_BITMAP);
		if (!e)
			e = bwrite_kind(fs, BK_GD);
		r = e ? e : flush_out(fs, &o);
		if (r == 0) {
			memcpy(slot, n->raw, fs->inode_size); /* the disk's from here */
			struct out s = { &(struct bw){ tb, tb->data }, 1, 1, false };
			r = flush_out(fs, &s);
		}
	} else if (r == 0) {
		/* nothing new: the blocks and the inode (fsync, or a new size
		 * or fewer blocks) together */
		if (diff == MAP || (diff == TIMES && !datasync)) {
			memcpy(slot, n->raw, fs->inode_size);
			o.v[o.n++] = (struct bw){ tb, tb->data };
			tb = NULL; /* released with the others */
		}
		r = flush_out(fs, &o);
	}
	if (r == 0)
		n->dlo = n->dhi = 0;
	else if (r != 1)
		fs->wb_ok = false; /* the cache and the disk may differ: the whole way next */
	for (uint32_t i = 0; i < o.n; i++)
		brelse(o.v[i].b);
	if (tb)
		brelse(tb);
	kfree(o.v);
	return r;
}

int ext2_fsync_node(struct ext2_node *n, bool datasync)
{
	struct ext2_fs *fs = n->fs;
	if (fs->ro)
		return 0;
	int r = fast(n, datasync);
	return r == 1 ? ext2_sync(fs) : r;
}
