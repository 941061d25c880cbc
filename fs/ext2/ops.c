/* ops.c: ext2 as the VFS sees it: the inode operations (lookup, readdir,
 * create, mknod, link, unlink, rename, readlink, truncate, chmod, fsync),
 * reading and writing file data at any offset (holes read as zeros), and
 * the lock that makes each operation whole while the disk sleeps. */
#include "fs/ext2/ext2.h"
#include "kernel/sched.h"
#include "kernel/bkl.h"

#define EXT2_LINK_MAX 32000
#define FAST_LINK_MAX 60 /* a shorter symlink target lives in i_block */

/* ---- the lock: one thread in ext2 at a time (a disk read sleeps) */

static struct thread *owner;
static int depth;
static struct waitq lockq;

static struct thread *me(void) { return cur_thread ? cur_thread : (struct thread *)1; }

void ext2_lock(void)
{
	if (owner == me()) {
		depth++;
		return;
	}
	while (owner) {
		if (waitq_wait(&lockq, 0) != WAKE_SIGNAL)
			continue;
		/* With a signal pending waitq_wait does not sleep; a page fault
		 * or an inode's release cannot give up either: wait for the
		 * next interrupt (the holder's disk completion, or the tick)
		 * and let the holder run. */
		cpu_wait_interrupt();
		sched_yield_cpu();
	}
	owner = me();
	depth = 1;
}

void ext2_unlock(void)
{
	if (depth == 1)
		bwriteback_due(); /* the operation is whole: its changes may go */
	if (--depth == 0) {
		owner = NULL;
		waitq_wake_all(&lockq);
	}
}

bool ext2_is(struct inode *ino) { return ino->ops == &ext2_iops; }
struct ext2_fs *ext2_fs_of(struct inode *ino) { return EN(ino)->fs; }

/* Gives n the name and parent it was reached by (a directory has one). */
static void set_name(struct inode *n, struct inode *dir, const char *name, size_t len)
{
	if (n->name && n->parent && !S_ISDIR(n->mode))
		return;
	char *s = strndup(name, len);
	if (!s)
		return;
	kfree(n->name);
	n->name = s;
	n->parent = dir;
}

/* ---- names */

/* Whether a is dir or one of the directories above it. */
static bool is_ancestor(struct inode *a, struct inode *dir)
{
	for (int depth = 0; dir && depth < 4096; depth++) {
		if (dir == a)
			return true;
		if (dir->parent == dir)
			return false;
		dir = dir->parent;
	}
	return true; /* deeper than any real tree: a loop already */
}

static int e2_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	ext2_lock();
	uint32_t ino;
	struct ext2_node *n;
	int e = ext2_dir_find(EN(dir), name, len, &ino);
	if (!e && (e = ext2_iget(EN(dir)->fs, ino, &n)) == 0) {
		if (S_ISDIR(n->vi.mode) && is_ancestor(&n->vi, dir)) {
			/* a directory named in one of its own subdirectories:
			 * only a damaged disk has that */
			kinfo("disk %s: directory inode %lu is inside itself (run e2fsck)\n",
			      EN(dir)->fs->dev->name, (unsigned long)n->vi.ino);
			inode_put(&n->vi);
			e = -EIO;
		} else {
			set_name(&n->vi, dir, name, len);
			*out = &n->vi;
		}
	}
	ext2_unlock();
	return e;
}

static int e2_readdir(struct inode *dir, uint64_t *pos, dir_emit_t emit, void *ctx)
{
	ext2_lock();
	int e = ext2_dir_iterate(EN(dir), pos, emit, ctx);
	ext2_unlock();
	return e;
}

static int write_link(struct ext2_node *n, const char *target)
{
	size_t len = strlen(target);
	if (len >= n->fs->bsize)
		return -ENAMETOOLONG;
	if (len < FAST_LINK_MAX) {
		memcpy(n->block, target, len);
	} else {
		uint32_t blk;
		bool fresh;
		int e = ext2_bmap(n, 0, true, &blk, &fresh);
		if (e)
			return e;
		struct ext2_buf *b = bget_zero(n->fs, blk, false, &e);
		if (!b)
			return e;
		memcpy(b->data, target, len);
		bdirty(n->fs, b);
		brelse(b);
	}
	n->vi.size = len;
	return 0;
}

