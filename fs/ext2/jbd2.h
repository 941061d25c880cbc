/* jbd2.h: the jbd2 journal's on-disk format (big-endian: superblock,
 * descriptor, commit and revoke blocks, tags) and the journal as htux
 * holds it, shared by its replay (journal.c) and its writing (jwrite.c). */
#ifndef HTUX_EXT2_JBD2_H
#define HTUX_EXT2_JBD2_H

#include "fs/ext2/ext2.h"

#define JBD2_MAGIC 0xC03B3998u
enum { JT_DESC = 1, JT_COMMIT = 2, JT_SB1 = 3, JT_SB2 = 4, JT_REVOKE = 5 };
#define JI_REVOKE 0x1
#define JI_64BIT 0x2
#define JI_ASYNC_COMMIT 0x4
#define JI_CSUM2 0x8
#define JI_CSUM3 0x10
#define JI_KNOWN (JI_REVOKE | JI_64BIT | JI_ASYNC_COMMIT | JI_CSUM2 | JI_CSUM3)
#define TAG_ESCAPE 1
#define TAG_SAME_UUID 2
#define TAG_LAST 8
/* journal superblock fields (big-endian) */
#define JS_BLOCKSIZE 0x0C
#define JS_MAXLEN 0x10
#define JS_FIRST 0x14
#define JS_SEQUENCE 0x18
#define JS_START 0x1C
#define JS_COMPAT 0x24
#define JS_INCOMPAT 0x28
#define JS_UUID 0x30
#define JS_CHECKSUM_TYPE 0x50
#define JS_CHECKSUM 0xFC
#define JS_SIZE 1024

static inline uint32_t be32(const uint8_t *p, unsigned off)
{
	p += off;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint32_t be16(const uint8_t *p, unsigned off)
{
	return (uint32_t)p[off] << 8 | p[off + 1];
}
static inline void put_be32(uint8_t *p, unsigned off, uint32_t v)
{
	p[off] = (uint8_t)(v >> 24);
	p[off + 1] = (uint8_t)(v >> 16);
	p[off + 2] = (uint8_t)(v >> 8);
	p[off + 3] = (uint8_t)v;
}

#define JS_COMMIT_SEC 0x30 /* commit block: seconds, u64 */
#define JS_COMMIT_NSEC 0x38

/* A journal: its inode (for the block map) and superblock's figures. */
struct ext2_jnl {
	struct ext2_node jn;
	uint32_t first, maxlen, incompat, tagsize, seed;
	uint32_t compat;
	bool csum; /* checksums v2 or v3 */
	/* writing (jwrite.c) */
	uint32_t seq;   /* the next transaction's sequence */
	uint32_t head;  /* where it goes in the log */
	uint8_t *jsb;   /* the journal superblock's block */
	uint8_t *buf;   /* a block: descriptors, commit blocks, escaped copies */
	uint8_t *sbimg; /* the block holding the filesystem's superblock */
	bool warned;    /* a transaction too large for the log was said */
};

/* Log block lblk read or written (past the block cache). */
int ext2_jnl_io(struct ext2_fs *fs, struct ext2_jnl *l, uint32_t lblk, uint8_t *buf, bool write);
/* The journal inode and superblock (into buf, a block) read and
 * checked; prints why not. */
int ext2_jnl_open(struct ext2_fs *fs, struct ext2_jnl *l, uint8_t *buf);
/* The journal superblock in buf with its checksum set. */
void ext2_jsb_csum(struct ext2_jnl *l, uint8_t *buf);

#endif
