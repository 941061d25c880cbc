/* ext2.h: the ext2 filesystem's on-disk layout (revision 1, as mke2fs -t
 * ext2 makes it), the in-memory filesystem and inode records, and the
 * calls between the files of fs/ext2/: the block cache (cache.c), the
 * superblock and group descriptors (super.c), bitmaps (alloc.c), inodes
 * (inode.c), block mapping (bmap.c), directories (dir.c) and the VFS
 * operations (ops.c). All of it runs under one lock (ext2_lock). */
#ifndef HTUX_EXT2_H
#define HTUX_EXT2_H

#include "fs/vfs.h"
#include "kernel/blkdev.h"

#define EXT2_MAGIC         0xEF53
#define EXT2_ROOT_INO      2
#define EXT2_VALID_FS      1
#define EXT2_ERROR_FS      2
#define EXT2_NDIR          12     /* direct blocks in i_block */
#define EXT2_IND           12
#define EXT2_DIND          13
#define EXT2_TIND          14
#define EXT2_INDEX_FL      0x1000 /* htree directory (read as linear) */
#define EXT2_EXTENTS_FL    0x80000

/* feature bits */
#define EXT2_COMPAT_HAS_JOURNAL   0x0004
#define EXT2_INCOMPAT_FILETYPE    0x0002
#define EXT2_INCOMPAT_RECOVER     0x0004
#define EXT2_INCOMPAT_EXTENTS     0x0040
#define EXT2_INCOMPAT_SUPPORTED   EXT2_INCOMPAT_FILETYPE
#define EXT2_RO_COMPAT_SPARSE     0x0001
#define EXT2_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_RO_COMPAT_SUPPORTED  (EXT2_RO_COMPAT_SPARSE | EXT2_RO_COMPAT_LARGE_FILE)

/* directory entry file types */
#define EXT2_FT_REG  1
#define EXT2_FT_DIR  2
#define EXT2_FT_CHR  3
#define EXT2_FT_BLK  4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_LNK  7

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

#define SB_WANT_EXTRA_ISIZE 0x15E   /* u16 offset in the superblock */

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
	uint16_t extra_isize;        /* only with inodes larger than 128 bytes */
} __attribute__((packed));

struct ext2_dirent {
	uint32_t inode;
	uint16_t rec_len;
	uint8_t name_len, file_type;
	char name[];
} __attribute__((packed));

#define DIRENT_LEN(namelen) ((8u + (namelen) + 3u) & ~3u)

/* A cached block. */
struct ext2_buf {
	uint32_t blk;
	int refs;
	bool dirty;
	bool meta;                   /* metadata: written after data on sync */
	uint8_t *data;
	struct ext2_buf *hnext;      /* hash chain */
	struct ext2_buf *lprev, *lnext;  /* LRU list, most recent at the head */
};

struct ext2_node;

struct ext2_fs {
	struct blkdev *dev;
	uint64_t devno;              /* st_dev */
	struct ext2_super sb;
	uint32_t bsize, spb;         /* block size, sectors per block */
	uint32_t ngroups, gd_blocks;
	struct ext2_gd *gd;
	uint32_t inode_size, ppb;    /* bytes per disk inode, pointers per block */
	bool ro;
	bool sb_dirty;
	struct inode *root;
	/* block cache */
	struct ext2_buf **hash;
	uint32_t nhash, nbufs, maxbufs;
	uint32_t ndirty, dirty_max;  /* changed blocks; written back from dirty_max on */
	uint32_t run_max;            /* blocks in one transfer */
	struct blk_seg *seg;         /* a transfer's segments (run_max) */
	struct ext2_buf **runv;      /* blocks being read ahead (run_max) */
	struct ext2_buf *lru_head, *lru_tail;
	/* inode cache: every inode read stays until its last name and
	 * reference are gone */
	struct ext2_node **ihash;
	uint32_t nihash;
};

struct ext2_node {
	struct inode vi;             /* first: an inode is a node */
	struct ext2_fs *fs;
	uint8_t *raw;                /* the disk inode (inode_size bytes) */
	uint32_t block[15];
	uint32_t iflags;
	uint32_t iblocks;            /* i_blocks, 512-byte units */
	uint32_t goal;               /* where the next block is looked for: after the last one */
	uint64_t ra_next;            /* read-ahead: the block after the last one read ahead */
	uint32_t ra_blocks;          /* and how many that was */
	uint64_t rd_next;            /* the block after the last one read */
	bool ra_stream;              /* read on and on: the largest read-ahead, and on since */
	bool linkable;               /* O_TMPFILE without O_EXCL: linkat may name it */
	struct ext2_node *hnext;
};

