/* alloc.c: ext2's block and inode bitmaps: allocating near a goal and
 * freeing, with the group descriptors' and superblock's free counts kept
 * in step. A free waits in a list until the write-back has the disk no
 * longer pointing at the block or inode (ext2_apply_frees): until then it
 * is not handed out again, so the disk never has two owners for one. An
 * allocation that finds nothing while frees wait writes back first. */
#include "fs/ext2/ext2.h"

/* Finds a clear bit below n in the bitmap block bm, from start; -1 if none. */
static int64_t find_clear(const uint8_t *bm, uint32_t n, uint32_t start)
{
	for (uint32_t i = start; i < n; i++) {
		if ((i & 7) == 0 && bm[i >> 3] == 0xff && i + 8 <= n) {
			i += 7;
			continue;
		}
		if (!(bm[i >> 3] & (1u << (i & 7))))
			return i;
	}
	return -1;
}

static uint32_t group_blocks(struct ext2_fs *fs, uint32_t g)
{
	uint32_t first = ext2_group_first_block(fs, g);
	return MIN(fs->sb.blocks_per_group, fs->sb.blocks_count - first);
}

#define BG_INODE_UNINIT 0x1
#define BG_BLOCK_UNINIT 0x2
#define GD_ITABLE_UNUSED 0x1C /* u16 in a group descriptor */

/* Whether group g has the superblock and descriptors' copies. */
static bool has_super(struct ext2_fs *fs, uint32_t g)
{
	if (g <= 1 || !(fs->sb.feature_ro_compat & EXT2_RO_COMPAT_SPARSE))
		return true;
	for (uint32_t p = 3; p <= 7; p += 2)
		for (uint64_t x = p; x <= g; x *= p)
			if (x == g)
				return true;
	return false;
}

static void set_bits(uint8_t *bm, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to; i++)
		bm[i >> 3] |= (uint8_t)(1u << (i & 7));
}

/* Group g's block or inode bitmap. One of a group mkfs left uninitialized
 * (metadata_csum's BLOCK_UNINIT, INODE_UNINIT: never read) is made here as
 * the group is: its superblock and descriptor copies and the groups'
 * bitmaps and inode tables that lie in it in use, the bits past its end
 * set; the flag is cleared. */
static struct ext2_buf *bitmap(struct ext2_fs *fs, uint32_t g, bool inodes, int *e)
{
	struct ext2_gd *d = &fs->gd[g];
	uint16_t flag = inodes ? BG_INODE_UNINIT : BG_BLOCK_UNINIT;
	uint32_t blk = inodes ? d->inode_bitmap : d->block_bitmap;
	if (!fs->csum || !(d->flags & flag))
		return bread(fs, blk, BK_BITMAP, e);
	struct ext2_buf *b = bget_zero(fs, blk, BK_BITMAP, e);
	if (!b)
		return NULL;
	if (inodes) {
		set_bits(b->data, fs->sb.inodes_per_group, fs->bsize * 8);
	} else {
		uint32_t first = ext2_group_first_block(fs, g), n = group_blocks(fs, g);
		uint32_t itb = (fs->sb.inodes_per_group * fs->inode_size + fs->bsize - 1) /
			       fs->bsize;
		if (has_super(fs, g))
			set_bits(b->data, 0, 1 + fs->gd_blocks + get16(&fs->sb, SB_RESERVED_GDT));
		for (uint32_t h = 0; h < fs->ngroups; h++) {
			const struct ext2_gd *x = &fs->gd[h];
			uint32_t v[3] = { x->block_bitmap, x->inode_bitmap, x->inode_table };
			for (int k = 0; k < 3; k++)
				for (uint32_t j = 0; j < (k == 2 ? itb : 1); j++)
					if (v[k] + j >= first && v[k] + j < first + n)
						set_bits(b->data, v[k] + j - first,
							 v[k] + j - first + 1);
		}
		set_bits(b->data, n, fs->bsize * 8);
	}
	d->flags &= (uint16_t)~flag;
	bdirty(fs, b);
	return b;
}

static int alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
	if (fs->sb.free_blocks_count == 0)
		return -ENOSPC;
	if (goal < fs->sb.first_data_block || goal >= fs->sb.blocks_count)
		goal = fs->sb.first_data_block;
	uint32_t g0 = (goal - fs->sb.first_data_block) / fs->sb.blocks_per_group;
	for (uint32_t k = 0; k <= fs->ngroups; k++) {
		uint32_t g = (g0 + k) % fs->ngroups;
		struct ext2_gd *d = &fs->gd[g];
		if (d->free_blocks == 0)
			continue;
		int e;
		struct ext2_buf *b = bitmap(fs, g, false, &e);
		if (!b)
			return e;
		uint32_t start = k == 0 ? (goal - fs->sb.first_data_block) % fs->sb.blocks_per_group
					: 0;
		int64_t i = find_clear(b->data, group_blocks(fs, g), start);
		if (i < 0 && start)
			i = find_clear(b->data, group_blocks(fs, g), 0);
		if (i < 0) {
			brelse(b);
			continue;
		}
		b->data[i >> 3] |= (uint8_t)(1u << (i & 7));
		bdirty(fs, b);
		brelse(b);
		d->free_blocks--;
		fs->sb.free_blocks_count--;
		*out = ext2_group_first_block(fs, g) + (uint32_t)i;
		return 0;
	}
	return -ENOSPC;
}

int ext2_alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
	int e = alloc_block(fs, goal, out);
	if (e == -ENOSPC && fs->nfree_blks && ext2_sync(fs) == 0)
		e = alloc_block(fs, goal, out);
	return e;
}

