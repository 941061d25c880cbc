/* order.c: ext2's ordered write-back (ext2_sync). ext2 has no journal: a
 * crash keeps whatever writes reached the disk, so they go in rounds,
 * each ended by a device flush, and a change goes only in a round after
 * what it points at is on the disk:
 *   - a block's content (file data, a directory block, an indirect
 *     block) and its bitmap bit before any pointer to it (in an inode or
 *     an indirect block);
 *   - an inode before a directory entry naming it, and with its link
 *     count raised before a new name ("..": a new directory's block
 *     counts in its parent once the new directory's inode is there);
 *   - names removed before the inode's link count goes down (and before
 *     the inode is freed), a new name before the old one goes (rename);
 *   - bits freed in the bitmaps last, when nothing on the disk points at
 *     them any more (alloc.c keeps them allocated until then).
 * A block that holds changes of both kinds goes as an image with the
 * changes that must wait left out: a directory block without the names
 * whose inode is not there yet (dirent.c), an inode table block with
 * each inode's slot as the disk may have it now. The writes of a round
 * depend on none of each other, so a crash anywhere leaves only what
 * repairs without loss: blocks and inodes marked
 * in use that nothing uses, link counts too high, files and directories
 * not yet named, and the free counts; see "Crashes" in docs/design.md.
 * The inode table blocks in the cache always hold what the disk holds:
 * inodes in memory are copied into them here, round by round. */
#include "fs/ext2/ext2.h"

#define MAX_ROUNDS 512 /* a bound on the time, not expected: each round makes progress */

/* An inode's counts in a round: the names of it the disk has and memory
 * has not, and those memory has and the disk has not. */
struct icnt {
	uint32_t ino, rem, add;
};

struct wb {
	struct ext2_fs *fs;
	int round;
	bool nomem;
	struct icnt *cnt; /* open addressing by inode number */
	uint32_t ncnt, capcnt;
	struct ext2_node **nodes; /* inodes whose slot the disk may not have as memory does */
	uint32_t nnodes;
	uint8_t *todo;  /* per node: 0 done, 1 waits, 2 goes this round, 3 goes new */
	uint8_t *img;   /* a slot (inode_size) */
	struct bw *out; /* this round's writes */
	uint32_t nout, capout;
	struct dir_diff *df;
};

/* ---- per-inode counts */

static struct icnt *cnt_get(struct wb *w, uint32_t ino, bool make)
{
	if (make && (w->ncnt + 1) * 2 > w->capcnt) {
		uint32_t cap = w->capcnt ? w->capcnt * 2 : 256;
		struct icnt *v = kzalloc(cap * sizeof(*v));
		if (!v) {
			w->nomem = true;
			return NULL;
		}
		for (uint32_t i = 0; i < w->capcnt; i++)
			if (w->cnt[i].ino)
				for (uint32_t h = w->cnt[i].ino * 2654435761u & (cap - 1);;
				     h = (h + 1) & (cap - 1))
					if (!v[h].ino) {
						v[h] = w->cnt[i];
						break;
					}
		kfree(w->cnt);
		w->cnt = v;
		w->capcnt = cap;
	}
	if (!w->capcnt)
		return NULL;
	for (uint32_t h = ino * 2654435761u & (w->capcnt - 1);; h = (h + 1) & (w->capcnt - 1)) {
		if (w->cnt[h].ino == ino)
			return &w->cnt[h];
		if (!w->cnt[h].ino) {
			if (!make)
				return NULL;
			w->cnt[h].ino = ino;
			w->ncnt++;
			return &w->cnt[h];
		}
	}
}

static uint32_t removed(struct wb *w, uint32_t ino)
{
	struct icnt *c = cnt_get(w, ino, false);
	return c ? c->rem : 0;
}

/* The links the disk should count for ino now: memory's, and one for
 * each name of it still on the disk that memory no longer has (and for a
 * removed directory, its "." while it has any). */
