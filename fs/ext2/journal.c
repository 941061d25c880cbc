/* journal.c: replaying a jbd2 journal (ext3's and ext4's) at mount, when
 * the superblock says needs_recovery: the journal inode's blocks are the
 * log, which holds transactions of descriptor blocks (tags naming the
 * home block of each logged block that follows), revoke blocks and a
 * commit block. Three passes as jbd2 makes them: find the last committed
 * transaction, collect the revoke records, write each logged block home
 * unless a revoke record of its transaction or a later one names it.
 * Checksums v2 and v3 (crc32c) and 64-bit block numbers are understood; a
 * transaction whose descriptor, revoke or commit block does not match its
 * checksum ends the log, as one without a commit block does. Then the log
 * is marked empty and needs_recovery is cleared. The log is read and the
 * blocks written straight to the device, past the block cache, which the
 * mount then starts afresh. */
#include "fs/ext2/jbd2.h"

struct revoked {
	uint64_t blk;
	uint32_t seq;
};

struct jr {
	struct ext2_fs *fs;
	struct ext2_jnl l;
	uint32_t end; /* the first transaction not committed */
	struct revoked *rev;
	uint32_t nrev, caprev;
	uint32_t replayed, bad_tags;
	uint8_t *buf, *data;
};

enum { SCAN, REVOKE, REPLAY };

int ext2_jnl_io(struct ext2_fs *fs, struct ext2_jnl *l, uint32_t lblk, uint8_t *buf, bool write)
{
	uint32_t pb;
	bool fresh;
	int e = ext2_bmap(&l->jn, lblk, false, &pb, &fresh);
	if (e)
		return e;
	if (!pb)
		return -EIO;
	uint64_t s = (uint64_t)pb * fs->spb;
	return write ? fs->dev->ops->write(fs->dev, s, buf, fs->spb)
		     : fs->dev->ops->read(fs->dev, s, buf, fs->spb);
}

static int log_io(struct jr *j, uint32_t lblk, uint8_t *buf, bool write)
{
	return ext2_jnl_io(j->fs, &j->l, lblk, buf, write);
}

static uint32_t next(struct jr *j, uint32_t pos)
{
	return pos + 1 >= j->l.maxlen ? j->l.first : pos + 1;
}

/* A descriptor or revoke block's tail, or a commit block's first
 * checksum: crc32c of the block with it taken as zero. */
static bool block_csum_ok(struct jr *j, uint8_t *buf, unsigned at)
{
	uint32_t want = be32(buf, at);
	put_be32(buf, at, 0);
	uint32_t c = crc32c(j->l.seed, buf, j->fs->bsize);
	put_be32(buf, at, want);
	return c == want;
}

static bool revoked(struct jr *j, uint64_t blk, uint32_t seq)
{
	for (uint32_t i = 0; i < j->nrev; i++)
		if (j->rev[i].blk == blk)
			return (int32_t)(seq - j->rev[i].seq) <= 0;
	return false;
}

