/* extent.c: ext4's extent trees: the tree's root in i_block (a header
 * and four entries), index blocks down to the leaves, whose extents map
 * runs of logical blocks to runs of disk blocks. Read: an uninitialized
 * extent (fallocate'd, never written) reads as a hole; each block read is
 * checked (magic, depth, counts; its checksum with metadata_csum) before
 * it is used. Written: a new block extends the extent before it or goes
 * in as a new one; a block written in an unwritten extent is split out of
 * it as an initialized one; full nodes split, a full root deepens the tree;
 * truncation frees extents and emptied nodes. Changed blocks get their
 * checksums when the journal takes them (csum.c). */
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

/* ---- writing */

#define EXT_MAX_DEPTH 5

static struct eh *hdr(uint8_t *node) { return (struct eh *)node; }
static struct ext_idx *idx_of(uint8_t *node) { return (struct ext_idx *)(node + 12); }
static struct ext_leaf *leaf_of(uint8_t *node) { return (struct ext_leaf *)(node + 12); }
static uint32_t elen(const struct ext_leaf *e)
{
	return e->len > EXT_INIT_MAX_LEN ? e->len - EXT_INIT_MAX_LEN : e->len;
}
static uint16_t node_max(struct ext2_fs *fs) { return (uint16_t)((fs->bsize - 12 - 4) / 12); }

/* A node on the way down: its block (NULL: the root, in the inode) and
 * the entry taken (index nodes). */
struct xp {
	struct ext2_buf *b;
	uint8_t *node;
	uint32_t k;
};

static void put_path(struct xp *p, int n)
{
	for (int i = 1; i <= n; i++)
		brelse(p[i].b);
}

static void xdirty(struct ext2_node *n, struct ext2_buf *b)
{
	if (b) {
		b->owner = (uint32_t)n->vi.ino;
		bdirty(n->fs, b);
	}
}

/* A new tree block (zeroed, referenced), counted in the inode. */
static struct ext2_buf *new_node(struct ext2_node *n, int *e)
{
	uint32_t nb;
	if ((*e = ext2_new_block(n, &nb)) != 0)
		return NULL;
	struct ext2_buf *b = bget_zero(n->fs, nb, BK_IND, e);
	if (!b) {
		ext2_free_block(n->fs, nb);
		n->iblocks -= n->fs->spb;
		return NULL;
	}
	b->fresh = FRESH_UNWRITTEN;
	b->checked = true; /* its checksum is made when it is written */
	xdirty(n, b);
	return b;
}

/* The path from the root to the leaf where lblk is or would go; its
 * depth, or an error. */
static int find_path(struct ext2_node *n, uint32_t lblk, struct xp *p)
{
	struct ext2_fs *fs = n->fs;
	p[0] = (struct xp){ NULL, (uint8_t *)n->block, 0 };
	if (!header_ok(hdr(p[0].node), 4, -1) || hdr(p[0].node)->depth > EXT_MAX_DEPTH)
		return bad(n, "extent tree root is not valid");
	int depth = hdr(p[0].node)->depth;
	for (int l = 0; l < depth; l++) {
		struct eh *h = hdr(p[l].node);
		struct ext_idx *x = idx_of(p[l].node);
		if (h->entries == 0) {
			put_path(p, l);
			return bad(n, "extent index node is empty");
		}
		uint32_t k = 0;
		for (uint32_t i = 1; i < h->entries && x[i].block <= lblk; i++)
			k = i;
		p[l].k = k;
		uint32_t child = x[k].leaf_lo;
		int e;
		struct ext2_buf *b = NULL;
		if (!x[k].leaf_hi && child && child < fs->sb.blocks_count)
			b = bread(fs, child, BK_IND, &e);
		else
			e = bad(n, "extent index beyond the disk");
		if (b && (!header_ok(hdr(b->data), (fs->bsize - 12) / 12, depth - l - 1) ||
			  (fs->csum && !b->checked && !ext2_extent_csum_ok(n, b->data)))) {
			brelse(b);
			b = NULL;
			e = bad(n, "extent tree block is not valid");
		}
		if (!b) {
			put_path(p, l);
			return e;
		}
		b->checked = true;
		b->owner = (uint32_t)n->vi.ino;
		p[l + 1] = (struct xp){ b, b->data, 0 };
	}
	return depth;
}

/* The root full: its entries move to a new block, the root becomes an
 * index of that one block (the tree one level deeper). */