static uint32_t want_links(struct wb *w, struct ext2_node *n, uint32_t ino)
{
	uint32_t live = n && !n->dead ? n->vi.nlink : 0, rem = removed(w, ino);
	if (!live && rem && n && S_ISDIR(((struct ext2_dinode *)n->raw)->mode))
		rem++;
	return MIN(live + rem, 0xffffu);
}

/* ---- the round's writes */

/* image: NULL for the block's own data; else a kmalloc'd image, which
 * becomes the block's b->disk once written */
static void out_add(struct wb *w, struct ext2_buf *b, uint8_t *image)
{
	if (w->nout == w->capout) {
		kfree(image);
		w->nomem = true;
		return;
	}
	b->refs++;
	w->out[w->nout++] = (struct bw){ b, image };
}

/* ---- what is on the disk */

/* Whether inode ino is in use on the disk with all its names counted:
 * a new name of it may go. */
static bool counted(struct wb *w, uint32_t ino)
{
	struct ext2_buf *tb;
	int e;
	struct ext2_dinode *d = ext2_islot(w->fs, ino, &tb, &e);
	if (!d)
		return true; /* unreadable: nothing to wait for */
	bool ok = d->links_count && d->links_count >= want_links(w, ext2_ifind(w->fs, ino), ino);
	brelse(tb);
	return ok;
}

static bool fast_symlink(struct ext2_node *n)
{
	struct ext2_dinode *m = (struct ext2_dinode *)n->raw;
	return S_ISLNK(m->mode) && n->iblocks <= (m->file_acl ? n->fs->spb : 0);
}

/* Whether the disk has block blk for a new pointer to it: some content of
 * a data or directory block (a directory block's names wait in their
 * turn), the content memory has of an indirect block (changed only while
 * nothing on the disk points at it: bmap.c's cow). */
static bool has_block(struct ext2_fs *fs, uint32_t blk)
{
	struct ext2_buf *b = blookup(fs, blk);
	if (b && b->kind == BK_IND && b->dirty)
		return false;
	return bdurable(fs, blk);
}

/* Whether the disk has everything n's slot points at (d: the disk's
 * slot, NULL for a new inode): the blocks its new pointers name. The
 * size and block count go with them, whole (indirect blocks are copied to
 * change). */
static bool content_ready(struct ext2_node *n, const struct ext2_dinode *d)
{
	const struct ext2_dinode *m = (const struct ext2_dinode *)n->raw;
	bool ptrs = S_ISREG(m->mode) || S_ISDIR(m->mode) || (S_ISLNK(m->mode) && !fast_symlink(n));
	for (int i = 0; ptrs && i < 15; i++)
		if (m->block[i] && (!d || d->block[i] != m->block[i]) &&
		    !has_block(n->fs, m->block[i]))
			return false;
	return true;
}

/* A new inode: what it points at is there, and a new directory's first
 * block has ".." on the disk, naming a parent whose links count it. */
static bool new_ready(struct wb *w, struct ext2_node *n)
{
	const struct ext2_dinode *m = (const struct ext2_dinode *)n->raw;
	if (w->round == 1 || !content_ready(n, NULL))
		return false; /* its bitmap bit is on the disk from round 1 on */
	if (!S_ISDIR(m->mode))
		return true;
	if (!m->block[0])
		return false;
	int e;
	struct ext2_buf *b = bread(w->fs, m->block[0], BK_DIR, &e);
	if (!b)
		return true;
	uint32_t parent = ext2_dir_dotdot(w->fs, ext2_dir_on_disk(b));
	brelse(b);
	return parent && counted(w, parent);
}

/* ---- inode slots */

/* Into img, what n's slot on the disk should be once all is written;
 * false when that is what the disk has, or should stay as it is. */
