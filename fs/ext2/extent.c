/* extent.c: ext4's extent trees, read: the tree's root in i_block (a
 * header and four entries), index blocks down to the leaves, whose
 * extents map runs of logical blocks to runs of disk blocks. An
 * uninitialized extent (fallocate'd, never written) reads as a hole. Each
 * block read is checked (magic, depth, counts; its checksum with
 * metadata_csum) before it is used. */
#include "fs/ext2/ext2.h"

#define EH_MAGIC 0xF30A
#define EXT_INIT_MAX_LEN 32768u /* longer: uninitialized, len - 32768 */

struct eh {
	uint16_t magic, entries, max, depth;
	uint32_t generation;
};

struct ext_idx {
	uint32_t block, leaf_lo;
	uint16_t leaf_hi, unused;
};

struct ext_leaf {
	uint32_t block;
	uint16_t len, start_hi;
	uint32_t start_lo;
};

_Static_assert(sizeof(struct eh) == 12 && sizeof(struct ext_idx) == 12 &&
		       sizeof(struct ext_leaf) == 12,
	       "extent tree entries are 12 bytes");

static int bad(struct ext2_node *n, const char *what)
{
	kinfo("disk %s: inode %lu: %s (run e2fsck)\n", n->fs->dev->name, (unsigned long)n->vi.ino,
	      what);
	return -EIO;
}

static bool header_ok(const struct eh *h, uint32_t room, int depth)
{
	return h->magic == EH_MAGIC && h->max <= room && h->entries <= h->max &&
	       (depth < 0 || h->depth == depth);
}

int ext2_extent_map(struct ext2_node *n, uint64_t lblk, uint32_t *out)
{
	struct ext2_fs *fs = n->fs;
	*out = 0;
	if (lblk > UINT32_MAX)
		return 0;
	const uint8_t *node = (const uint8_t *)n->block;
	const struct eh *h = (const struct eh *)node;
	if (!header_ok(h, 4, -1) || h->depth > 5)
		return bad(n, "extent tree root is not valid");
	int depth = h->depth;
	struct ext2_buf *b = NULL;
	for (;;) {
		const void *ents = node + sizeof(struct eh);
		if (depth == 0) {
			const struct ext_leaf *e = ents;
			uint32_t got = 0;
			for (uint32_t i = 0; i < h->entries; i++) {
				uint32_t len = e[i].len > EXT_INIT_MAX_LEN
						       ? e[i].len - EXT_INIT_MAX_LEN
						       : e[i].len;
				if (lblk < e[i].block || lblk >= (uint64_t)e[i].block + len)
					continue;
				if (e[i].start_hi)
					break; /* beyond 2^32 blocks: not on a disk htux mounts */
				if (e[i].len <= EXT_INIT_MAX_LEN)
					got = e[i].start_lo + (uint32_t)(lblk - e[i].block);
				break;
			}
			if (b)
				brelse(b);
			if (got >= fs->sb.blocks_count)
				return bad(n, "extent beyond the disk");
			*out = got;
			return 0;
		}
		/* the last index entry starting at or before lblk */
		const struct ext_idx *x = ents;
		int k = -1;
		for (uint32_t i = 0; i < h->entries && x[i].block <= lblk; i++)
			k = (int)i;
		if (k < 0) {
			if (b)
				brelse(b);
			return 0; /* before the first: a hole */
		}
		uint32_t child = x[k].leaf_lo;
		bool hi = x[k].leaf_hi != 0;
		if (b)
			brelse(b);
		if (hi || child >= fs->sb.blocks_count || child == 0)
			return bad(n, "extent index beyond the disk");
		int e;
		b = bread(fs, child, BK_IND, &e);
		if (!b)
			return e;
		node = b->data;
		h = (const struct eh *)node;
		depth--;
		if (!header_ok(h, (fs->bsize - 12) / 12, depth)) {
			brelse(b);
			return bad(n, "extent tree block is not valid");
		}
		if (fs->csum && !b->checked) {
			if (!ext2_extent_csum_ok(n, node)) {
				brelse(b);
				return bad(n, "extent tree block checksum does not match");
			}
			b->checked = true;
		}
	}
}
