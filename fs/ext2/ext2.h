/* ext2.h: the ext2 filesystem's on-disk layout (revision 1, as mke2fs -t
 * ext2 makes it; ext3's and ext4's additions), the in-memory filesystem
 * and inode records, and the calls between the files of fs/ext2/: the
 * block cache (cache.c), the superblock and group descriptors (super.c),
 * feature names (feature.c), bitmaps (alloc.c), inodes (inode.c), block
 * mapping (bmap.c; extent trees: extent.c), checksums (csum.c),
 * directories (dir.c), the ordered write-back (order.c, dirent.c), the
 * journal (journal.c, jwrite.c) and the VFS operations (ops.c). All of it
 * runs under one lock (ext2_lock). */
#ifndef HTUX_EXT2_H
#define HTUX_EXT2_H

#include "fs/vfs.h"
#include "kernel/blkdev.h"

#define EXT2_MAGIC 0xEF53
#define EXT2_ROOT_INO 2
#define EXT2_VALID_FS 1
#define EXT2_ERROR_FS 2
#define EXT2_NDIR 12 /* direct blocks in i_block */
#define EXT2_IND 12
#define EXT2_DIND 13
#define EXT2_TIND 14
#define EXT2_INDEX_FL 0x1000 /* htree directory (read as linear) */
#define EXT2_EXTENTS_FL 0x80000

/* feature bits (names: feature.c) */
#define EXT2_COMPAT_HAS_JOURNAL 0x0004
#define EXT2_INCOMPAT_FILETYPE 0x0002
#define EXT2_INCOMPAT_RECOVER 0x0004
#define EXT2_INCOMPAT_EXTENTS 0x0040
#define EXT2_INCOMPAT_64BIT 0x0080
#define EXT2_INCOMPAT_FLEX_BG 0x0200
#define EXT2_INCOMPAT_CSUM_SEED 0x2000
#define EXT2_RO_COMPAT_SPARSE 0x0001
#define EXT2_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_RO_COMPAT_HUGE_FILE 0x0008
#define EXT2_RO_COMPAT_GDT_CSUM 0x0010
#define EXT2_RO_COMPAT_DIR_NLINK 0x0020
#define EXT2_RO_COMPAT_EXTRA_ISIZE 0x0040
#define EXT2_RO_COMPAT_METADATA_CSUM 0x0400
/* read and written */
#define EXT2_INCOMPAT_SUPPORTED EXT2_INCOMPAT_FILETYPE
#define EXT2_RO_COMPAT_SUPPORTED (EXT2_RO_COMPAT_SPARSE | EXT2_RO_COMPAT_LARGE_FILE)
/* read only: the disk is mounted read-only (ext4 as mkfs.ext4 makes it) */
#define EXT2_INCOMPAT_READ \
	(EXT2_INCOMPAT_EXTENTS | EXT2_INCOMPAT_64BIT | EXT2_INCOMPAT_FLEX_BG | \
	 EXT2_INCOMPAT_CSUM_SEED)
#define EXT2_RO_COMPAT_READ \
	(EXT2_RO_COMPAT_HUGE_FILE | EXT2_RO_COMPAT_GDT_CSUM | EXT2_RO_COMPAT_DIR_NLINK | \
	 EXT2_RO_COMPAT_EXTRA_ISIZE | EXT2_RO_COMPAT_METADATA_CSUM)
/* written when the disk has a journal (all metadata goes through it) */
#define EXT2_INCOMPAT_WRITE_J \
	(EXT2_INCOMPAT_EXTENTS | EXT2_INCOMPAT_64BIT | EXT2_INCOMPAT_FLEX_BG | \
	 EXT2_INCOMPAT_CSUM_SEED)
#define EXT2_RO_COMPAT_WRITE_J \
	(EXT2_RO_COMPAT_HUGE_FILE | EXT2_RO_COMPAT_DIR_NLINK | EXT2_RO_COMPAT_EXTRA_ISIZE | \
	 EXT2_RO_COMPAT_METADATA_CSUM)