static bool slot_target(struct wb *w, struct ext2_node *n, const struct ext2_dinode *d,
			uint8_t *img)
{
	uint32_t isz = w->fs->inode_size, want = want_links(w, n, (uint32_t)n->vi.ino);
	if (!n->orphan && !d->links_count && (n->dead || want == 0))
		return false; /* never on the disk: stays unused there */
	if (!n->orphan && d->links_count && !n->dead && n->vi.nlink == 0 && want == 0)
		return false; /* open with no name: the disk keeps it as it was */
	memcpy(img, n->raw, isz);
	((struct ext2_dinode *)img)->links_count = (uint16_t)(n->dead ? 0
								      : MIN(n->vi.nlink, 0xffffu));
	if (w->fs->csum)
		ext2_inode_csum_set(w->fs, (uint32_t)n->vi.ino, img);
	return memcmp(img, d, isz) != 0;
}

/* n's slot for this round into img (ready: a new inode may go); whether
 * it differs from the disk's d. */
static bool slot_now(struct wb *w, struct ext2_node *n, const struct ext2_dinode *d, uint8_t *img,
		     bool ready)
{
	uint32_t isz = w->fs->inode_size, want = want_links(w, n, (uint32_t)n->vi.ino);
	if (!d->links_count) /* new */
		memcpy(img, ready ? n->raw : (const uint8_t *)d, isz);
	else if (n->dead) /* freed: once no name of it is left */
		memcpy(img, want ? (const uint8_t *)d : n->raw, isz);
	else /* links first, what it points at when there */
		memcpy(img, content_ready(n, d) ? n->raw : (const uint8_t *)d, isz);
	if ((!n->dead || want) && (d->links_count || ready))
		((struct ext2_dinode *)img)->links_count = (uint16_t)want;
	return memcmp(img, d, isz) != 0;
}

/* Decides every pending slot (before any is changed: the decisions read
 * the disk as the round found it), then applies those that go to their
 * inode table blocks. Drops the inodes whose slots are done. */
static void slots_round(struct wb *w)
{
	struct ext2_fs *fs = w->fs;
	uint32_t k = 0;
	for (uint32_t i = 0; i < w->nnodes; i++) {
		struct ext2_node *n = w->nodes[i];
		struct ext2_buf *tb;
		int e;
		struct ext2_dinode *d = ext2_islot(fs, (uint32_t)n->vi.ino, &tb, &e);
		w->todo[i] = 0;
		if (!d)
			continue; /* unreadable: dropped */
		uint32_t want = want_links(w, n, (uint32_t)n->vi.ino);
		bool bump = d->links_count && !n->dead && n->vi.nlink && want != d->links_count;
		if (slot_target(w, n, d, w->img) || bump) {
			bool ready = d->links_count || new_ready(w, n);
			w->todo[i] = slot_now(w, n, d, w->img, ready) ? 2 : 1;
			if (w->todo[i] == 2 && !d->links_count)
				w->todo[i] = 3; /* new, and ready */
		}
		brelse(tb);
	}
	for (uint32_t i = 0; i < w->nnodes; i++) {
		struct ext2_node *n = w->nodes[i];
		if (!w->todo[i]) {
			n->wb = false;
			if (n->dead)
				ext2_ifree_dead(n);
			continue;
		}
		w->nodes[k++] = n;
		if (w->todo[i] < 2)
			continue;
		struct ext2_buf *tb;
		int e;
		struct ext2_dinode *d = ext2_islot(fs, (uint32_t)n->vi.ino, &tb, &e);
		if (!d)
			continue;
		slot_now(w, n, d, w->img, w->todo[i] == 3);
		memcpy(d, w->img, fs->inode_size);
		if (!tb->dirty) {
			bdirty(fs, tb);
			out_add(w, tb, NULL);
		}
		brelse(tb);
	}
	w->nnodes = k;
}

/* ---- directory and indirect blocks */

static void release(struct ext2_buf **v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		brelse(v[i]);
	kfree(v);
}

/* The names each inode loses and gains on the disk: from the changed
 * directory blocks, and the ".." of freed directories still there. */