static int grow_root(struct ext2_node *n)
{
	uint8_t *root = (uint8_t *)n->block;
	int e;
	struct ext2_buf *b = new_node(n, &e);
	if (!b)
		return e;
	memcpy(b->data, root, 12 + 4 * 12);
	hdr(b->data)->max = node_max(n->fs);
	struct eh *h = hdr(root);
	uint32_t first = h->entries ? *(uint32_t *)(root + 12) : 0;
	h->depth++;
	h->entries = 1;
	memset(root + 12, 0, 4 * 12);
	*idx_of(root) = (struct ext_idx){ first, b->blk, 0, 0 };
	brelse(b);
	return 0;
}

/* Node l of the path (a block, full) split: its last entries (the last
 * one when appending, else half) into a new node, indexed in its
 * parent after it (the parent has room). */
static int split(struct ext2_node *n, struct xp *p, int l, bool append)
{
	int e;
	struct ext2_buf *c = new_node(n, &e);
	if (!c)
		return e;
	struct eh *h = hdr(p[l].node);
	uint16_t move = append ? 1 : h->entries / 2;
	*hdr(c->data) = (struct eh){ EH_MAGIC, move, node_max(n->fs), h->depth, 0 };
	memcpy(c->data + 12, p[l].node + 12 + 12 * (h->entries - move), 12u * move);
	h->entries = (uint16_t)(h->entries - move);
	uint32_t key = *(uint32_t *)(c->data + 12);
	struct eh *ph = hdr(p[l - 1].node);
	struct ext_idx *px = idx_of(p[l - 1].node);
	uint32_t at = p[l - 1].k + 1;
	memmove(&px[at + 1], &px[at], 12u * (ph->entries - at));
	px[at] = (struct ext_idx){ key, c->blk, 0, 0 };
	ph->entries++;
	xdirty(n, p[l].b);
	xdirty(n, p[l - 1].b);
	brelse(c);
	return 0;
}

int ext2_extent_alloc(struct ext2_node *n, uint64_t lblk64, uint32_t *out)
{
	if (lblk64 >= UINT32_MAX)
		return -EFBIG;
	uint32_t lblk = (uint32_t)lblk64;
	struct xp p[EXT_MAX_DEPTH + 1];
	for (int tries = 0; tries < 4 * EXT_MAX_DEPTH; tries++) {
		int depth = find_path(n, lblk, p);
		if (depth < 0)
			return depth;
		struct eh *h = hdr(p[depth].node);
		struct ext_leaf *x = leaf_of(p[depth].node);
		uint32_t pos = 0;
		while (pos < h->entries && x[pos].block <= lblk)
			pos++;
		/* in an extent fallocate left unwritten: that block becomes an
		 * initialized extent of its own, between the unwritten rest */
		struct ext_leaf *u = pos ? &x[pos - 1] : NULL;
		bool unwritten = u && lblk < u->block + elen(u);
		uint32_t need = 1;
		if (unwritten && u->len <= EXT_INIT_MAX_LEN) {
			put_path(p, depth);
			return bad(n, "extent mapped and not found");
		}
		if (unwritten)
			need = (lblk > u->block) + (lblk + 1 < u->block + elen(u));
		if (h->entries + need > h->max) {
			/* room first: at the lowest of the full levels above the leaf */
			int l = depth;
			while (l > 0 && hdr(p[l - 1].node)->entries >= hdr(p[l - 1].node)->max)
				l--;
			bool append = pos == h->entries;
			for (int i = l; i < depth; i++)
				append &= p[i].k + 1 == hdr(p[i].node)->entries;
			int e = l == 0 ? grow_root(n) : split(n, p, l, append);
			put_path(p, depth);
			if (e)
				return e;
			continue;
		}
		if (unwritten) {
			uint32_t ulen = elen(u), off = lblk - u->block, pb = u->start_lo + off,
				 k = 0;
			struct ext_leaf piece[3];
			if (off)
				piece[k++] = (struct ext_leaf){ u->block,
								(uint16_t)(off + EXT_INIT_MAX_LEN),
								0, u->start_lo };
			piece[k++] = (struct ext_leaf){ lblk, 1, 0, pb };
			if (off + 1 < ulen)
				piece[k++] = (struct ext_leaf){
					lblk + 1, (uint16_t)(ulen - off - 1 + EXT_INIT_MAX_LEN), 0,
					pb + 1
				};
			memmove(&x[pos - 1 + k], &x[pos], 12u * (h->entries - pos));
			memcpy(&x[pos - 1], piece, 12u * k);
			h->entries = (uint16_t)(h->entries + k - 1);
			xdirty(n, p[depth].b);
			put_path(p, depth);
			*out = pb; /* allocated already: the caller zeroes it */
			return 0;
		}
		if (pos)
			n->goal = x[pos - 1].start_lo + (lblk - x[pos - 1].block);
		uint32_t nb;
		int e = ext2_new_block(n, &nb);
		if (e) {
			put_path(p, depth);
			return e;
		}
		struct ext_leaf *prev = pos ? &x[pos - 1] : NULL;
		if (prev && prev->len < EXT_INIT_MAX_LEN && prev->block + prev->len == lblk &&
		    prev->start_lo + prev->len == nb && !prev->start_hi) {
			prev->len++;
		} else {
			memmove(&x[pos + 1], &x[pos], 12u * (h->entries - pos));
			x[pos] = (struct ext_leaf){ lblk, 1, 0, nb };
			h->entries++;
			for (int l = depth - 1; pos == 0 && l >= 0; l--) {
				struct ext_idx *ix = &idx_of(p[l].node)[p[l].k];
				if (ix->block > lblk) { /* a new first block under it */
					ix->block = lblk;
					xdirty(n, p[l].b);
				}
			}
		}
		xdirty(n, p[depth].b);
		put_path(p, depth);
		*out = nb;
		return 0;
	}
	return bad(n, "extent tree does not take a new extent");
}

