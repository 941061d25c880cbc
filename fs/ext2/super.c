/* super.c: mounting an ext2 filesystem (the superblock's checks: magic,
 * revision, block size, feature bits), the group descriptors, syncing
 * (the ordered write-back of order.c), unmounting (the clean state bit),
 * and the statfs figures. */
#include "fs/ext2/ext2.h"
#include <asm/statfs.h>

#define SB_SECTOR 2 /* the superblock is at byte 1024 */

int ext2_sb_write(struct ext2_fs *fs)
{
	if (fs->sb.feature_ro_compat & EXT2_RO_COMPAT_METADATA_CSUM)
		put32(&fs->sb, SB_CHECKSUM, ext2_sb_csum(&fs->sb));
	return fs->dev->ops->write(fs->dev, SB_SECTOR, &fs->sb, sizeof(fs->sb) / BLK_SECTOR);
}

uint32_t ext2_group_first_block(struct ext2_fs *fs, uint32_t g)
{
	return fs->sb.first_data_block + g * fs->sb.blocks_per_group;
}

static uint32_t gd_first_block(struct ext2_fs *fs) { return fs->sb.first_data_block + 1; }

/* Group g's bitmaps' checksums into its descriptor (metadata_csum), from
 * those the cache holds (the others have not changed since mount); raw:
 * the descriptor on the disk, for the high halves. */
static void bitmap_csums(struct ext2_fs *fs, uint32_t g, uint8_t *raw)
{
	struct ext2_gd *d = &fs->gd[g];
	struct ext2_buf *b = blookup(fs, d->block_bitmap);
	if (b && !(d->flags & 0x2)) {
		uint32_t c = crc32c(fs->seed, b->data, fs->sb.blocks_per_group / 8);
		put16(d, 0x18, (uint16_t)c);
		if (fs->desc_size >= 64)
			put16(raw, 0x38, (uint16_t)(c >> 16));
	}
	b = blookup(fs, d->inode_bitmap);
	if (b && !(d->flags & 0x1)) {
		uint32_t c = crc32c(fs->seed, b->data, fs->sb.inodes_per_group / 8);
		put16(d, 0x1A, (uint16_t)c);
		if (fs->desc_size >= 64)
			put16(raw, 0x3A, (uint16_t)(c >> 16));
	}
}

/* Copies the in-memory group descriptors (their first 32 bytes) into
 * their blocks, with their checksums. */
int ext2_gd_store(struct ext2_fs *fs)
{
	uint32_t per = fs->bsize / fs->desc_size;
	static uint8_t raw[1024]; /* under ext2_lock */
	for (uint32_t i = 0; i < fs->gd_blocks; i++) {
		int e;
		struct ext2_buf *b = bread(fs, gd_first_block(fs) + i, BK_GD, &e);
		if (!b)
			return e;
		bool changed = false;
		for (uint32_t k = 0; k < per && i * per + k < fs->ngroups; k++) {
			uint32_t g = i * per + k;
			uint8_t *at = b->data + k * fs->desc_size;
			memcpy(raw, at, fs->desc_size);
			if (fs->csum)
				bitmap_csums(fs, g, raw);
			memcpy(raw, &fs->gd[g], sizeof(struct ext2_gd));
			if (fs->csum)
				put16(raw, 0x1E, ext2_gd_csum(fs, g, raw));
			if (memcmp(at, raw, fs->desc_size)) {
				memcpy(at, raw, fs->desc_size);
				changed = true;
			}
		}
		if (changed)
			bdirty(fs, b);
		brelse(b);
	}
	return 0;
}

int ext2_sync(struct ext2_fs *fs)
{
	if (fs->ro)
		return 0;
	fs->sb.wtime = (uint32_t)(fs_now() / 1000000000);
	return ext2_writeback(fs);
}

static int refuse(struct ext2_fs *fs, const char *why)
{
	kprintf("htux: disk %s: %s\n", fs->dev->name, why);
	return -EINVAL;
}

/* The feature bits: unknown incompatible ones refuse the mount, unknown
 * read-only-compatible ones and those htux reads but does not write
 * mount it read-only; each case is one line naming them. */