static void count_names(struct wb *w, struct ext2_buf **dirs, uint32_t ndirs)
{
	if (w->cnt)
		memset(w->cnt, 0, w->capcnt * sizeof(*w->cnt));
	w->ncnt = 0;
	for (uint32_t i = 0; i < ndirs; i++) {
		ext2_dir_diff(w->fs, dirs[i], w->df);
		for (uint32_t k = 0; k < w->df->nrem; k++) {
			struct icnt *c = cnt_get(w, w->df->rem[k].ino, true);
			if (c)
				c->rem++;
		}
		for (uint32_t k = 0; k < w->df->nadd; k++) {
			struct icnt *c = cnt_get(w, w->df->add[k].ino, true);
			if (c)
				c->add++;
		}
	}
	for (uint32_t i = 0; i < w->nnodes; i++) {
		struct ext2_node *n = w->nodes[i];
		struct ext2_buf *tb;
		int e;
		if (!n->dead || !n->dead_parent)
			continue;
		struct ext2_dinode *d = ext2_islot(w->fs, (uint32_t)n->vi.ino, &tb, &e);
		if (!d)
			continue;
		if (d->links_count && S_ISDIR(d->mode)) {
			struct icnt *c = cnt_get(w, n->dead_parent, true);
			if (c)
				c->rem++;
		}
		brelse(tb);
	}
	/* every inode whose names change is on the list: its links may
	 * have to go up (or down) on the disk */
	for (uint32_t i = 0; i < w->capcnt; i++) {
		struct ext2_node *n = w->cnt[i].ino ? ext2_ifind(w->fs, w->cnt[i].ino) : NULL;
		if (n && !n->wb) {
			n->wb = true;
			w->nodes[w->nnodes++] = n;
		}
	}
}

/* One changed directory block: what may go this round. */
static void dir_round(struct wb *w, struct ext2_buf *b)
{
	struct ext2_fs *fs = w->fs;
	struct dir_diff *df = w->df;
	ext2_dir_diff(fs, b, df);
	const uint8_t *disk = ext2_dir_on_disk(b);
	bool all = true;
	for (uint32_t k = 0; k < df->nadd; k++) {
		struct dir_change *a = &df->add[k];
		/* a new directory's ".." counts once its inode is on the disk,
		 * which waits for that (new_ready) */
		a->ready = (a->dotdot && !disk) || counted(w, a->ino);
		all &= a->ready;
	}
	/* a name goes only with (or after) every new name of its inode:
	 * never an inode without any name on the disk in between */
	for (uint32_t k = 0; k < df->nrem; k++) {
		struct dir_change *r = &df->rem[k];
		struct icnt *c = cnt_get(w, r->ino, false);
		uint32_t here = 0;
		for (uint32_t j = 0; j < df->nadd; j++)
			here += df->add[j].ino == r->ino && df->add[j].ready;
		r->ready = !c || c->add <= here;
		all &= r->ready;
	}
	if (all) {
		out_add(w, b, NULL);
		return;
	}
	uint8_t *img = kmalloc(fs->bsize);
	if (!img) {
		w->nomem = true;
		return;
	}
	if (!ext2_dir_image(fs, b, df, img) || (disk && !memcmp(img, disk, fs->bsize))) {
		kfree(img); /* nothing can go yet */
		return;
	}
	out_add(w, b, img);
}

/* An indirect block goes once every block it points at is on the disk. */
static void ind_round(struct wb *w, struct ext2_buf *b)
{
	const uint32_t *p = (const uint32_t *)b->data;
	for (uint32_t i = 0; i < w->fs->ppb; i++)
		if (p[i] && !has_block(w->fs, p[i]))
			return;
	out_add(w, b, NULL);
}

/* ---- rounds */

int ext2_barrier(struct ext2_fs *fs)
{
	int e = fs->dev->ops->flush(fs->dev);
	fs->flushes++;
	return e;
}