static inline struct ext2_node *EN(struct inode *ino) { return (struct ext2_node *)ino; }

/* ---- lock (ops.c): every entry from the VFS holds it */
void ext2_lock(void);            /* waits, also with a signal pending */
void ext2_unlock(void);

/* ---- block cache (cache.c) */
int bcache_init(struct ext2_fs *fs);   /* sized to free memory with 4 KiB blocks */
void bcache_fini(struct ext2_fs *fs);  /* a mount that failed: everything freed */
/* The block, read from disk (bread) or zeroed without reading (bzero_get
 * for a block about to be written whole); referenced: brelse it. */
struct ext2_buf *bread(struct ext2_fs *fs, uint32_t blk, bool meta, int *err);
struct ext2_buf *bget_zero(struct ext2_fs *fs, uint32_t blk, bool meta, int *err);
void bdirty(struct ext2_fs *fs, struct ext2_buf *b);
void brelse(struct ext2_buf *b);
/* brelse, and the block goes first when room is needed: a long sequential
 * read is through with it (a file larger than the cache then keeps what is
 * cached of it, instead of pushing it all out ahead of itself). */
void brelse_behind(struct ext2_fs *fs, struct ext2_buf *b);
void bforget(struct ext2_fs *fs, uint32_t blk);   /* a freed block: drop its dirty data */
int bcache_sync(struct ext2_fs *fs);              /* data, then metadata */
bool bcached(struct ext2_fs *fs, uint32_t blk);
void bread_ahead(struct ext2_fs *fs, uint32_t blk, uint32_t n);  /* n blocks from blk, one transfer */

/* ---- superblock and groups (super.c) */
int ext2_sync(struct ext2_fs *fs);                /* everything, then a device flush */
uint32_t ext2_group_first_block(struct ext2_fs *fs, uint32_t g);

/* ---- allocation (alloc.c) */
int ext2_alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out);   /* -ENOSPC */
void ext2_free_block(struct ext2_fs *fs, uint32_t blk);
int ext2_alloc_inode(struct ext2_fs *fs, uint32_t parent_ino, bool dir, uint32_t *out);
void ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool dir);

/* ---- inodes (inode.c) */
extern const struct inode_ops ext2_iops;
extern const struct file_ops ext2_reg_fops, ext2_dir_fops;
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_node **out);  /* referenced */
int ext2_inew(struct ext2_fs *fs, struct inode *dir, unsigned mode, struct ext2_node **out);
int ext2_iwrite(struct ext2_node *n);            /* into its inode table block */
int ext2_iwrite_all(struct ext2_fs *fs);
void ext2_idestroy(struct ext2_node *n);          /* no names, no references: free it all */
void ext2_destroy_unlinked(struct ext2_fs *fs);   /* unmount: files still open with no name */

/* ---- block mapping (bmap.c) */
/* The disk block of logical block lblk (0: a hole), allocating it (and
 * indirect blocks) when alloc; *fresh tells a new block. */
int ext2_bmap(struct ext2_node *n, uint64_t lblk, bool alloc, uint32_t *out, bool *fresh);
int ext2_truncate_blocks(struct ext2_node *n, uint64_t size);  /* frees blocks past size */
uint64_t ext2_max_size(struct ext2_fs *fs);

/* ---- directories (dir.c) */
int ext2_dir_find(struct ext2_node *dir, const char *name, size_t len, uint32_t *ino);
int ext2_dir_add(struct ext2_node *dir, const char *name, size_t len, uint32_t ino, unsigned mode);
int ext2_dir_remove(struct ext2_node *dir, const char *name, size_t len);
int ext2_dir_set(struct ext2_node *dir, const char *name, size_t len, uint32_t ino, unsigned mode);
int ext2_dir_init(struct ext2_node *dir, uint32_t parent);   /* "." and ".." */
int ext2_dir_iterate(struct ext2_node *dir, uint64_t *pos, dir_emit_t emit, void *ctx);
bool ext2_dir_empty(struct ext2_node *dir);

/* ---- file data (ops.c) */
ssize_t ext2_rw(struct ext2_node *n, void *buf, size_t len, uint64_t off, bool user, bool write);

/* ---- mounting (super.c), used by fs/mount.c */
int ext2_mount(struct blkdev *dev, uint64_t devno, struct ext2_fs **out);  /* prints why on error */
int ext2_unmount(struct ext2_fs *fs);
bool ext2_probe(struct blkdev *dev);   /* holds something like an ext2/3/4 superblock */
bool ext2_is(struct inode *ino);
struct statfs;
void ext2_statfs(struct inode *ino, struct statfs *s);
struct ext2_fs *ext2_fs_of(struct inode *ino);

#endif
