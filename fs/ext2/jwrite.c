/* jwrite.c: metadata through the jbd2 journal (a disk with has_journal
 * mounted read-write). One transaction a write-back (ext2_sync: fsync,
 * sync, the write-back when enough has changed, unmount), made at an
 * operation's end, so that it holds whole operations:
 *   1. the frees waiting in alloc.c go into the bitmaps, the orphan list
 *      (inodes open with no name) is made, every inode goes into its
 *      inode table block, the counts into the descriptors and the
 *      superblock: memory is what the disk should be;
 *   2. file data home (data=ordered); descriptor blocks and a copy of
 *      every changed metadata block (superblock, descriptors, bitmaps,
 *      inode tables, directories, indirect and xattr blocks) into the
 *      log after the last transaction, the journal superblock pointing at
 *      this one; flush;
 *   3. the commit block; flush: from here a crash replays it;
 *   4. the blocks home (checkpoint); flush.
 * The log so holds at most the last transaction, replayed whole or not
 * at all: blocks freed by one go back into use only after its commit, and
 * a block of it is never rewritten before the next one is in the log.
 * A write-back is due (at the operation's end) once a quarter of the log's
 * worth of metadata blocks have changed.
 * Freed blocks never need revoke records: a freed block is only reused
 * once a later transaction is the one the journal superblock names. A
 * transaction larger than the log is written home unjournaled (said
 * once). At mount, the orphans a crash left are freed. */
#include "fs/ext2/jbd2.h"

#define JC_CHECKSUM 0x1 /* v1 commit checksums (crc32): not written by htux */

bool ext2_journal_start(struct ext2_fs *fs)
{
	struct ext2_jnl *l = kzalloc(sizeof(*l));
	uint8_t *m = kmalloc(3 * fs->bsize);
	if (!l || !m) {
		kfree(l);
		kfree(m);
		kprintf("htux: disk %s: journal: out of memory: mounted read-only\n",
			fs->dev->name);
		return false;
	}
	if (ext2_jnl_open(fs, l, m) != 0) {
		kprintf("htux: disk %s: journal not usable: mounted read-only\n", fs->dev->name);
		goto no;
	}
	if (l->compat & JC_CHECKSUM || be32(m, JS_START)) {
		kprintf("htux: disk %s: journal: %s: mounted read-only\n", fs->dev->name,
			be32(m, JS_START) ? "not empty after its replay" : "v1 checksums");
		goto no;
	}
	l->jsb = m;
	l->buf = m + fs->bsize;
	l->sbimg = m + 2 * fs->bsize;
	l->seq = be32(m, JS_SEQUENCE);
	l->head = l->first;
	fs->jnl = l;
	fs->meta_max = (l->maxlen - l->first) / 4; /* a transaction fits the log */
	fs->sb.feature_incompat |= EXT2_INCOMPAT_RECOVER;
	return true;
no:
	kfree(l);
	kfree(m);
	return false;
}

/* The journal superblock: the log starts at start (0: empty) with the
 * sequence seq. */
static int jsb_write(struct ext2_fs *fs, uint32_t start)
{
	struct ext2_jnl *l = fs->jnl;
	put_be32(l->jsb, JS_START, start);
	put_be32(l->jsb, JS_SEQUENCE, l->seq);
	ext2_jsb_csum(l, l->jsb);
	return ext2_jnl_io(fs, l, 0, l->jsb, true);
}

int ext2_journal_stop(struct ext2_fs *fs)
{
	int e = jsb_write(fs, 0);
	int e2 = fs->dev->ops->flush(fs->dev);
	fs->sb.feature_incompat &= ~(uint32_t)EXT2_INCOMPAT_RECOVER;
	return e ? e : e2;
}

static void header(uint8_t *b, uint32_t type, uint32_t seq)
{
	put_be32(b, 0, JBD2_MAGIC);
	put_be32(b, 4, type);
	put_be32(b, 8, seq);
}