/* The inodes whose slot on the disk may differ from memory. */
static int collect(struct wb *w)
{
	struct ext2_fs *fs = w->fs;
	uint32_t n = 0;
	for (uint32_t h = 0; fs->ihash && h < fs->nihash; h++)
		for (struct ext2_node *x = fs->ihash[h]; x; x = x->hnext)
			n++;
	for (struct ext2_node *x = fs->dead; x; x = x->hnext)
		n++;
	w->nodes = kmalloc((n + 1) * sizeof(*w->nodes));
	w->todo = kmalloc(n + 1);
	w->img = kmalloc(fs->inode_size);
	if (!w->nodes || !w->todo || !w->img)
		return -ENOMEM;
	for (uint32_t h = 0; fs->ihash && h < fs->nihash; h++)
		for (struct ext2_node *x = fs->ihash[h]; x; x = x->hnext) {
			struct ext2_buf *tb;
			int e;
			ext2_ifill(x);
			struct ext2_dinode *d = ext2_islot(fs, (uint32_t)x->vi.ino, &tb, &e);
			if (!d)
				continue;
			if (memcmp(d, x->raw, fs->inode_size)) {
				x->wb = true;
				w->nodes[w->nnodes++] = x;
			}
			brelse(tb);
		}
	for (struct ext2_node *x = fs->dead; x; x = x->hnext) {
		x->wb = true;
		w->nodes[w->nnodes++] = x;
	}
	return 0;
}

/* One round: decides what may go now (reading the disk as the round
 * finds it), writes it, flushes. Whether it wrote anything. */
static bool round(struct wb *w, int *err)
{
	struct ext2_fs *fs = w->fs;
	struct ext2_buf **dirs, **inds;
	uint32_t ndirs = bdirty_list(fs, BK_DIR, &dirs), ninds = bdirty_list(fs, BK_IND, &inds);
	w->nout = 0;
	count_names(w, dirs, ndirs);
	w->capout = ndirs + ninds + w->nnodes; /* at most one inode table block a node */
	w->out = kmalloc((w->capout + 1) * sizeof(*w->out));
	if (!w->out)
		w->nomem = true;
	if (!w->nomem) {
		for (uint32_t i = 0; i < ndirs; i++)
			dir_round(w, dirs[i]);
		for (uint32_t i = 0; i < ninds; i++)
			ind_round(w, inds[i]);
		slots_round(w);
	}
	bool wrote = w->nout != 0;
	if (wrote) {
		int e = bwrite_batch(fs, w->out, w->nout);
		for (uint32_t i = 0; i < w->nout; i++) {
			struct bw *o = &w->out[i];
			if (o->image && o->image != o->b->data) {
				kfree(o->b->disk);
				o->b->disk = o->image;
			}
			brelse(o->b);
		}
		int e2 = ext2_barrier(fs);
		if (!*err)
			*err = e ? e : e2;
	}
	release(dirs, ndirs);
	release(inds, ninds);
	kfree(w->out);
	w->out = NULL;
	return wrote;
}

/* Every inode's slot as memory has it into its inode table block (the
 * disk's counts of names not yet written aside: none with a journal). */
static void slots_store(struct wb *w)
{
	struct ext2_fs *fs = w->fs;
	static uint8_t img[4096]; /* under ext2_lock */
	for (uint32_t h = 0; fs->ihash && h < fs->nihash; h++)
		for (struct ext2_node *x = fs->ihash[h]; x; x = x->hnext)
			ext2_ifill(x);
	for (int dead = 0; dead < 2; dead++) {
		struct ext2_node *x = NULL;
		for (uint32_t h = 0;;) {
			if (dead) {
				x = x ? x->hnext : fs->dead;
			} else {
				x = x ? x->hnext : NULL;
				while (!x && fs->ihash && h < fs->nihash)
					x = fs->ihash[h++];
			}
			if (!x)
				break;
			struct ext2_buf *tb;
			int e;
			struct ext2_dinode *d = ext2_islot(fs, (uint32_t)x->vi.ino, &tb, &e);
			if (!d)
				continue;
			if (slot_target(w, x, d, img)) {
				memcpy(d, img, fs->inode_size);
				bdirty(fs, tb);
			}
			brelse(tb);
		}
	}
}