void ext2_incompat_names(uint32_t bits, char *buf, size_t len);
void ext2_ro_compat_names(uint32_t bits, char *buf, size_t len);

/* ext4's superblock fields past the ext2 ones: byte offsets */
#define SB_JOURNAL_INUM 0xE0
#define SB_LAST_ORPHAN 0xE8
#define SB_RESERVED_GDT 0xCE /* u16 */
#define SB_DESC_SIZE 0xFE    /* u16 */
#define SB_BLOCKS_HI 0x150
#define SB_CHECKSUM_TYPE 0x175 /* u8: 1 crc32c */
#define SB_CHECKSUM_SEED 0x270
#define SB_CHECKSUM 0x3FC
static inline uint32_t get32(const void *p, unsigned off)
{
	uint32_t v;
	memcpy(&v, (const uint8_t *)p + off, 4);
	return v;
}
static inline uint16_t get16(const void *p, unsigned off)
{
	uint16_t v;
	memcpy(&v, (const uint8_t *)p + off, 2);
	return v;
}
static inline void put32(void *p, unsigned off, uint32_t v) { memcpy((uint8_t *)p + off, &v, 4); }
static inline void put16(void *p, unsigned off, uint16_t v) { memcpy((uint8_t *)p + off, &v, 2); }

/* directory entry file types */
#define EXT2_FT_REG 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHR 3
#define EXT2_FT_BLK 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_LNK 7

struct ext2_super {
	uint32_t inodes_count, blocks_count, r_blocks_count, free_blocks_count;
	uint32_t free_inodes_count, first_data_block, log_block_size, log_frag_size;
	uint32_t blocks_per_group, frags_per_group, inodes_per_group;
	uint32_t mtime, wtime;
	uint16_t mnt_count;
	int16_t max_mnt_count;
	uint16_t magic, state, errors, minor_rev;
	uint32_t lastcheck, checkinterval, creator_os, rev_level;
	uint16_t def_resuid, def_resgid;
	uint32_t first_ino;
	uint16_t inode_size, block_group_nr;
	uint32_t feature_compat, feature_incompat, feature_ro_compat;
	uint8_t uuid[16];
	char volume_name[16];
	char last_mounted[64];
	uint8_t rest[1024 - 200];
} __attribute__((packed));

#define SB_WANT_EXTRA_ISIZE 0x15E /* u16 offset in the superblock */

struct ext2_gd {
	uint32_t block_bitmap, inode_bitmap, inode_table;
	uint16_t free_blocks, free_inodes, used_dirs, flags;
	uint8_t pad[12];
} __attribute__((packed));

struct ext2_dinode {
	uint16_t mode, uid;
	uint32_t size, atime, ctime, mtime, dtime;
	uint16_t gid, links_count;
	uint32_t blocks, flags, osd1;
	uint32_t block[15];
	uint32_t generation, file_acl, size_high, faddr;
	uint16_t blocks_hi, file_acl_high, uid_high, gid_high;
	uint32_t reserved;
	uint16_t extra_isize; /* only with inodes larger than 128 bytes */
} __attribute__((packed));

struct ext2_dirent {
	uint32_t inode;
	uint16_t rec_len;
	uint8_t name_len, file_type;
	char name[];
} __attribute__((packed));

#define DIRENT_LEN(namelen) ((8u + (namelen) + 3u) & ~3u)
#define EXT2_MAX_DIRENTS (4096 / 12 + 1) /* entries in a block, at most */

/* What a cached block holds: the write-back orders them (order.c). */
enum {
	BK_DATA = 0, /* file data, symlink targets: bread(..., false, ...) */
	BK_BITMAP,   /* block and inode bitmaps */
	BK_GD,       /* group descriptors */
	BK_ITABLE,   /* inode table: what is on the disk, changed only by order.c */
	BK_DIR,      /* directory entries */
	BK_IND,      /* indirect blocks */
	BK_XATTR,    /* extended attribute blocks */
};

#define FRESH_UNWRITTEN UINT32_MAX