/* Makes a new inode of mode named name in dir. */
static int make(struct inode *dir, const char *name, size_t len, unsigned mode, uint64_t rdev,
		const char *target, struct inode **out)
{
	struct ext2_node *d = EN(dir), *n;
	struct ext2_fs *fs = d->fs;
	if (fs->ro)
		return -EROFS;
	if (S_ISDIR(mode) && dir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	int e = ext2_inew(fs, dir, mode, &n);
	if (e)
		return e;
	n->vi.rdev = rdev;
	/* the links first: the disk may have the new ".." (or the name)
	 * only once it has them counted */
	if (S_ISDIR(mode)) {
		dir->nlink++;
		e = ext2_dir_init(n, (uint32_t)dir->ino);
	} else if (S_ISLNK(mode)) {
		e = write_link(n, target);
	}
	if (!e)
		e = ext2_dir_add(d, name, len, (uint32_t)n->vi.ino, mode);
	if (e) {
		if (S_ISDIR(mode))
			dir->nlink--;
		n->vi.nlink = 0;
		n->vi.refs = 0;
		ext2_idestroy(n);
		return e;
	}
	set_name(&n->vi, dir, name, len);
	*out = &n->vi;
	return 0;
}

static int e2_create(struct inode *dir, const char *name, size_t len, unsigned mode,
		     const char *target, struct inode **out)
{
	if (!S_ISREG(mode) && !S_ISDIR(mode) && !S_ISLNK(mode))
		return -EPERM;
	ext2_lock();
	int e = make(dir, name, len, mode, 0, target, out);
	ext2_unlock();
	return e;
}

static int e2_mknod(struct inode *dir, const char *name, size_t len, unsigned mode, uint64_t rdev,
		    struct inode **out)
{
	if (S_ISDIR(mode) || S_ISLNK(mode))
		return -EPERM;
	ext2_lock();
	int e = make(dir, name, len, mode, S_ISCHR(mode) || S_ISBLK(mode) ? rdev : 0, NULL, out);
	ext2_unlock();
	return e;
}

/* O_TMPFILE: an inode with no name (freed at its last close, or at
 * unmount) that linkat may name if linkable. */
static int e2_tmpfile(struct inode *dir, unsigned mode, bool linkable, struct inode **out)
{
	struct ext2_fs *fs = EN(dir)->fs;
	if (fs->ro)
		return -EROFS;
	ext2_lock();
	struct ext2_node *n;
	int e = ext2_inew(fs, dir, S_IFREG | (mode & 07777), &n);
	if (!e) {
		char buf[24];
		ksnprintf(buf, sizeof(buf), "#%lu", (unsigned long)n->vi.ino);
		n->vi.name = strdup(buf);
		n->vi.nlink = 0;
		n->linkable = linkable;
		*out = &n->vi;
	}
	ext2_unlock();
	return e;
}

static int e2_link(struct inode *dir, const char *name, size_t len, struct inode *ino)
{
	if (!ext2_is(ino) || EN(ino)->fs != EN(dir)->fs)
		return -EXDEV;
	if (EN(dir)->fs->ro)
		return -EROFS;
	if (ino->nlink == 0 && !EN(ino)->linkable)
		return -ENOENT;
	if (ino->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	ext2_lock();
	ino->nlink++; /* counted before the disk may have the name */
	int e = ext2_dir_add(EN(dir), name, len, (uint32_t)ino->ino, ino->mode);
	if (e)
		ino->nlink--;
	if (!e) {
		ino->ctime = fs_now();
		EN(ino)->linkable = false;
		if (!ino->parent) /* the "#ino" name of an O_TMPFILE file goes */
			set_name(ino, dir, name, len);
	}
	ext2_unlock();
	return e;
}

/* The entry for victim is gone from dir: count its links down. */
static void unlinked(struct inode *dir, struct inode *victim)
{
	if (S_ISDIR(victim->mode)) {
		victim->nlink = 0;
		if (dir->nlink > 2)
			dir->nlink--;
	} else if (victim->nlink) {
		victim->nlink--;
	}
	if (victim->parent == dir && (S_ISDIR(victim->mode) || victim->nlink == 0))
		victim->parent = NULL;
	victim->ctime = fs_now();
}

static int e2_unlink(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	if (!ext2_is(victim) || EN(victim)->fs != EN(dir)->fs)
		return -EBUSY; /* a mount point */
	if (EN(dir)->fs->ro)
		return -EROFS;
	ext2_lock();
	int e = ext2_dir_remove(EN(dir), name, len);
	if (!e)
		unlinked(dir, victim);
	ext2_unlock();
	return e;
}

static int e2_rename(struct inode *odir, const char *oname, size_t olen, struct inode *node,
		     struct inode *ndir, const char *name, size_t len, struct inode *victim)
{
	struct ext2_fs *fs = EN(odir)->fs;
	if (!ext2_is(node) || !ext2_is(ndir) || EN(ndir)->fs != fs || EN(node)->fs != fs ||
	    (victim && (!ext2_is(victim) || EN(victim)->fs != fs)))
		return -EXDEV;
	if (fs->ro)
		return -EROFS;
	bool isdir = S_ISDIR(node->mode);
	if (isdir && odir != ndir && !victim && ndir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	ext2_lock();
	int e;
	if (victim)
		e = ext2_dir_set(EN(ndir), name, len, (uint32_t)node->ino, node->mode);
	else
		e = ext2_dir_add(EN(ndir), name, len, (uint32_t)node->ino, node->mode);
	if (e)
		goto out;
	if (victim)
		unlinked(ndir, victim);
	if ((e = ext2_dir_remove(EN(odir), oname, olen)) != 0)
		goto out;
	if (isdir && odir != ndir) {
		e = ext2_dir_set(EN(node), "..", 2, (uint32_t)ndir->ino, S_IFDIR);
		odir->nlink--;
		ndir->nlink++;
	}
	if (isdir || node->parent == odir) {
		node->parent = NULL;
		set_name(node, ndir, name, len);
	}
	node->ctime = fs_now();
out:
	ext2_unlock();
	return e;
}

static ssize_t e2_readlink(struct inode *ino, char *buf, size_t n)
{
	struct ext2_node *en = EN(ino);
	struct ext2_dinode *d = (struct ext2_dinode *)en->raw;
	size_t len = (size_t)ino->size;
	uint32_t acl = d->file_acl ? en->fs->spb : 0;
	if (en->iblocks <= acl) { /* fast: the target is in i_block */
		if (len > sizeof(en->block))
			return -EIO;
		memcpy(buf, en->block, MIN(n, len));
		return (ssize_t)len;
	}
	ext2_lock();
	ssize_t r = ext2_rw(en, buf, MIN(n, len), 0, false, false);
	ext2_unlock();
	return r < 0 ? r : (ssize_t)len;
}

static int e2_truncate(struct inode *ino, uint64_t len)
{
	struct ext2_node *n = EN(ino);
	if (n->fs->ro)
		return -EROFS;
	if (len > ext2_max_size(n->fs))
		return -EFBIG;
	ext2_lock();
	int e = 0;
	if (len < ino->size)
		e = ext2_truncate_blocks(n, len);
	ino->size = len;
	ino->mtime = ino->ctime = fs_now();
	ext2_unlock();
	return e;
}

static int e2_chmod(struct inode *ino, unsigned mode)
{
	if (EN(ino)->fs->ro)
		return -EROFS;
	ino->mode = (ino->mode & S_IFMT) | (mode & 07777);
	ino->ctime = fs_now();
	return 0;
}

static int e2_fsync(struct file *f, bool datasync)
{
	ext2_lock();
	int e = ext2_fsync_node(EN(f->ino), datasync);
	ext2_unlock();
	return e;
}

static void e2_evict(struct inode *ino)
{
	ext2_lock();
	ext2_idestroy(EN(ino));
	ext2_unlock();
}

const struct inode_ops ext2_iops = {
	.lookup = e2_lookup,
	.readdir = e2_readdir,
	.create = e2_create,
	.mknod = e2_mknod,
	.tmpfile = e2_tmpfile,
	.link = e2_link,
	.unlink = e2_unlink,
	.rename = e2_rename,
	.readlink = e2_readlink,
	.truncate = e2_truncate,
	.chmod = e2_chmod,
	.evict = e2_evict,
	.fh_encode = ext2_fh_encode,
	.fh_decode = ext2_fh_decode,
};

/* ---- file data */

static const uint8_t zeros[4096];

#define READ_AHEAD_MIN (128u * 1024) /* bytes: the first read ahead */

/* Block blk (logical lblk of n) is about to be read: read it and those
 * after it in the file that follow it on the disk in one transfer. The
 * window starts at 128 KiB and doubles while the file is read on where
 * the last one ended, up to the cache's largest transfer (4 MiB, or 1 MiB
 * with an 8 MiB cache: the driver has several requests in flight). */
static void read_ahead(struct ext2_node *n, uint64_t lblk, uint32_t blk)
{
	struct ext2_fs *fs = n->fs;
	uint64_t last = (n->vi.size + fs->bsize - 1) / fs->bsize;
	uint32_t want = MIN(fs->run_max, MAX(2u, READ_AHEAD_MIN / fs->bsize));
	bool seq = lblk == n->ra_next && n->ra_blocks;
	if (seq)
		want = MIN(fs->run_max, MAX(want, n->ra_blocks * 2));
	n->ra_stream = seq && want == fs->run_max;
	uint32_t count = 1;
	while (count < want && lblk + count < last) {
		uint32_t next;
		bool fresh;
		if (ext2_bmap(n, lblk + count, false, &next, &fresh) || next != blk + count ||
		    bcached(fs, next))
			break;
		count++;
	}
	n->ra_next = lblk + count;
	n->ra_blocks = count;
	bread_ahead(fs, blk, count);
}

/* How much of the chunk bytes at buf + done can be read: all, or up to the
 * first page that cannot (bringing them in; it may sleep). */
static size_t user_readable(const void *buf, size_t done, size_t chunk)
{
	const uint8_t *p = (const uint8_t *)buf + done;
	for (size_t at = 0; at < chunk; at = PAGE_DOWN((uint64_t)p + at) + PAGE_SIZE - (uint64_t)p)
		if (fault_in_user(p + at, false))
			return at;
	return chunk;
}

ssize_t ext2_rw(struct ext2_node *n, void *buf, size_t len, uint64_t off, bool user, bool write)
{
	struct ext2_fs *fs = n->fs;
	struct inode *vi = &n->vi;
	if (write) {
		if (fs->ro)
			return -EROFS;
		uint64_t max = ext2_max_size(fs);
		if (off >= max)
			return -EFBIG;
		len = MIN(len, max - off);
	} else {
		if (off >= vi->size)
			return 0;
		len = MIN(len, vi->size - off);
	}
	size_t done = 0;
	int e = 0;
	while (done < len) {
		uint64_t pos = off + done, lblk = pos / fs->bsize;
		uint32_t bo = (uint32_t)(pos % fs->bsize);
		size_t chunk = MIN(fs->bsize - bo, len - done);
		uint32_t blk;
		bool fresh;
		/* A write stops at the first byte it cannot read (so it is
		 * short, as Linux's), found before a block is given to it; a
		 * block is written whole without reading it first only when
		 * all of the chunk is there to copy. */
		if (write && user && (chunk = user_readable(buf, done, chunk)) == 0) {
			e = -EFAULT;
			break;
		}
		if ((e = ext2_bmap(n, lblk, write, &blk, &fresh)) != 0)
			break;
		if (!write && !blk) {
			size_t c = xcopy_out_partial((uint8_t *)buf + done, zeros, chunk, user);
			done += c;
			if (c < chunk) {
				e = -EFAULT;
				break;
			}
			n->rd_next = lblk + 1;
			continue;
		}
		if (!write && lblk != n->rd_next && lblk + 1 != n->rd_next)
			n->ra_stream = false; /* not on from where the last read was */
		if (!write && !bcached(fs, blk))
			read_ahead(n, lblk, blk);
		/* a block written whole (or new) need not be read first */
		bool whole = write && (fresh || chunk == fs->bsize);
		struct ext2_buf *b = whole ? bget_zero(fs, blk, false, &e)
					   : bread(fs, blk, false, &e);
		if (!b)
			break;
		size_t c;
		if (write) {
			c = xcopy_in_partial(b->data + bo, (uint8_t *)buf + done, chunk, user);
			bdirty(fs, b);
			ext2_note_write(n, lblk);
		} else {
			c = xcopy_out_partial((uint8_t *)buf + done, b->data + bo, chunk, user);
		}
		if (c < chunk)
			e = -EFAULT;
		if (!write && n->ra_stream && bo + chunk == fs->bsize)
			brelse_behind(fs, b); /* read to its end by a long sequential read */
		else
			brelse(b);
		if (!write)
			n->rd_next = lblk + 1;
		done += c;
		if (write && off + done > vi->size)
			vi->size = off + done;
		if (e)
			break;
	}
	if (write && done)
		vi->mtime = vi->ctime = fs_now();
	return done ? (ssize_t)done : e;
}

static ssize_t e2_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	ext2_lock();
	ssize_t r = ext2_rw(EN(f->ino), buf, n, off, user, false);
	ext2_unlock();
	return r;
}

static ssize_t e2_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	ext2_lock();
	ssize_t r = ext2_rw(EN(f->ino), (void *)buf, n, off, user, true);
	if (r > 0 && (f->flags & O_DSYNC)) { /* O_SYNC and O_DSYNC: on disk now */
		int e = ext2_fsync_node(EN(f->ino), (f->flags & O_SYNC) != O_SYNC);
		if (e)
			r = e;
	}
	ext2_unlock();
	return r;
}

static int e2_open(struct file *f)
{
	if (EN(f->ino)->fs->ro && (f->flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	return 0;
}

const struct file_ops ext2_reg_fops = {
	.open = e2_open,
	.read = e2_read,
	.write = e2_write,
	.fsync = e2_fsync,
};

const struct file_ops ext2_dir_fops = {
	.fsync = e2_fsync,
};