static void free_run(struct ext2_node *n, uint32_t start, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		ext2_free_block(n->fs, start + i);
		n->iblocks -= MIN(n->iblocks, n->fs->spb);
	}
}

/* Frees what node maps from logical block from on (and the tree blocks
 * left empty); whether it is empty now. */
static bool trunc_node(struct ext2_node *n, uint8_t *node, struct ext2_buf *b, uint32_t from,
		       int level)
{
	struct ext2_fs *fs = n->fs;
	struct eh *h = hdr(node);
	bool changed = false;
	while (h->entries && h->depth == 0) {
		struct ext_leaf *x = &leaf_of(node)[h->entries - 1];
		uint32_t len = elen(x);
		if (x->block >= from) {
			free_run(n, x->start_lo, len);
			h->entries--;
			changed = true;
			continue;
		}
		if (x->block + len > from) {
			uint32_t keep = from - x->block;
			free_run(n, x->start_lo + keep, len - keep);
			x->len = (uint16_t)(x->len > EXT_INIT_MAX_LEN ? keep + EXT_INIT_MAX_LEN
								      : keep);
			changed = true;
		}
		break;
	}
	while (h->entries && h->depth > 0 && level < EXT_MAX_DEPTH) {
		struct ext_idx *c = &idx_of(node)[h->entries - 1];
		int e;
		struct ext2_buf *cb = c->leaf_lo < fs->sb.blocks_count && !c->leaf_hi
					      ? bread(fs, c->leaf_lo, BK_IND, &e)
					      : NULL;
		if (!cb || !header_ok(hdr(cb->data), (fs->bsize - 12) / 12, h->depth - 1) ||
		    (fs->csum && !cb->checked && !ext2_extent_csum_ok(n, cb->data))) {
			if (cb)
				brelse(cb);
			break; /* left as it is: e2fsck mends it */
		}
		cb->checked = true; /* changed here: its checksum is made when written */
		bool empty = trunc_node(n, cb->data, cb, from, level + 1);
		uint32_t blk = cb->blk;
		brelse(cb);
		if (!empty)
			break;
		free_run(n, blk, 1);
		h->entries--;
		changed = true;
	}
	if (changed)
		xdirty(n, b);
	return h->entries == 0;
}

void ext2_extent_truncate(struct ext2_node *n, uint64_t from)
{
	uint8_t *root = (uint8_t *)n->block;
	if (!header_ok(hdr(root), 4, -1))
		return;
	if (trunc_node(n, root, NULL, from > UINT32_MAX ? UINT32_MAX : (uint32_t)from, 0))
		hdr(root)->depth = 0;
}

void ext2_extent_init(struct ext2_node *n)
{
	memset(n->block, 0, sizeof(n->block));
	*hdr((uint8_t *)n->block) = (struct eh){ EH_MAGIC, 0, 4, 0, 0 };
	n->iflags |= EXT2_EXTENTS_FL;
}