/* A cached block. */
struct ext2_buf {
	uint32_t blk;
	int refs;
	bool dirty;
	uint8_t kind;   /* BK_* */
	bool checked;   /* its checksum was found right (metadata_csum) */
	uint32_t owner; /* a directory or extent tree block: its inode (metadata_csum) */
	/* Allocated since the disk last had it: 0 no; FRESH_UNWRITTEN not
	 * written yet; else on the disk once fs->flushes reaches it. Nothing
	 * on the disk points at a block until that. */
	uint32_t fresh;
	uint8_t *disk; /* a changed directory block: what the disk holds (NULL:
				      * nothing yet, for a fresh one) */
	uint8_t *data;
	struct ext2_buf *hnext;         /* hash chain */
	struct ext2_buf *lprev, *lnext; /* LRU list, most recent at the head */
	struct ext2_buf *dprev, *dnext; /* fs->dirty_head: the changed ones */
};

struct ext2_node;
struct ext2_jnl;

struct ext2_fs {
	struct blkdev *dev;
	uint64_t devno; /* st_dev */
	struct ext2_super sb;
	uint32_t bsize, spb; /* block size, sectors per block */
	uint32_t ngroups, gd_blocks;
	struct ext2_gd *gd;
	uint32_t inode_size, ppb; /* bytes per disk inode, pointers per block */
	uint32_t desc_size;       /* bytes per group descriptor on the disk: 32 or 64 */
	bool orphan_scan;         /* ext2_iget takes inodes with no links (orphans) */
	bool ext4;                /* ext4's features: extents, 64bit, flex_bg */
	bool csum;                /* metadata_csum: crc32c of the metadata (csum.c) */
	uint32_t seed;            /* its seed: of the filesystem's UUID */
	bool ro;
	bool sb_dirty;
	struct ext2_jnl *jnl; /* the journal metadata goes through (jwrite.c), or NULL */
	struct inode *root;
	/* block cache */
	struct ext2_buf **hash;
	uint32_t nhash, nbufs, maxbufs;
	uint32_t ndirty, dirty_max; /* changed blocks; written back from dirty_max on */
	bool wb_due;                /* dirty_max reached: write back when the operation ends */
	uint32_t meta_dirtied;      /* metadata blocks made dirty since the last transaction */
	uint32_t meta_max;          /* with a journal: as many as that: write back (0: none) */
	uint32_t flushes;           /* device flushes so far: the write-back's barriers */
	uint32_t wb_count;          /* whole write-backs done (fsync.c) */
	bool wb_ok;                 /* the last one wrote everything */
	uint32_t fresh_dropped;     /* the latest ->fresh of a block dropped from the cache */
	/* frees waiting for the disk to stop pointing at them (order.c) */
	uint32_t *free_blks, nfree_blks, cap_free_blks;
	uint32_t *free_inos, nfree_inos, cap_free_inos; /* ino << 1 | directory */
	struct ext2_node *dead; /* freed inodes whose slot the disk still has */
	uint32_t run_max;       /* blocks in one transfer */
	struct blk_seg *seg;    /* a transfer's segments (run_max) */
	struct ext2_buf **runv; /* blocks being read ahead (run_max) */
	struct ext2_buf *lru_head, *lru_tail;
	struct ext2_buf *dirty_head;
	/* inode cache: every inode read stays until its last name and
	 * reference are gone */
	struct ext2_node **ihash;
	uint32_t nihash;
};

