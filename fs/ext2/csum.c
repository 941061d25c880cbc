/* csum.c: crc32c (Castagnoli, table-driven) and ext4's metadata_csum
 * checksums: the superblock, group descriptors, inodes, extent tree
 * blocks and directory blocks (leaves and htree nodes). The seeds are
 * ext4's: the filesystem's (crc32c of the UUID, or the superblock's
 * s_checksum_seed), then an inode's (that and its number and
 * generation) for what belongs to one inode. */
#include "fs/ext2/ext2.h"

static uint32_t table[256];

uint32_t crc32c(uint32_t crc, const void *buf, size_t len)
{
	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
			table[i] = c;
		}
	const uint8_t *p = buf;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

uint32_t ext2_sb_csum(const struct ext2_super *sb) { return crc32c(~0u, sb, SB_CHECKSUM); }

#define GD_CHECKSUM 0x1E

uint16_t ext2_gd_csum(struct ext2_fs *fs, uint32_t g, const uint8_t *desc)
{
	static const uint16_t zero;
	uint32_t c = crc32c(fs->seed, &g, 4);
	c = crc32c(c, desc, GD_CHECKSUM);
	c = crc32c(c, &zero, 2);
	c = crc32c(c, desc + GD_CHECKSUM + 2, fs->desc_size - GD_CHECKSUM - 2);
	return (uint16_t)c;
}

#define I_CHECKSUM_LO 0x7C
#define I_EXTRA_ISIZE 0x80
#define I_CHECKSUM_HI 0x82

/* crc32c of an inode with its checksum fields counted as zeros */
static uint32_t inode_csum(struct ext2_fs *fs, uint32_t ino, const uint8_t *raw, bool *hi)
{
	static const uint16_t zero;
	uint32_t gen = get32(raw, 0x64), size = fs->inode_size;
	uint32_t c = crc32c(fs->seed, &ino, 4);
	c = crc32c(c, &gen, 4);
	c = crc32c(c, raw, I_CHECKSUM_LO);
	c = crc32c(c, &zero, 2);
	c = crc32c(c, raw + I_CHECKSUM_LO + 2, 128 - I_CHECKSUM_LO - 2);
	*hi = size > 128 && get16(raw, I_EXTRA_ISIZE) >= 4;
	if (size > 128) {
		c = crc32c(c, raw + 128, I_CHECKSUM_HI - 128);
		uint32_t at = I_CHECKSUM_HI;
		if (*hi) {
			c = crc32c(c, &zero, 2);
			at += 2;
		}
		c = crc32c(c, raw + at, size - at);
	}
	return c;
}

bool ext2_inode_csum_ok(struct ext2_fs *fs, uint32_t ino, const uint8_t *raw)
{
	bool hi;
	uint32_t c = inode_csum(fs, ino, raw, &hi);
	uint32_t want = get16(raw, I_CHECKSUM_LO) |
			(hi ? (uint32_t)get16(raw, I_CHECKSUM_HI) << 16 : 0);
	return (hi ? c : c & 0xffff) == want;
}

void ext2_inode_csum_set(struct ext2_fs *fs, uint32_t ino, uint8_t *raw)
{
	bool hi;
	uint32_t c = inode_csum(fs, ino, raw, &hi);
	put16(raw, I_CHECKSUM_LO, (uint16_t)c);
	if (hi)
		put16(raw, I_CHECKSUM_HI, (uint16_t)(c >> 16));
}

/* Extent blocks: the crc32c of the header and all eh_max entries, in the
 * four bytes after them. */
bool ext2_extent_csum_ok(struct ext2_node *n, const uint8_t *blk)
{
	uint32_t at = 12 + 12 * (uint32_t)get16(blk, 4);
	if (at + 4 > n->fs->bsize)
		return false;
	return crc32c(n->cseed, blk, at) == get32(blk, at);
}

#define DIR_TAIL_FT 0xDE

void ext2_dir_tail_init(struct ext2_fs *fs, uint8_t *blk)
{
	uint8_t *t = blk + fs->bsize - 12;
	memset(t, 0, 12);
	put16(t, 4, 12);
	t[7] = DIR_TAIL_FT;
}

bool ext2_dir_is_tail(struct ext2_fs *fs, const void *d, uint32_t off)
{
	const uint8_t *t = d;
	return fs->csum && off == fs->bsize - 12 && get32(t, 0) == 0 && get16(t, 4) == 12 &&
	       t[6] == 0 && t[7] == DIR_TAIL_FT;
}

bool ext2_dir_csum_ok(struct ext2_node *dir, const uint8_t *blk)
{
	uint32_t bs = dir->fs->bsize;
	const uint8_t *t = blk + bs - 12;
	if (get32(t, 0) == 0 && get16(t, 4) == 12 && t[6] == 0 && t[7] == DIR_TAIL_FT)
		return crc32c(dir->cseed, blk, bs - 12) == get32(t, 8);
	/* an htree node: the root ("." and ".." then 8 bytes of root
	 * information), or an inner node (an empty entry the size of the
	 * block); then limit and count, the entries and a tail of 8 bytes
	 * (a reserved zero and the checksum) */
	uint32_t at;
	if (get32(blk, 0) == 0 && get16(blk, 4) == bs)
		at = 8;
	else if (get16(blk, 4) == 12 && get16(blk, 12 + 4) == bs - 12)
		at = 32;
	else
		return false;
	uint32_t limit = get16(blk, at), count = get16(blk, at + 2);
	uint32_t tail = at + limit * 8;
	if (count > limit || tail + 8 > bs)
		return false;
	static const uint32_t zero;
	uint32_t c = crc32c(dir->cseed, blk, at + count * 8);
	c = crc32c(c, blk + tail, 4);
	c = crc32c(c, &zero, 4);
	return c == get32(blk, tail + 4);
}

/* A changed block's checksum, before it is written: a directory block
 * (a leaf with its tail; an htree node) or an extent tree block of the
 * inode b->owner. */
void ext2_block_csum_set(struct ext2_fs *fs, struct ext2_buf *b)
{
	struct ext2_node *n = b->owner ? ext2_ifind(fs, b->owner) : NULL;
	if (!fs->csum || !n || (b->kind != BK_DIR && b->kind != BK_IND))
		return;
	uint8_t *d = b->data;
	uint32_t bs = fs->bsize;
	if (b->kind == BK_IND) {
		if (!(n->iflags & EXT2_EXTENTS_FL) || get16(d, 0) != 0xF30A)
			return;
		uint32_t at = 12 + 12 * (uint32_t)get16(d, 4);
		if (at + 4 <= bs)
			put32(d, at, crc32c(n->cseed, d, at));
		return;
	}
	if (ext2_dir_is_tail(fs, d + bs - 12, bs - 12)) {
		put32(d, bs - 4, crc32c(n->cseed, d, bs - 12));
		return;
	}
	uint32_t at;
	if (get32(d, 0) == 0 && get16(d, 4) == bs)
		at = 8;
	else if (get16(d, 4) == 12 && get16(d, 12 + 4) == bs - 12)
		at = 32;
	else
		return;
	uint32_t limit = get16(d, at), count = get16(d, at + 2), tail = at + limit * 8;
	if (count > limit || tail + 8 > bs)
		return;
	put32(d, tail + 4, 0);
	uint32_t c = crc32c(n->cseed, d, at + count * 8);
	c = crc32c(c, d + tail, 8);
	put32(d, tail + 4, c);
}