static int add_revoke(struct jr *j, uint64_t blk, uint32_t seq)
{
	for (uint32_t i = 0; i < j->nrev; i++)
		if (j->rev[i].blk == blk) {
			if ((int32_t)(seq - j->rev[i].seq) > 0)
				j->rev[i].seq = seq;
			return 0;
		}
	if (j->nrev == j->caprev) {
		uint32_t cap = j->caprev ? j->caprev * 2 : 64;
		struct revoked *v = kmalloc(cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		if (j->rev)
			memcpy(v, j->rev, j->nrev * sizeof(*v));
		kfree(j->rev);
		j->rev = v;
		j->caprev = cap;
	}
	j->rev[j->nrev].blk = blk;
	j->rev[j->nrev++].seq = seq;
	return 0;
}

/* The logged block at pos, for home block blk of transaction seq. */
static int replay_one(struct jr *j, uint32_t pos, uint64_t blk, uint32_t flags, uint32_t tcsum,
		      uint32_t seq)
{
	struct ext2_fs *fs = j->fs;
	if (revoked(j, blk, seq))
		return 0;
	int e = log_io(j, pos, j->data, false);
	if (e)
		return e;
	if (j->l.csum) {
		uint8_t sq[4];
		put_be32(sq, 0, seq);
		uint32_t c = crc32c(crc32c(j->l.seed, sq, 4), j->data, fs->bsize);
		if ((j->l.incompat & JI_CSUM3 ? c : c & 0xffff) != tcsum) {
			j->bad_tags++; /* as jbd2: this block is not replayed */
			return 0;
		}
	}
	if (blk >= fs->sb.blocks_count)
		return -EIO;
	if (flags & TAG_ESCAPE)
		put_be32(j->data, 0, JBD2_MAGIC);
	j->replayed++;
	return fs->dev->ops->write(fs->dev, blk * fs->spb, j->data, fs->spb);
}

/* One pass over the log from its start (sequence seq). */
static int pass(struct jr *j, int which, uint32_t pos, uint32_t seq)
{
	struct ext2_fs *fs = j->fs;
	uint8_t *b = j->buf;
	for (uint32_t steps = 0; steps < j->l.maxlen; steps++) {
		if (which != SCAN && seq == j->end)
			break;
		int e = log_io(j, pos, b, false);
		if (e)
			return e;
		if (be32(b, 0) != JBD2_MAGIC || be32(b, 8) != seq)
			break;
		uint32_t type = be32(b, 4);
		if (type == JT_COMMIT) {
			if (j->l.csum && !block_csum_ok(j, b, 16))
				break;
			seq++;
			pos = next(j, pos);
			continue;
		}
		if ((type != JT_DESC && type != JT_REVOKE) ||
		    (j->l.csum && !block_csum_ok(j, b, fs->bsize - 4)))
			break;
		uint32_t limit = fs->bsize - (j->l.csum ? 4 : 0);
		if (type == JT_REVOKE) {
			uint32_t used = MIN(be32(b, 12), limit),
				 rs = j->l.incompat & JI_64BIT ? 8 : 4;
			for (uint32_t off = 16; which == REVOKE && off + rs <= used; off += rs) {
				uint64_t blk = rs == 8 ? (uint64_t)be32(b, off) << 32 |
								 be32(b, off + 4)
						       : be32(b, off);
				if ((e = add_revoke(j, blk, seq)) != 0)
					return e;
			}
			pos = next(j, pos);
			continue;
		}
		/* a descriptor: its tags, each for one of the blocks after it */
		for (uint32_t off = 12; off + j->l.tagsize <= limit;) {
			uint64_t blk = be32(b, off);
			bool v3 = j->l.incompat & JI_CSUM3;
			uint32_t flags = v3 ? be32(b, off + 4) : be16(b, off + 6);
			uint32_t tcsum = v3 ? be32(b, off + 12) : be16(b, off + 4);
			if (j->l.incompat & JI_64BIT)
				blk |= (uint64_t)be32(b, off + 8) << 32;
			pos = next(j, pos);
			if (which == REPLAY &&
			    (e = replay_one(j, pos, blk, flags, tcsum, seq)) != 0)
				return e;
			off += j->l.tagsize + (flags & TAG_SAME_UUID ? 0 : 16);
			if (flags & TAG_LAST)
				break;
		}
		pos = next(j, pos);
	}
	if (which == SCAN)
		j->end = seq;
	return 0;
}

static int jrefuse(struct ext2_fs *fs, const char *why)
{
	kprintf("htux: disk %s: journal: %s\n", fs->dev->name, why);
	return -EINVAL;
}

/* The journal superblock (in b) checked, l set up from it. */
static int load_jsb(struct ext2_fs *fs, struct ext2_jnl *l, uint8_t *b)
{
	uint32_t type = be32(b, 4);
	if (be32(b, 0) != JBD2_MAGIC || (type != JT_SB1 && type != JT_SB2))
		return jrefuse(fs, "no journal superblock (run e2fsck)");
	if (be32(b, JS_BLOCKSIZE) != fs->bsize)
		return jrefuse(fs, "its block size is not the filesystem's");
	l->maxlen = be32(b, JS_MAXLEN);
	l->first = be32(b, JS_FIRST);
	l->incompat = type == JT_SB2 ? be32(b, JS_INCOMPAT) : 0;
	l->compat = type == JT_SB2 ? be32(b, JS_COMPAT) : 0;
	if (l->incompat & ~JI_KNOWN) {
		char why[80];
		ksnprintf(why, sizeof(why), "unsupported journal feature (incompat 0x%x)",
			  l->incompat & ~JI_KNOWN);
		return jrefuse(fs, why);
	}
	l->csum = l->incompat & (JI_CSUM2 | JI_CSUM3);
	if (l->csum) {
		if (b[JS_CHECKSUM_TYPE] != 4) /* crc32c */
			return jrefuse(fs, "unknown checksum type");
		uint32_t want = be32(b, JS_CHECKSUM);
		ext2_jsb_csum(l, b);
		if (be32(b, JS_CHECKSUM) != want)
			return jrefuse(fs,
				       "its superblock does not match its checksum (run e2fsck)");
		l->seed = crc32c(~0u, b + JS_UUID, 16);
	}
	if (l->incompat & JI_CSUM3)
		l->tagsize = 16;
	else
		l->tagsize = 12 + (l->incompat & JI_CSUM2 ? 2 : 0) -
			     (l->incompat & JI_64BIT ? 0 : 4);
	if (l->first == 0 || l->first >= l->maxlen || l->maxlen > (1u << 30))
		return jrefuse(fs, "its superblock is not valid (run e2fsck)");
	return 0;
}

void ext2_jsb_csum(struct ext2_jnl *l, uint8_t *buf)
{
	if (!l->csum)
		return;
	put_be32(buf, JS_CHECKSUM, 0);
	put_be32(buf, JS_CHECKSUM, crc32c(~0u, buf, JS_SIZE));
}

int ext2_jnl_open(struct ext2_fs *fs, struct ext2_jnl *l, uint8_t *buf)
{
	struct ext2_super *sb = &fs->sb;
	uint32_t jino = get32(sb, SB_JOURNAL_INUM);
	if (!(sb->feature_compat & EXT2_COMPAT_HAS_JOURNAL) || jino == 0)
		return jrefuse(fs, "no journal inode (run e2fsck)");
	memset(l, 0, sizeof(*l));
	l->jn.fs = fs;
	int e;
	struct ext2_buf *ib;
	struct ext2_dinode *d = ext2_islot(fs, jino, &ib, &e);
	if (!d)
		return jrefuse(fs, "cannot read its inode");
	if (fs->csum && !ext2_inode_csum_ok(fs, jino, (const uint8_t *)d)) {
		brelse(ib);
		return jrefuse(fs, "its inode does not match its checksum (run e2fsck)");
	}
	memcpy(l->jn.block, d->block, sizeof(l->jn.block));
	l->jn.iflags = d->flags;
	l->jn.vi.ino = jino;
	l->jn.cseed = crc32c(crc32c(fs->seed, &jino, 4), &d->generation, 4);
	uint64_t size = d->size | (uint64_t)d->size_high << 32;
	brelse(ib);
	if (ext2_jnl_io(fs, l, 0, buf, false) != 0)
		return jrefuse(fs, "cannot read its superblock");
	if ((e = load_jsb(fs, l, buf)) != 0)
		return e;
	if ((uint64_t)l->maxlen * fs->bsize > size)
		return jrefuse(fs, "larger than its inode (run e2fsck)");
	return 0;
}

int ext2_journal_recover(struct ext2_fs *fs)
{
	struct ext2_super *sb = &fs->sb;
	if (fs->dev->readonly)
		return jrefuse(fs, "it needs recovery and the disk is read-only");
	struct jr *j = kzalloc(sizeof(*j));
	uint8_t *buf = kmalloc(2 * fs->bsize);
	if (!j || !buf) {
		kfree(j);
		kfree(buf);
		return -ENOMEM;
	}
	j->fs = fs;
	j->buf = buf;
	j->data = buf + fs->bsize;
	int e = ext2_jnl_open(fs, &j->l, j->buf);
	if (e)
		goto out;
	uint32_t start = be32(j->buf, JS_START), seq = be32(j->buf, JS_SEQUENCE), seq0 = seq;
	if (start) {
		if (start < j->l.first || start >= j->l.maxlen) {
			e = jrefuse(fs, "its start is not in the log (run e2fsck)");
			goto out;
		}
		if ((e = pass(j, SCAN, start, seq)) != 0 ||
		    (e = pass(j, REVOKE, start, seq)) != 0 ||
		    (e = pass(j, REPLAY, start, seq)) != 0 ||
		    (e = fs->dev->ops->flush(fs->dev)) != 0)
			goto out;
		seq = j->end + 1;
	}
	/* the log empty, then the filesystem no longer needing recovery */
	if ((e = log_io(j, 0, j->buf, false)) != 0)
		goto out;
	put_be32(j->buf, JS_START, 0);
	put_be32(j->buf, JS_SEQUENCE, seq);
	ext2_jsb_csum(&j->l, j->buf);
	if ((e = log_io(j, 0, j->buf, true)) != 0 || (e = fs->dev->ops->flush(fs->dev)) != 0)
		goto out;
	/* the superblock as the replay left it */
	if ((e = fs->dev->ops->read(fs->dev, 2, sb, sizeof(*sb) / BLK_SECTOR)) != 0)
		goto out;
	sb->feature_incompat &= ~(uint32_t)EXT2_INCOMPAT_RECOVER;
	if ((e = ext2_sb_write(fs)) != 0 || (e = fs->dev->ops->flush(fs->dev)) != 0)
		goto out;
	kinfo("disk %s: journal recovered: %u transactions, %u blocks replayed, %u skipped "
	      "(checksum)\n",
	      fs->dev->name, start ? j->end - seq0 : 0, j->replayed, j->bad_tags);
out:
	if (e && e != -EINVAL)
		e = jrefuse(fs, e == -ENOMEM ? "out of memory"
					     : "I/O error, or a block past the disk (run e2fsck)");
	kfree(j->rev);
	kfree(j);
	kfree(buf);
	return e;
}