struct ext2_node {
	struct inode vi; /* first: an inode is a node */
	struct ext2_fs *fs;
	uint8_t *raw; /* the disk inode (inode_size bytes) */
	uint32_t block[15];
	uint32_t iflags;
	uint32_t cseed;     /* metadata_csum: the checksum seed of its blocks */
	uint32_t iblocks;   /* i_blocks, 512-byte units */
	uint32_t goal;      /* where the next block is looked for: after the last one */
	uint64_t ra_next;   /* read-ahead: the block after the last one read ahead */
	uint32_t ra_blocks; /* and how many that was */
	uint64_t rd_next;   /* the block after the last one read */
	bool ra_stream;     /* read on and on: the largest read-ahead, and on since */
	bool linkable;      /* O_TMPFILE without O_EXCL: linkat may name it */
	bool dead;          /* freed: on fs->dead until its slot is on the disk */
	bool orphan;        /* no name, still open: on the journal's orphan list */
	bool wb;            /* on the write-back's list (order.c) */
	/* The logical blocks written since write-back wb_count (fsync.c) */
	uint64_t dlo, dhi;
	uint32_t dgen;
	uint32_t dead_parent;    /* a freed directory's "..", whose link it held */
	struct ext2_node *hnext; /* inode cache chain, or fs->dead */
};

static inline struct ext2_node *EN(struct inode *ino) { return (struct ext2_node *)ino; }

/* ---- lock (ops.c): every entry from the VFS holds it */
void ext2_lock(void); /* waits, also with a signal pending */
void ext2_unlock(void);

/* ---- block cache (cache.c) */
int bcache_init(struct ext2_fs *fs);  /* sized to free memory with 4 KiB blocks */
void bcache_fini(struct ext2_fs *fs); /* a mount that failed: everything freed */
/* The block, read from disk (bread) or zeroed without reading (bzero_get
 * for a block about to be written whole), holding kind (BK_*; BK_DATA
 * leaves a cached block's kind as it is); referenced: brelse it. */
struct ext2_buf *bread(struct ext2_fs *fs, uint32_t blk, int kind, int *err);
struct ext2_buf *bget_zero(struct ext2_fs *fs, uint32_t blk, int kind, int *err);
void bdirty(struct ext2_fs *fs, struct ext2_buf *b);
void bclean(struct ext2_fs *fs, struct ext2_buf *b);
/* A directory block is about to change: keeps what the disk holds. */
int bkeep_disk(struct ext2_fs *fs, struct ext2_buf *b);
struct ext2_buf *blookup(struct ext2_fs *fs, uint32_t blk); /* cached, or NULL */
/* Whether nothing keeps the disk from pointing at blk: not allocated
 * since it was last written and flushed. */
bool bdurable(struct ext2_fs *fs, uint32_t blk);
void brelse(struct ext2_buf *b);
/* brelse, and the block goes first when room is needed: a long sequential
 * read is through with it (a file larger than the cache then keeps what is
 * cached of it, instead of pushing it all out ahead of itself). */
void brelse_behind(struct ext2_fs *fs, struct ext2_buf *b);
void bforget(struct ext2_fs *fs, uint32_t blk); /* a freed block: drop its dirty data */
/* Writes the changed blocks of kind, neighbours in one transfer. */
int bwrite_kind(struct ext2_fs *fs, int kind);
/* The changed blocks of kind into a kmalloc'd array (referenced); how many. */
uint32_t bdirty_list(struct ext2_fs *fs, int kind, struct ext2_buf ***out);
bool bany_dirty(struct ext2_fs *fs, int kind);
/* A batch of block images, written sorted (neighbours in one transfer):
 * each a buffer's own data (then clean) or another image of it. */
struct bw {
	struct ext2_buf *b;
	uint8_t *image;
};
int bwrite_batch(struct ext2_fs *fs, struct bw *v, uint32_t n);
void bwriteback_due(void); /* ext2_unlock: write-back asked for by make_room */
bool bcached(struct ext2_fs *fs, uint32_t blk);
void bread_ahead(struct ext2_fs *fs, uint32_t blk,
		 uint32_t n); /* n blocks from blk, one transfer */

/* ---- superblock and groups (super.c) */
int ext2_sync(struct ext2_fs *fs); /* everything, in order, flushed */
/* fsync (datasync false) and fdatasync of one file: its own blocks and
 * inode when that is all it needs, else ext2_sync (fsync.c). */
int ext2_fsync_node(struct ext2_node *n, bool datasync);
void ext2_note_write(struct ext2_node *n, uint64_t lblk); /* ext2_rw: lblk changed */
uint32_t ext2_group_first_block(struct ext2_fs *fs, uint32_t g);
int ext2_sb_write(struct ext2_fs *fs);
int ext2_gd_store(struct ext2_fs *fs); /* counts into the descriptor blocks */