static int check_features(struct ext2_fs *fs)
{
	struct ext2_super *sb = &fs->sb;
	char names[200], why[300];
	/* needs_recovery: the journal is replayed (journal.c) */
	uint32_t bits = sb->feature_incompat &
			~(EXT2_INCOMPAT_SUPPORTED | EXT2_INCOMPAT_READ | EXT2_INCOMPAT_RECOVER);
	if (bits) {
		ext2_incompat_names(bits, names, sizeof(names));
		ksnprintf(why, sizeof(why), "unsupported filesystem feature '%s' (incompat 0x%x)",
			  names, bits);
		return refuse(fs, why);
	}
	fs->ext4 = sb->feature_incompat & EXT2_INCOMPAT_READ;
	fs->csum = sb->feature_ro_compat & EXT2_RO_COMPAT_METADATA_CSUM;
	if (fs->csum) {
		fs->seed = sb->feature_incompat & EXT2_INCOMPAT_CSUM_SEED
				   ? get32(sb, SB_CHECKSUM_SEED)
				   : crc32c(~0u, sb->uuid, sizeof(sb->uuid));
	}
	fs->ro = fs->dev->readonly;
	bits = sb->feature_ro_compat & ~(EXT2_RO_COMPAT_SUPPORTED | EXT2_RO_COMPAT_READ);
	if (bits) {
		ext2_ro_compat_names(bits, names, sizeof(names));
		if (!(sb->feature_incompat & EXT2_INCOMPAT_RECOVER))
			kprintf("htux: disk %s: unsupported read-only feature '%s' (ro_compat 0x%x): "
				"mounted read-only\n",
				fs->dev->name, names, bits);
		fs->ro = true;
		return 0;
	}
	/* ext4's features are written with a journal (jwrite.c) */
	uint32_t inc = sb->feature_incompat & EXT2_INCOMPAT_READ;
	uint32_t roc = sb->feature_ro_compat & EXT2_RO_COMPAT_READ;
	bool journal = sb->feature_compat & EXT2_COMPAT_HAS_JOURNAL;
	if (journal) {
		inc &= ~(uint32_t)EXT2_INCOMPAT_WRITE_J;
		roc &= ~(uint32_t)EXT2_RO_COMPAT_WRITE_J;
	}
	fs->ro |= inc || roc;
	if ((inc || roc) && !(sb->feature_incompat & EXT2_INCOMPAT_RECOVER)) {
		/* said once: with a journal to replay, the mount is redone */
		char more[200];
		ext2_incompat_names(inc, names, sizeof(names));
		ext2_ro_compat_names(roc, more, sizeof(more));
		kprintf("htux: disk %s: ext4 features '%s%s%s' are read-only in htux%s: "
			"mounted read-only\n",
			fs->dev->name, names, *names && *more ? "," : "", more,
			journal ? "" : " without a journal");
	}
	return 0;
}

/* Reads the group descriptors into fs->gd (their first 32 bytes: block
 * numbers past 2^32 are refused), checking them. */
static int load_gd(struct ext2_fs *fs)
{
	struct ext2_super *sb = &fs->sb;
	int e;
	fs->gd = kzalloc(fs->ngroups * sizeof(struct ext2_gd));
	if (!fs->gd)
		return -ENOMEM;
	uint32_t per = fs->bsize / fs->desc_size;
	uint32_t itb = (sb->inodes_per_group * fs->inode_size + fs->bsize - 1) / fs->bsize;
	for (uint32_t i = 0; i < fs->gd_blocks; i++) {
		struct ext2_buf *b = bread(fs, gd_first_block(fs) + i, BK_GD, &e);
		if (!b)
			return refuse(fs, "cannot read the group descriptors");
		for (uint32_t k = 0; k < per && i * per + k < fs->ngroups; k++) {
			uint32_t g = i * per + k;
			const uint8_t *raw = b->data + k * fs->desc_size;
			struct ext2_gd *d = &fs->gd[g];
			memcpy(d, raw, sizeof(*d));
			bool hi = fs->desc_size >= 64 &&
				  (get32(raw, 0x20) || get32(raw, 0x24) || get32(raw, 0x28));
			if (hi || d->block_bitmap >= sb->blocks_count ||
			    d->inode_bitmap >= sb->blocks_count ||
			    d->inode_table + itb > sb->blocks_count) {
				brelse(b);
				return refuse(fs, "a group descriptor is not valid (run e2fsck)");
			}
			if (fs->csum && ext2_gd_csum(fs, g, raw) != get16(raw, 0x1E)) {
				brelse(b);
				return refuse(fs, "a group descriptor does not match its checksum "
						  "(run e2fsck)");
			}
		}
		brelse(b);
	}
	return 0;
}