/* One logged block at pos (data of home block blk); its tag into t. */
static int log_block(struct ext2_fs *fs, uint32_t pos, uint32_t blk, const uint8_t *data,
		     uint8_t *t, bool last)
{
	struct ext2_jnl *l = fs->jnl;
	uint32_t flags = TAG_SAME_UUID | (last ? TAG_LAST : 0);
	if (be32(data, 0) == JBD2_MAGIC) { /* escaped: the replay puts it back */
		memcpy(l->buf, data, fs->bsize);
		put_be32(l->buf, 0, 0);
		data = l->buf;
		flags |= TAG_ESCAPE;
	}
	uint32_t c = 0;
	if (l->csum) {
		uint8_t sq[4];
		put_be32(sq, 0, l->seq);
		c = crc32c(crc32c(l->seed, sq, 4), data, fs->bsize);
	}
	memset(t, 0, l->tagsize);
	put_be32(t, 0, blk);
	if (l->incompat & JI_CSUM3) {
		put_be32(t, 4, flags);
		put_be32(t, 12, c);
	} else {
		t[4] = (uint8_t)(c >> 8);
		t[5] = (uint8_t)c;
		t[6] = (uint8_t)(flags >> 8);
		t[7] = (uint8_t)flags;
	}
	return ext2_jnl_io(fs, l, pos, (uint8_t *)data, true);
}

/* The filesystem's superblock's block, as it should be, into l->sbimg;
 * *same: the disk has it (the time of the last write aside, if nothing
 * else changed: kept as it was). */
static int sb_image(struct ext2_fs *fs, uint32_t *blk, bool *same)
{
	struct ext2_jnl *l = fs->jnl;
	*blk = fs->bsize == 1024 ? 1 : 0;
	int e = fs->dev->ops->read(fs->dev, (uint64_t)*blk * fs->spb, l->sbimg, fs->spb);
	if (e)
		return e;
	struct ext2_super *d = (struct ext2_super *)(l->sbimg + (fs->bsize == 1024 ? 0 : 1024));
	uint32_t wtime = fs->sb.wtime;
	fs->sb.wtime = d->wtime;
	if (fs->sb.feature_ro_compat & EXT2_RO_COMPAT_METADATA_CSUM)
		put32(&fs->sb, SB_CHECKSUM, ext2_sb_csum(&fs->sb));
	*same = !memcmp(d, &fs->sb, sizeof(fs->sb));
	fs->sb.wtime = wtime;
	if (fs->sb.feature_ro_compat & EXT2_RO_COMPAT_METADATA_CSUM)
		put32(&fs->sb, SB_CHECKSUM, ext2_sb_csum(&fs->sb));
	memcpy(d, &fs->sb, sizeof(fs->sb));
	return 0;
}

static const int kinds[] = { BK_BITMAP, BK_GD, BK_ITABLE, BK_DIR, BK_IND, BK_XATTR };

/* The changed metadata blocks, referenced, into *out; how many. */
static uint32_t changed(struct ext2_fs *fs, struct bw **out)
{
	uint32_t n = 0;
	for (struct ext2_buf *b = fs->dirty_head; b; b = b->dnext)
		n += b->kind != BK_DATA;
	struct bw *v = kmalloc((n + 1) * sizeof(*v));
	*out = v;
	if (!v)
		return 0;
	uint32_t i = 0;
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++)
		for (struct ext2_buf *b = fs->dirty_head; b && i < n; b = b->dnext)
			if (b->kind == kinds[k]) {
				b->refs++;
				v[i++] = (struct bw){ b, NULL };
			}
	return i;
}

/* Steps 2 and 3: the transaction into the log, committed. */
static int commit(struct ext2_fs *fs, struct bw *v, uint32_t n, uint32_t sbblk, uint32_t start)
{
	struct ext2_jnl *l = fs->jnl;
	uint32_t per = (fs->bsize - 12 - (l->csum ? 4 : 0)) / l->tagsize;
	uint32_t pos = start;
	int e = 0;
	static uint8_t desc[4096];            /* under ext2_lock */
	for (uint32_t i = 0; i <= n && !e;) { /* block n: the superblock */
		uint32_t k = MIN(per, n + 1 - i), dpos = pos++;
		memset(desc, 0, fs->bsize);
		header(desc, JT_DESC, l->seq);
		for (uint32_t j = 0; j < k && !e; j++, i++)
			e = log_block(fs, pos++, i < n ? v[i].b->blk : sbblk,
				      i < n ? v[i].b->data : l->sbimg, desc + 12 + j * l->tagsize,
				      j + 1 == k);
		if (l->csum)
			put_be32(desc, fs->bsize - 4, crc32c(l->seed, desc, fs->bsize));
		if (!e)
			e = ext2_jnl_io(fs, l, dpos, desc, true);
	}
	if (e || (e = jsb_write(fs, start)) != 0 || (e = ext2_barrier(fs)) != 0)
		return e;
	memset(desc, 0, fs->bsize);
	header(desc, JT_COMMIT, l->seq);
	uint64_t now = fs_now();
	put_be32(desc, JS_COMMIT_SEC, (uint32_t)(now / 1000000000 >> 32));
	put_be32(desc, JS_COMMIT_SEC + 4, (uint32_t)(now / 1000000000));
	put_be32(desc, JS_COMMIT_NSEC, (uint32_t)(now % 1000000000));
	if (l->csum)
		put_be32(desc, 16, crc32c(l->seed, desc, fs->bsize));
	if ((e = ext2_jnl_io(fs, l, pos++, desc, true)) != 0 || (e = ext2_barrier(fs)) != 0)
		return e;
	l->head = pos;
	return 0;
}