/* ---- ordered write-back (order.c; dirent.c for directory blocks) */
int ext2_writeback(struct ext2_fs *fs); /* ext2_sync: all of it, flushed */
int ext2_barrier(struct ext2_fs *fs);   /* device flush: earlier writes first */
/* A changed directory block as the write-back sees it (dirent.c): the
 * entries memory has and the disk lacks (adds) and those the disk has and
 * memory lacks (removes), by place in the block; "." in neither. */
struct dir_change {
	uint32_t off, ino;
	bool dotdot, ready; /* ready: may go this round */
};
struct dir_diff {
	struct dir_change add[EXT2_MAX_DIRENTS], rem[EXT2_MAX_DIRENTS];
	uint32_t nadd, nrem;
};
void ext2_dir_diff(struct ext2_fs *fs, struct ext2_buf *b, struct dir_diff *df);
/* Into img, memory's block with the changes not ready left out: an add
 * as the disk's entry of that name at that place, or inode 0; a remove
 * put back in the space it had. False if a remove cannot be put back
 * (its space holds a new entry). */
bool ext2_dir_image(struct ext2_fs *fs, struct ext2_buf *b, const struct dir_diff *df,
		    uint8_t *img);
/* What the disk holds of a directory block: NULL if nothing yet. */
const uint8_t *ext2_dir_on_disk(struct ext2_buf *b);
uint32_t ext2_dir_dotdot(struct ext2_fs *fs, const uint8_t *blk); /* ".."'s inode, or 0 */

/* ---- allocation (alloc.c) */
int ext2_alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out); /* -ENOSPC */
int ext2_alloc_inode(struct ext2_fs *fs, uint32_t parent_ino, bool dir, uint32_t *out);
/* Frees wait (free_blks, free_inos) until the disk no longer points at
 * them: ext2_apply_frees, at the end of a write-back. */
void ext2_free_block(struct ext2_fs *fs, uint32_t blk);
void ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool dir);
void ext2_apply_frees(struct ext2_fs *fs);

/* ---- inodes (inode.c) */
extern const struct inode_ops ext2_iops;
extern const struct file_ops ext2_reg_fops, ext2_dir_fops;
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_node **out); /* referenced */
struct ext2_node *ext2_ifind(struct ext2_fs *fs, uint32_t ino);          /* cached, or NULL */
int ext2_inew(struct ext2_fs *fs, struct inode *dir, unsigned mode, struct ext2_node **out);
void ext2_ifill(struct ext2_node *n); /* n->raw from the inode */
/* Inode ino's slot in the inode table as the disk has it (referenced
 * block in *bp). */
struct ext2_dinode *ext2_islot(struct ext2_fs *fs, uint32_t ino, struct ext2_buf **bp, int *err);
void ext2_idestroy(struct ext2_node *n);        /* no names, no references: free it all */
void ext2_ifree_dead(struct ext2_node *n);      /* its freed slot is on the disk */
void ext2_destroy_unlinked(struct ext2_fs *fs); /* unmount: files still open with no name */
/* File handles (struct inode_ops's fh_encode and fh_decode). */
int ext2_fh_encode(struct inode *ino, void *fh, size_t *len);
int ext2_fh_decode(struct inode *ino, int type, const void *fh, size_t len, struct inode **out);

/* ---- block mapping (bmap.c) */
/* The disk block of logical block lblk (0: a hole), allocating it (and
 * indirect blocks) when alloc; *fresh tells a new block. */
int ext2_bmap(struct ext2_node *n, uint64_t lblk, bool alloc, uint32_t *out, bool *fresh);
int ext2_truncate_blocks(struct ext2_node *n, uint64_t size); /* frees blocks past size */
uint64_t ext2_max_size(struct ext2_fs *fs);

