/* bmap.c: where a file's blocks are: twelve direct pointers, then single,
 * double and triple indirect blocks; allocating them on write (holes stay
 * holes; a new block is fresh until the disk has it) and freeing them when
 * a file shrinks. An indirect block the disk has is never changed in
 * place: a copy takes the change, and the pointer above it moves. */
#include "fs/ext2/ext2.h"

uint64_t ext2_max_size(struct ext2_fs *fs)
{
	uint64_t p = fs->ppb;
	if (fs->sb.feature_incompat & EXT2_INCOMPAT_EXTENTS)
		return ((1ull << 32) - 1) * fs->bsize; /* 32-bit logical block numbers */
	uint64_t blocks = EXT2_NDIR + p + p * p + p * p * p;
	uint64_t max = blocks * fs->bsize;
	/* i_blocks counts 512-byte units in 32 bits */
	uint64_t lim = (1ull << 32) * 512 - (uint64_t)fs->bsize * (3 + p + p * p);
	if (!(fs->sb.feature_ro_compat & EXT2_RO_COMPAT_LARGE_FILE))
		lim = (1ull << 31) - 1;
	return MIN(max, lim);
}

/* Allocates a block for n, counting it in i_blocks: after the last one
 * it got (a file written in order lies in order), else in its inode's
 * group. */
int ext2_new_block(struct ext2_node *n, uint32_t *out)
{
	struct ext2_fs *fs = n->fs;
	uint32_t goal = n->goal;
	if (!goal)
		goal = ext2_group_first_block(fs,
					      (uint32_t)(n->vi.ino - 1) / fs->sb.inodes_per_group);
	int e = ext2_alloc_block(fs, goal, out);
	if (!e) {
		n->iblocks += fs->spb;
		n->goal = *out + 1;
	}
	return e;
}

/* The path to logical block lblk: its pointer's index in i_block, then
 * in each indirect block down; the number of indirect blocks (-EFBIG:
 * beyond the triple indirect one). */
static int path(struct ext2_fs *fs, uint64_t lblk, int *top, int idx[3])
{
	uint64_t p = fs->ppb;
	if (lblk < EXT2_NDIR) {
		*top = (int)lblk;
		return 0;
	}
	if ((lblk -= EXT2_NDIR) < p) {
		*top = EXT2_IND;
		idx[0] = (int)lblk;
		return 1;
	}
	if ((lblk -= p) < p * p) {
		*top = EXT2_DIND;
		idx[0] = (int)(lblk / p);
		idx[1] = (int)(lblk % p);
		return 2;
	}
	if ((lblk -= p * p) < p * p * p) {
		*top = EXT2_TIND;
		idx[0] = (int)(lblk / (p * p));
		idx[1] = (int)(lblk / p % p);
		idx[2] = (int)(lblk % p);
		return 3;
	}
	return -EFBIG;
}

/* Indirect block *bp, which the disk may point at, about to change: copied
 * to a new block, *slot (in the inode, or in pb: an indirect block new
 * since the disk had it) then pointing at the copy. The disk so gets the
 * change whole, with the inode's size and block count, when it gets the
 * new pointer (order.c). */
static int cow(struct ext2_node *n, struct ext2_buf *pb, uint32_t *slot, struct ext2_buf **bp)
{
	struct ext2_fs *fs = n->fs;
	struct ext2_buf *b = *bp;
	if (!bdurable(fs, b->blk))
		return 0; /* new since the disk had it: nothing there points at it */
	uint32_t nb;
	int e = ext2_new_block(n, &nb);
	if (e)
		return e;
	struct ext2_buf *c = bget_zero(fs, nb, BK_IND, &e);
	if (!c) {
		ext2_free_block(fs, nb);
		n->iblocks -= fs->spb;
		return e;
	}
	memcpy(c->data, b->data, fs->bsize);
	c->fresh = FRESH_UNWRITTEN;
	bdirty(fs, c);
	*slot = nb;
	if (pb)
		bdirty(fs, pb);
	ext2_free_block(fs, b->blk);
	n->iblocks -= fs->spb;
	brelse(b);
	*bp = c;
	return 0;
}