void ext2_slots_store(struct ext2_fs *fs)
{
	struct wb w = { .fs = fs };
	slots_store(&w);
	kfree(w.cnt);
}

/* The rest, as memory has it, in one go (no memory to order it, or a
 * cycle the rounds do not break). */
static int unordered(struct wb *w)
{
	struct ext2_fs *fs = w->fs;
	slots_store(w);
	int e = bwrite_kind(fs, BK_DIR), e2 = bwrite_kind(fs, BK_IND),
	    e3 = bwrite_kind(fs, BK_ITABLE);
	int e4 = ext2_barrier(fs);
	for (uint32_t i = 0; i < w->nnodes; i++)
		w->nodes[i]->wb = false;
	w->nnodes = 0;
	while (fs->dead)
		ext2_ifree_dead(fs->dead);
	return e ? e : e2 ? e2 : e3 ? e3 : e4;
}

static bool work_left(struct wb *w)
{
	return w->nnodes || bany_dirty(w->fs, BK_DIR) || bany_dirty(w->fs, BK_IND);
}

int ext2_writeback(struct ext2_fs *fs)
{
	if (fs->jnl)
		return ext2_journal_writeback(fs);
	struct wb w = { .fs = fs };
	int err = ext2_gd_store(fs), e;
	w.df = kmalloc(sizeof(*w.df));
	if (!w.df || collect(&w))
		w.nomem = true;
	/* round 1: file data, bitmaps, counts, and what waits for none of
	 * them (a link count going up, a name of an inode already there) */
	if ((e = bwrite_kind(fs, BK_DATA)) || (e = bwrite_kind(fs, BK_BITMAP)) ||
	    (e = bwrite_kind(fs, BK_GD)) || (e = ext2_sb_write(fs)))
		err = err ? err : e;
	for (w.round = 1;; w.round++) {
		bool wrote = w.nomem ? false : round(&w, &err);
		if (w.round == 1 && !wrote && (e = ext2_barrier(fs)) != 0)
			err = err ? err : e;
		if (!work_left(&w))
			break;
		if (w.nomem || !wrote || w.round == MAX_ROUNDS) {
			kinfo("disk %s: %s: the rest of the write-back goes out of order\n",
			      fs->dev->name,
			      w.nomem ? "out of memory"
			      : wrote ? "too many rounds"
				      : "stuck");
			e = unordered(&w);
			err = err ? err : e;
			break;
		}
	}
	for (uint32_t i = 0; i < w.nnodes; i++) {
		w.nodes[i]->wb = false;
		if (w.nodes[i]->dead)
			ext2_ifree_dead(w.nodes[i]);
	}
	/* last: the frees, now that nothing on the disk points at them */
	if (fs->nfree_blks || fs->nfree_inos || fs->dirty_head) {
		ext2_apply_frees(fs);
		if ((e = ext2_gd_store(fs)) || (e = bwrite_kind(fs, BK_BITMAP)) ||
		    (e = bwrite_kind(fs, BK_GD)) || (e = bwrite_kind(fs, BK_XATTR)) ||
		    (e = bwrite_kind(fs, BK_DATA)) || (e = bwrite_kind(fs, BK_DIR)) ||
		    (e = ext2_sb_write(fs)) || (e = ext2_barrier(fs)))
			err = err ? err : e;
	}
	fs->wb_count++;
	fs->wb_ok = err == 0;
	kfree(w.cnt);
	kfree(w.nodes);
	kfree(w.todo);
	kfree(w.img);
	kfree(w.df);
	return err;
}