static int mount_once(struct blkdev *dev, uint64_t devno, struct ext2_fs **out)
{
	struct ext2_fs *fs = kzalloc(sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->dev = dev;
	fs->devno = devno;
	fs->wb_ok = true; /* nothing changed yet: the disk has it all */
	int e = -EINVAL;
	struct ext2_super *sb = &fs->sb;
	if (dev->nsectors < 8) {
		e = refuse(fs, "too small to hold a filesystem");
		goto fail;
	}
	if ((e = dev->ops->read(dev, SB_SECTOR, sb, sizeof(*sb) / BLK_SECTOR)) != 0) {
		e = refuse(fs, "cannot read the superblock (I/O error)");
		goto fail;
	}
	if (sb->magic != EXT2_MAGIC) {
		e = refuse(fs, "no ext2 filesystem on it (make one with mke2fs -t ext2)");
		goto fail;
	}
	if ((sb->feature_ro_compat & EXT2_RO_COMPAT_METADATA_CSUM) &&
	    (((uint8_t *)sb)[SB_CHECKSUM_TYPE] != 1 ||
	     ext2_sb_csum(sb) != get32(sb, SB_CHECKSUM))) {
		e = refuse(fs, "the superblock does not match its checksum (run e2fsck)");
		goto fail;
	}
	if (sb->rev_level == 0) {
		sb->inode_size = 128;
		sb->first_ino = 11;
	}
	if (sb->rev_level > 1 || sb->log_block_size > 2 || sb->blocks_per_group == 0 ||
	    sb->inodes_per_group == 0 || sb->inode_size < 128 ||
	    (sb->inode_size & (sb->inode_size - 1)) || sb->first_data_block >= sb->blocks_count) {
		e = refuse(fs, "the ext2 superblock is not valid (run e2fsck)");
		goto fail;
	}
	if ((e = check_features(fs)) != 0)
		goto fail;
	fs->bsize = 1024u << sb->log_block_size;
	fs->spb = fs->bsize / BLK_SECTOR;
	fs->ppb = fs->bsize / 4;
	fs->inode_size = sb->inode_size;
	fs->desc_size = 32;
	if (sb->feature_incompat & EXT2_INCOMPAT_64BIT)
		fs->desc_size = get16(sb, SB_DESC_SIZE);
	if (fs->desc_size < 32 || fs->desc_size > fs->bsize ||
	    (fs->desc_size & (fs->desc_size - 1))) {
		e = refuse(fs, "the group descriptor size is not valid (run e2fsck)");
		goto fail;
	}
	if ((uint64_t)sb->blocks_count * fs->spb > dev->nsectors ||
	    ((sb->feature_incompat & EXT2_INCOMPAT_64BIT) && get32(sb, SB_BLOCKS_HI))) {
		e = refuse(fs, "the filesystem is larger than the disk");
		goto fail;
	}
	fs->ngroups = (sb->blocks_count - sb->first_data_block + sb->blocks_per_group - 1) /
		      sb->blocks_per_group;
	fs->gd_blocks = (fs->ngroups * fs->desc_size + fs->bsize - 1) / fs->bsize;
	if ((e = bcache_init(fs)) != 0)
		goto fail;
	if ((e = load_gd(fs)) != 0)
		goto fail;
	if (sb->feature_incompat & EXT2_INCOMPAT_RECOVER) {
		/* replayed, then mounted afresh from what the disk holds */
		if ((e = ext2_journal_recover(fs)) == 0)
			e = -EAGAIN;
		goto fail;
	}
	if (!(sb->state & EXT2_VALID_FS))
		kinfo("disk %s: not cleanly unmounted (mounting anyway; e2fsck checks it)\n",
		      dev->name);
	struct ext2_node *root;
	if ((e = ext2_iget(fs, EXT2_ROOT_INO, &root)) != 0 || !S_ISDIR(root->vi.mode)) {
		e = refuse(fs, "the root directory is not valid (run e2fsck)");
		goto fail;
	}
	fs->root = &root->vi;
	if (!fs->ro && (sb->feature_compat & EXT2_COMPAT_HAS_JOURNAL) && !ext2_journal_start(fs))
		fs->ro = true;
	if (!fs->ro) {
		sb->state &= (uint16_t)~EXT2_VALID_FS;
		sb->mnt_count++;
		sb->mtime = (uint32_t)(fs_now() / 1000000000);
		if ((e = ext2_sb_write(fs)) != 0 || (e = dev->ops->flush(dev)) != 0) {
			e = refuse(fs, "cannot write the superblock (I/O error)");
			goto fail;
		}
	}
	if (fs->jnl && get32(sb, SB_LAST_ORPHAN) && (e = ext2_orphans_release(fs)) != 0) {
		e = refuse(fs, "cannot free the inodes on the orphan list (I/O error)");
		goto fail;
	}
	kinfo("disk %s: %s, %u blocks of %u bytes, %u free; %u inodes, %u free%s\n", dev->name,
	      fs->ext4 ? "ext4" : "ext2", sb->blocks_count, fs->bsize, sb->free_blocks_count,
	      sb->inodes_count, sb->free_inodes_count, fs->ro ? "; read-only" : "");
	*out = fs;
	return 0;
fail:
	kfree(fs->gd);
	bcache_fini(fs);
	kfree(fs);
	return e;
}

int ext2_mount(struct blkdev *dev, uint64_t devno, struct ext2_fs **out)
{
	int e = mount_once(dev, devno, out);
	if (e == -EAGAIN)
		e = mount_once(dev, devno, out);
	return e == -EAGAIN ? -EIO : e;
}

bool ext2_probe(struct blkdev *dev)
{
	struct ext2_super *sb = kmalloc(sizeof(*sb));
	bool yes = sb && dev->nsectors >= 8 &&
		   dev->ops->read(dev, SB_SECTOR, sb, sizeof(*sb) / BLK_SECTOR) == 0 &&
		   sb->magic == EXT2_MAGIC && sb->rev_level <= 1 && sb->log_block_size <= 6 &&
		   sb->blocks_per_group && sb->inodes_per_group &&
		   sb->first_data_block < sb->blocks_count;
	kfree(sb);
	return yes;
}

int ext2_unmount(struct ext2_fs *fs)
{
	if (fs->ro)
		return 0;
	ext2_destroy_unlinked(fs);
	int e = ext2_sync(fs);
	if (!e && fs->jnl)
		e = ext2_journal_stop(fs);
	if (e)
		return e;
	fs->sb.state |= EXT2_VALID_FS;
	e = ext2_sb_write(fs);
	if (!e)
		e = fs->dev->ops->flush(fs->dev);
	return e;
}

#define EXT2_SUPER_MAGIC 0xEF53
#define ST_RDONLY 0x0001
#define ST_VALID 0x0020
#define ST_RELATIME 0x1000

void ext2_statfs(struct inode *ino, struct statfs *s)
{
	struct ext2_fs *fs = ext2_fs_of(ino);
	struct ext2_super *sb = &fs->sb;
	s->f_type = EXT2_SUPER_MAGIC;
	s->f_bsize = fs->bsize;
	s->f_frsize = fs->bsize;
	s->f_blocks = sb->blocks_count - sb->first_data_block;
	/* frees waiting for the write-back count as free: an allocation
	 * that needs them writes back first */
	uint64_t bfree = (uint64_t)sb->free_blocks_count + fs->nfree_blks;
	s->f_bfree = bfree;
	s->f_bavail = bfree > sb->r_blocks_count ? bfree - sb->r_blocks_count : 0;
	s->f_files = sb->inodes_count;
	s->f_ffree = (uint64_t)sb->free_inodes_count + fs->nfree_inos;
	s->f_namelen = 255;
	s->f_flags = ST_VALID | ST_RELATIME | (fs->ro ? ST_RDONLY : 0);
	s->f_fsid.val[0] = (int)(fs->devno & 0xffffffff);
}