/* ---- extent trees (extent.c): ext4's files and directories, read */
int ext2_extent_map(struct ext2_node *n, uint64_t lblk, uint32_t *out); /* 0: a hole */
/* written: a new block at lblk (*out; or the block of an unwritten
 * extent there, made initialized), the tree split or deepened as
 * needed; the blocks from logical block from on freed; an empty tree */
int ext2_extent_alloc(struct ext2_node *n, uint64_t lblk, uint32_t *out);
void ext2_extent_truncate(struct ext2_node *n, uint64_t from);
void ext2_extent_init(struct ext2_node *n);
int ext2_new_block(struct ext2_node *n, uint32_t *out); /* bmap.c: counted in i_blocks */

/* ---- the journal (journal.c): replayed at mount, needs_recovery cleared */
int ext2_journal_recover(struct ext2_fs *fs);
/* jwrite.c: writing it. start: at a read-write mount (needs_recovery set
 * in fs->sb; false and a line said: mount read-only); writeback: one
 * transaction of all changed metadata, committed, then written home;
 * stop: at unmount, after the last write-back (the log marked empty). */
bool ext2_journal_start(struct ext2_fs *fs);
int ext2_journal_writeback(struct ext2_fs *fs);
int ext2_journal_stop(struct ext2_fs *fs);
/* At a read-write mount with a journal: the inodes on the superblock's
 * orphan list (open without a name when the disk was last written) freed,
 * in a transaction. */
int ext2_orphans_release(struct ext2_fs *fs);
void ext2_slots_store(struct ext2_fs *fs); /* order.c: every inode into its table block */

/* ---- checksums (csum.c): crc32c, metadata_csum */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len); /* no inversions */
uint32_t ext2_sb_csum(const struct ext2_super *sb);
uint16_t ext2_gd_csum(struct ext2_fs *fs, uint32_t g, const uint8_t *desc);
bool ext2_inode_csum_ok(struct ext2_fs *fs, uint32_t ino, const uint8_t *raw);
bool ext2_extent_csum_ok(struct ext2_node *n, const uint8_t *blk);
bool ext2_dir_csum_ok(struct ext2_node *dir, const uint8_t *blk);
void ext2_inode_csum_set(struct ext2_fs *fs, uint32_t ino, uint8_t *raw);
void ext2_block_csum_set(struct ext2_fs *fs, struct ext2_buf *b); /* before it is written */
/* A directory leaf's 12-byte tail holding its checksum: made; the entry
 * at offset off of a block is one. */
void ext2_dir_tail_init(struct ext2_fs *fs, uint8_t *blk);
bool ext2_dir_is_tail(struct ext2_fs *fs, const void *d, uint32_t off);

/* ---- directories (dir.c) */
int ext2_dir_find(struct ext2_node *dir, const char *name, size_t len, uint32_t *ino);
int ext2_dir_add(struct ext2_node *dir, const char *name, size_t len, uint32_t ino, unsigned mode);
int ext2_dir_remove(struct ext2_node *dir, const char *name, size_t len);
int ext2_dir_set(struct ext2_node *dir, const char *name, size_t len, uint32_t ino, unsigned mode);
int ext2_dir_init(struct ext2_node *dir, uint32_t parent); /* "." and ".." */
int ext2_dir_iterate(struct ext2_node *dir, uint64_t *pos, dir_emit_t emit, void *ctx);
bool ext2_dir_empty(struct ext2_node *dir);

/* ---- file data (ops.c) */
ssize_t ext2_rw(struct ext2_node *n, void *buf, size_t len, uint64_t off, bool user, bool write);

/* ---- mounting (super.c), used by fs/mount.c */
int ext2_mount(struct blkdev *dev, uint64_t devno, struct ext2_fs **out); /* prints why on error */
int ext2_unmount(struct ext2_fs *fs);
bool ext2_probe(struct blkdev *dev); /* holds something like an ext2/3/4 superblock */
bool ext2_is(struct inode *ino);
struct statfs;
void ext2_statfs(struct inode *ino, struct statfs *s);
struct ext2_fs *ext2_fs_of(struct inode *ino);

#endif
