/* bmap.c: where a file's blocks are: twelve direct pointers, then single,
 * double and triple indirect blocks; allocating them on write (holes stay
 * holes) and freeing them when a file shrinks. */
#include "fs/ext2/ext2.h"

uint64_t ext2_max_size(struct ext2_fs *fs)
{
	uint64_t p = fs->ppb;
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
static int new_block(struct ext2_node *n, uint32_t *out)
{
	struct ext2_fs *fs = n->fs;
	uint32_t goal = n->goal;
	if (!goal)
		goal = ext2_group_first_block(fs, (uint32_t)(n->vi.ino - 1) / fs->sb.inodes_per_group);
	int e = ext2_alloc_block(fs, goal, out);
	if (!e) {
		n->iblocks += fs->spb;
		n->goal = *out + 1;
	}
	return e;
}

int ext2_bmap(struct ext2_node *n, uint64_t lblk, bool alloc, uint32_t *out, bool *fresh)
{
	struct ext2_fs *fs = n->fs;
	uint64_t p = fs->ppb;
	uint32_t *slot;
	int depth, idx[3];
	*fresh = false;
	if (lblk < EXT2_NDIR) {
		slot = &n->block[lblk];
		depth = 0;
	} else if ((lblk -= EXT2_NDIR) < p) {
		slot = &n->block[EXT2_IND];
		depth = 1;
		idx[0] = (int)lblk;
	} else if ((lblk -= p) < p * p) {
		slot = &n->block[EXT2_DIND];
		depth = 2;
		idx[0] = (int)(lblk / p);
		idx[1] = (int)(lblk % p);
	} else if ((lblk -= p * p) < p * p * p) {
		slot = &n->block[EXT2_TIND];
		depth = 3;
		idx[0] = (int)(lblk / (p * p));
		idx[1] = (int)(lblk / p % p);
		idx[2] = (int)(lblk % p);
	} else {
		return -EFBIG;
	}
	/* walk down: slot is either in the inode or in the referenced buf b */
	struct ext2_buf *b = NULL;
	int e = 0;
	for (int level = 0; ; level++) {
		if (*slot == 0) {
			if (!alloc)
				break;
			uint32_t nb;
			if ((e = new_block(n, &nb)) != 0)
				break;
			bool leaf = level == depth;
			struct ext2_buf *z = bget_zero(fs, nb, !leaf, &e);
			if (!z) {
				ext2_free_block(fs, nb);
				n->iblocks -= fs->spb;
				break;
			}
			if (!leaf)
				bdirty(fs, z);     /* an indirect block starts as zeros on disk too */
			brelse(z);
			*slot = nb;
			if (b)
				bdirty(fs, b);
			if (leaf)
				*fresh = true;
		}
		if (level == depth) {
			*out = *slot;
			brelse(b);
			return 0;
		}
		uint32_t blk = *slot;
		brelse(b);
		if (blk >= fs->sb.blocks_count)
			return -EIO;
		b = bread(fs, blk, true, &e);
		if (!b)
			return e;
		slot = (uint32_t *)b->data + idx[level];
	}
	brelse(b);
	if (!e)
		*out = 0;
	return e;
}

/* Frees what the subtree at *slot (of the given depth, its first logical
 * block base) maps at logical blocks >= from; frees the indirect block too
 * when nothing of it stays. */
static void trunc_tree(struct ext2_node *n, uint32_t *slot, int depth, uint64_t base, uint64_t from)
{
	struct ext2_fs *fs = n->fs;
	if (*slot == 0)
		return;
	if (depth > 0) {
		uint64_t span = 1;
		for (int i = 1; i < depth; i++)
			span *= fs->ppb;
		int e;
		struct ext2_buf *b = bread(fs, *slot, true, &e);
		if (!b)
			return;
		uint32_t *v = (uint32_t *)b->data;
		for (uint32_t i = 0; i < fs->ppb; i++) {
			uint64_t cbase = base + i * span;
			if (cbase + span <= from || v[i] == 0)
				continue;
			trunc_tree(n, &v[i], depth - 1, cbase, from);
			bdirty(fs, b);
		}
		brelse(b);
	}
	if (base >= from) {
		ext2_free_block(fs, *slot);
		n->iblocks -= MIN(n->iblocks, fs->spb);
		*slot = 0;
	}
}

int ext2_truncate_blocks(struct ext2_node *n, uint64_t size)
{
	struct ext2_fs *fs = n->fs;
	uint64_t from = (size + fs->bsize - 1) / fs->bsize, p = fs->ppb;
	for (uint64_t i = 0; i < EXT2_NDIR; i++)
		trunc_tree(n, &n->block[i], 0, i, from);
	trunc_tree(n, &n->block[EXT2_IND], 1, EXT2_NDIR, from);
	trunc_tree(n, &n->block[EXT2_DIND], 2, EXT2_NDIR + p, from);
	trunc_tree(n, &n->block[EXT2_TIND], 3, EXT2_NDIR + p + p * p, from);
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