int ext2_bmap(struct ext2_node *n, uint64_t lblk, bool alloc, uint32_t *out, bool *fresh)
{
	struct ext2_fs *fs = n->fs;
	int top, idx[3];
	*fresh = false;
	*out = 0;
	if (n->iflags & EXT2_EXTENTS_FL) {
		int e = ext2_extent_map(n, lblk, out);
		if (e || *out || !alloc)
			return e;
		if ((e = ext2_extent_alloc(n, lblk, out)) != 0)
			return e;
		struct ext2_buf *z = bget_zero(fs, *out, BK_DATA, &e);
		if (!z)
			return e;
		z->fresh = FRESH_UNWRITTEN; /* zeros until the caller fills it */
		bdirty(fs, z);
		brelse(z);
		*fresh = true;
		return 0;
	}
	int depth = path(fs, lblk, &top, idx);
	if (depth < 0)
		return depth;
	/* chain[l]: the indirect block holding the pointer of level l (l >= 1) */
	struct ext2_buf *chain[4] = { NULL, NULL, NULL, NULL };
	int e = 0;
	for (int level = 0;; level++) {
#define SLOT(l) ((l) ? (uint32_t *)chain[l]->data + idx[(l)-1] : &n->block[top])
		if (*SLOT(level) == 0) {
			if (!alloc)
				break;
			uint32_t nb;
			if ((e = ext2_new_block(n, &nb)) != 0)
				break;
			bool leaf = level == depth;
			struct ext2_buf *z = bget_zero(fs, nb, leaf ? BK_DATA : BK_IND, &e);
			if (!z) {
				ext2_free_block(fs, nb);
				n->iblocks -= fs->spb;
				break;
			}
			/* zeros until the caller fills it: the disk gets it
			 * before anything there points at it */
			z->fresh = FRESH_UNWRITTEN;
			bdirty(fs, z);
			brelse(z);
			/* the indirect blocks above it change: copies of those
			 * the disk has (twice: an allocation may write back) */
			for (int pass = 0; pass < 2 && !e; pass++)
				for (int l = 1; l <= level && !e; l++)
					e = cow(n, chain[l - 1], SLOT(l - 1), &chain[l]);
			if (e) {
				ext2_free_block(fs, nb);
				n->iblocks -= fs->spb;
				break;
			}
			*SLOT(level) = nb;
			if (level)
				bdirty(fs, chain[level]);
			if (leaf) {
				*fresh = true;
				ext2_note_write(n, lblk); /* fsync.c looks there */
			}
		}
		if (level == depth) {
			*out = *SLOT(level);
			break;
		}
		uint32_t blk = *SLOT(level);
#undef SLOT
		if (blk >= fs->sb.blocks_count) {
			e = -EIO;
			break;
		}
		chain[level + 1] = bread(fs, blk, BK_IND, &e);
		if (!chain[level + 1])
			break;
	}
	for (int l = 1; l < 4; l++)
		if (chain[l])
			brelse(chain[l]);
	return e;
}

/* Frees the subtree at blk (of the given depth): its blocks, then itself. */
static void free_tree(struct ext2_node *n, uint32_t blk, int depth)
{
	struct ext2_fs *fs = n->fs;
	if (depth > 0) {
		int e;
		struct ext2_buf *b = bread(fs, blk, BK_IND, &e);
		if (b) {
			const uint32_t *v = (const uint32_t *)b->data;
			for (uint32_t i = 0; i < fs->ppb; i++)
				if (v[i] && v[i] < fs->sb.blocks_count)
					free_tree(n, v[i], depth - 1);
			brelse(b);
		}
	}
	ext2_free_block(fs, blk);
	n->iblocks -= MIN(n->iblocks, fs->spb);
}

/* Frees what the subtree at *slot (in the inode, or in pb; of the given
 * depth, its first logical block base) maps at logical blocks >= from,
 * the indirect blocks too when nothing of them stays. An indirect block
 * that stays in part is changed in a copy (cow). */
static void trunc_tree(struct ext2_node *n, struct ext2_buf *pb, uint32_t *slot, int depth,
		       uint64_t base, uint64_t from)
{
	struct ext2_fs *fs = n->fs;
	if (*slot == 0 || *slot >= fs->sb.blocks_count)
		return;
	if (base >= from) {
		free_tree(n, *slot, depth);
		*slot = 0;
		if (pb)
			bdirty(fs, pb);
		return;
	}
	uint64_t span = 1;
	for (int i = 1; i < depth; i++)
		span *= fs->ppb;
	if (depth == 0 || base + span * fs->ppb <= from)
		return; /* all of it stays */
	int e;
	struct ext2_buf *b = bread(fs, *slot, BK_IND, &e);
	if (!b)
		return;
	cow(n, pb, slot, &b); /* failing, changed in place */
	uint32_t *v = (uint32_t *)b->data;
	for (uint32_t i = 0; i < fs->ppb; i++) {
		uint64_t cbase = base + i * span;
		if (cbase + span > from && v[i])
			trunc_tree(n, b, &v[i], depth - 1, cbase, from);
	}
	brelse(b);
}

int ext2_truncate_blocks(struct ext2_node *n, uint64_t size)
{
	struct ext2_fs *fs = n->fs;
	uint64_t from = (size + fs->bsize - 1) / fs->bsize, p = fs->ppb;
	if (n->iflags & EXT2_EXTENTS_FL) {
		ext2_extent_truncate(n, from);
	} else {
		for (uint64_t i = 0; i < EXT2_NDIR; i++)
			trunc_tree(n, NULL, &n->block[i], 0, i, from);
		trunc_tree(n, NULL, &n->block[EXT2_IND], 1, EXT2_NDIR, from);
		trunc_tree(n, NULL, &n->block[EXT2_DIND], 2, EXT2_NDIR + p, from);
		trunc_tree(n, NULL, &n->block[EXT2_TIND], 3, EXT2_NDIR + p + p * p, from);
	}
	/* the tail of a partial last block reads as zeros if the file grows */
	if (size % fs->bsize) {
		uint32_t blk;
		bool fresh;
		if (ext2_bmap(n, size / fs->bsize, false, &blk, &fresh) == 0 && blk) {
			int e;
			struct ext2_buf *b = bread(fs, blk, false, &e);
			if (b) {
				memset(b->data + size % fs->bsize, 0, fs->bsize - size % fs->bsize);
				bdirty(fs, b);
				brelse(b);
			}
		}
	}
	return 0;
}