/* The orphan list as memory has it: the inodes open with no name (the
 * list runs through their dtime, links 0), so that a crash frees them at
 * the next mount (or e2fsck does) instead of leaving them unattached. */
static void orphans(struct ext2_fs *fs)
{
	uint32_t head = 0;
	for (uint32_t h = 0; fs->ihash && h < fs->nihash; h++)
		for (struct ext2_node *x = fs->ihash[h]; x; x = x->hnext) {
			struct ext2_dinode *d = (struct ext2_dinode *)x->raw;
			x->orphan = !x->dead && x->vi.nlink == 0;
			if (x->orphan) {
				d->dtime = head;
				head = (uint32_t)x->vi.ino;
			} else if (!x->dead) {
				d->dtime = 0;
			}
		}
	put32(&fs->sb, SB_LAST_ORPHAN, head);
}

int ext2_orphans_release(struct ext2_fs *fs)
{
	uint32_t ino = get32(&fs->sb, SB_LAST_ORPHAN), n = 0;
	fs->orphan_scan = true;
	for (; ino && n < fs->sb.inodes_count; n++) {
		struct ext2_node *x;
		if (ext2_iget(fs, ino, &x) != 0)
			break; /* the rest is e2fsck's */
		ino = ((struct ext2_dinode *)x->raw)->dtime;
		x->vi.nlink = 0;
		x->orphan = true; /* its slot on the disk is in use: written freed */
		ext2_idestroy(x);
	}
	fs->orphan_scan = false;
	put32(&fs->sb, SB_LAST_ORPHAN, 0);
	kinfo("disk %s: %u orphan inodes freed\n", fs->dev->name, n);
	return ext2_sync(fs);
}

int ext2_journal_writeback(struct ext2_fs *fs)
{
	struct ext2_jnl *l = fs->jnl;
	fs->meta_dirtied = 0;
	/* 1: memory as the disk should be */
	ext2_apply_frees(fs);
	orphans(fs);
	ext2_slots_store(fs);
	int err = ext2_gd_store(fs), e;
	uint32_t sbblk;
	bool same;
	if ((e = sb_image(fs, &sbblk, &same)) != 0)
		return e;
	/* 2-4 */
	if ((e = bwrite_kind(fs, BK_DATA)) != 0)
		err = err ? err : e;
	struct bw *v;
	uint32_t n = changed(fs, &v);
	if (!v)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		ext2_block_csum_set(fs, v[i].b);
	if (n == 0 && same) { /* file data only */
		kfree(v);
		e = ext2_barrier(fs);
		return err ? err : e;
	}
	uint32_t per = (fs->bsize - 12 - (l->csum ? 4 : 0)) / l->tagsize;
	uint32_t len = n + 1 + (n + 1 + per - 1) / per + 1; /* copies, descriptors, commit */
	if (len > l->maxlen - l->first) {
		if (!l->warned)
			kprintf("htux: disk %s: journal: %u blocks changed, more than the log holds: "
				"written unjournaled\n",
				fs->dev->name, n);
		l->warned = true;
	} else {
		uint32_t start = l->head;
		if (start + len > l->maxlen) { /* from the log's first block: empty it first */
			start = l->first;
			if ((e = jsb_write(fs, 0)) != 0 || (e = ext2_barrier(fs)) != 0)
				err = err ? err : e;
		}
		if ((e = commit(fs, v, n, sbblk, start)) != 0)
			err = err ? err : e;
	}
	/* 4: home */
	if ((e = bwrite_batch(fs, v, n)) != 0)
		err = err ? err : e;
	e = fs->dev->ops->write(fs->dev, (uint64_t)sbblk * fs->spb, l->sbimg, fs->spb);
	if (e || (e = ext2_barrier(fs)) != 0)
		err = err ? err : e;
	for (uint32_t i = 0; i < n; i++)
		brelse(v[i].b);
	kfree(v);
	l->seq++;
	while (fs->dead)
		ext2_ifree_dead(fs->dead);
	return err;
}