/* Appends v to the list *a (n used, cap allocated); false without memory. */
static bool push(uint32_t **a, uint32_t *n, uint32_t *cap, uint32_t v)
{
	if (*n == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 64;
		uint32_t *na = kmalloc(ncap * sizeof(*na));
		if (!na)
			return false;
		if (*n)
			memcpy(na, *a, *n * sizeof(*na));
		kfree(*a);
		*a = na;
		*cap = ncap;
	}
	(*a)[(*n)++] = v;
	return true;
}

static void free_block_now(struct ext2_fs *fs, uint32_t blk)
{
	uint32_t g = (blk - fs->sb.first_data_block) / fs->sb.blocks_per_group;
	uint32_t i = (blk - fs->sb.first_data_block) % fs->sb.blocks_per_group;
	int e;
	struct ext2_buf *b = bitmap(fs, g, false, &e);
	if (!b)
		return;
	if (b->data[i >> 3] & (1u << (i & 7))) {
		b->data[i >> 3] &= (uint8_t) ~(1u << (i & 7));
		bdirty(fs, b);
		fs->gd[g].free_blocks++;
		fs->sb.free_blocks_count++;
	}
	brelse(b);
	bforget(fs, blk);
}

void ext2_free_block(struct ext2_fs *fs, uint32_t blk)
{
	if (blk < fs->sb.first_data_block || blk >= fs->sb.blocks_count)
		return;
	if (!push(&fs->free_blks, &fs->nfree_blks, &fs->cap_free_blks, blk)) {
		free_block_now(fs, blk); /* no memory to wait: freed out of order */
		return;
	}
	/* Its changed data goes (nothing reads it again); a directory block
	 * the disk has stays as it is until the free: its entries are there
	 * until its directory's slot is freed there. */
	struct ext2_buf *b = blookup(fs, blk);
	if (b && (b->kind != BK_DIR || b->fresh == FRESH_UNWRITTEN))
		bforget(fs, blk);
}

static int alloc_inode(struct ext2_fs *fs, uint32_t parent_ino, bool dir, uint32_t *out)
{
	if (fs->sb.free_inodes_count == 0)
		return -ENOSPC;
	uint32_t ipg = fs->sb.inodes_per_group;
	uint32_t g0 = parent_ino ? (parent_ino - 1) / ipg : 0;
	for (uint32_t k = 0; k < fs->ngroups; k++) {
		uint32_t g = (g0 + k) % fs->ngroups;
		struct ext2_gd *d = &fs->gd[g];
		if (d->free_inodes == 0)
			continue;
		int e;
		struct ext2_buf *b = bitmap(fs, g, true, &e);
		if (!b)
			return e;
		/* the reserved inodes (below first_ino) are never handed out */
		uint32_t start = g == 0 ? fs->sb.first_ino - 1 : 0;
		int64_t i = find_clear(b->data, ipg, start);
		if (i < 0) {
			brelse(b);
			continue;
		}
		b->data[i >> 3] |= (uint8_t)(1u << (i & 7));
		bdirty(fs, b);
		brelse(b);
		d->free_inodes--;
		if (dir)
			d->used_dirs++;
		/* the inodes past the last one used are not checked: now not past it */
		uint16_t unused = get16(d, GD_ITABLE_UNUSED);
		if (fs->csum && unused && i >= ipg - unused)
			put16(d, GD_ITABLE_UNUSED, (uint16_t)(ipg - 1 - i));
		fs->sb.free_inodes_count--;
		*out = g * ipg + (uint32_t)i + 1;
		return 0;
	}
	return -ENOSPC;
}

int ext2_alloc_inode(struct ext2_fs *fs, uint32_t parent_ino, bool dir, uint32_t *out)
{
	int e = alloc_inode(fs, parent_ino, dir, out);
	if (e == -ENOSPC && fs->nfree_inos && ext2_sync(fs) == 0)
		e = alloc_inode(fs, parent_ino, dir, out);
	return e;
}

static void free_inode_now(struct ext2_fs *fs, uint32_t ino, bool dir)
{
	uint32_t g = (ino - 1) / fs->sb.inodes_per_group, i = (ino - 1) % fs->sb.inodes_per_group;
	if (g >= fs->ngroups)
		return;
	int e;
	struct ext2_buf *b = bitmap(fs, g, true, &e);
	if (!b)
		return;
	if (b->data[i >> 3] & (1u << (i & 7))) {
		b->data[i >> 3] &= (uint8_t) ~(1u << (i & 7));
		bdirty(fs, b);
		fs->gd[g].free_inodes++;
		if (dir && fs->gd[g].used_dirs)
			fs->gd[g].used_dirs--;
		fs->sb.free_inodes_count++;
	}
	brelse(b);
}

void ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool dir)
{
	if (ino == 0 || ino > fs->sb.inodes_count)
		return;
	if (!push(&fs->free_inos, &fs->nfree_inos, &fs->cap_free_inos, ino << 1 | dir))
		free_inode_now(fs, ino, dir);
}

void ext2_apply_frees(struct ext2_fs *fs)
{
	for (uint32_t i = 0; i < fs->nfree_blks; i++)
		free_block_now(fs, fs->free_blks[i]);
	for (uint32_t i = 0; i < fs->nfree_inos; i++)
		free_inode_now(fs, fs->free_inos[i] >> 1, fs->free_inos[i] & 1);
	fs->nfree_blks = fs->nfree_inos = 0;
}
