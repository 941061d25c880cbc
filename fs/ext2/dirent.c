/* dirent.c: changed directory blocks as the ordered write-back (order.c)
 * sees them: the entries memory has that the disk lacks (adds: each may
 * go to the disk only once the inode it names is there with its links
 * counted) and those the disk has that memory lacks (removes), from the
 * block and the copy of what the disk holds (b->disk, kept by
 * bkeep_disk); and the image to write while some adds must wait. */
#include "fs/ext2/ext2.h"

struct ent {
	uint32_t off, ino;
	uint8_t len, type;
	const char *name;
};

/* The live entries of a directory block, in order (stops at a bad one). */
static uint32_t parse(struct ext2_fs *fs, const uint8_t *blk, struct ent *v)
{
	uint32_t n = 0;
	for (uint32_t off = 0; off + 8 <= fs->bsize && n < EXT2_MAX_DIRENTS;) {
		const struct ext2_dirent *d = (const struct ext2_dirent *)(blk + off);
		if (d->rec_len < 8 || (d->rec_len & 3) || off + d->rec_len > fs->bsize ||
		    DIRENT_LEN(d->name_len) > d->rec_len)
			break;
		if (d->inode)
			v[n++] = (struct ent){ off, d->inode, d->name_len, d->file_type, d->name };
		off += d->rec_len;
	}
	return n;
}

static bool same(const struct ent *a, const struct ent *b)
{
	return a->off == b->off && a->ino == b->ino && a->len == b->len &&
	       !memcmp(a->name, b->name, a->len);
}

static bool is_dot(const struct ent *e) { return e->len == 1 && e->name[0] == '.'; }
static bool is_dotdot(const struct ent *e)
{
	return e->len == 2 && e->name[0] == '.' && e->name[1] == '.';
}

/* under ext2_lock: one diff at a time */
static struct ent mem[EXT2_MAX_DIRENTS], dsk[EXT2_MAX_DIRENTS];

/* What the disk holds of b: NULL for a block never written since it was
 * allocated; b's own data when no copy was kept (then nothing differs). */
const uint8_t *ext2_dir_on_disk(struct ext2_buf *b)
{
	if (b->disk)
		return b->disk;
	return b->fresh == FRESH_UNWRITTEN ? NULL : b->data;
}

void ext2_dir_diff(struct ext2_fs *fs, struct ext2_buf *b, struct dir_diff *df)
{
	const uint8_t *disk = ext2_dir_on_disk(b);
	uint32_t nm = parse(fs, b->data, mem), nd = disk ? parse(fs, disk, dsk) : 0;
	df->nadd = df->nrem = 0;
	/* both in block order: a merge */
	uint32_t i = 0, j = 0;
	while (i < nm || j < nd) {
		if (i < nm && j < nd && same(&mem[i], &dsk[j])) {
			i++;
			j++;
		} else if (i < nm && (j == nd || mem[i].off <= dsk[j].off)) {
			if (!is_dot(&mem[i]))
				df->add[df->nadd++] = (struct dir_change){ mem[i].off, mem[i].ino,
									   is_dotdot(&mem[i]),
									   false };
			i++;
		} else {
			if (!is_dot(&dsk[j]))
				df->rem[df->nrem++] = (struct dir_change){ dsk[j].off, dsk[j].ino,
									   is_dotdot(&dsk[j]),
									   false };
			j++;
		}
	}
}

static void put(struct ext2_dirent *d, const struct ent *e)
{
	d->inode = e->ino;
	d->name_len = e->len;
	d->file_type = e->type;
	memcpy(d->name, e->name, e->len);
}

/* Puts the disk's entry e back into img; false if its space is taken. */
static bool put_back(struct ext2_fs *fs, uint8_t *img, const struct ent *e)
{
	uint32_t need = DIRENT_LEN(e->len);
	for (uint32_t off = 0; off + 8 <= fs->bsize;) {
		struct ext2_dirent *d = (struct ext2_dirent *)(img + off);
		if (d->rec_len < 8 || off + d->rec_len > fs->bsize)
			return false;
		uint32_t end = off + d->rec_len;
		if (off == e->off) { /* an unused entry where it was (a block's first) */
			if (d->inode || d->rec_len < need)
				return false;
			put(d, e);
			return true;
		}
		if (off < e->off && e->off < end) { /* the slack of the entry before it */
			if (off + DIRENT_LEN(d->name_len) > e->off || e->off + need > end)
				return false;
			d->rec_len = (uint16_t)(e->off - off);
			struct ext2_dirent *n = (struct ext2_dirent *)(img + e->off);
			n->rec_len = (uint16_t)(end - e->off);
			put(n, e);
			return true;
		}
		off = end;
	}
	return false;
}

bool ext2_dir_image(struct ext2_fs *fs, struct ext2_buf *b, const struct dir_diff *df, uint8_t *img)
{
	const uint8_t *disk = ext2_dir_on_disk(b);
	uint32_t nd = disk ? parse(fs, disk, dsk) : 0;
	memcpy(img, b->data, fs->bsize);
	for (uint32_t k = 0; k < df->nadd; k++) {
		if (df->add[k].ready)
			continue;
		struct ext2_dirent *d = (struct ext2_dirent *)(img + df->add[k].off);
		d->inode = 0;
		for (uint32_t j = 0; j < nd; j++)
			if (dsk[j].off == df->add[k].off && dsk[j].len == d->name_len &&
			    !memcmp(dsk[j].name, d->name, d->name_len))
				put(d, &dsk[j]); /* a name given another inode: the old one */
	}
	for (uint32_t k = 0; k < df->nrem; k++) {
		if (df->rem[k].ready)
			continue;
		for (uint32_t j = 0; j < nd; j++) {
			if (dsk[j].off != df->rem[k].off)
				continue;
			const struct ext2_dirent *d = (const struct ext2_dirent *)(img +
										   dsk[j].off);
			if (d->inode == dsk[j].ino && d->name_len == dsk[j].len &&
			    !memcmp(d->name, dsk[j].name, dsk[j].len))
				break; /* back already (an add undone above) */
			if (!put_back(fs, img, &dsk[j]))
				return false;
			break;
		}
	}
	return true;
}

uint32_t ext2_dir_dotdot(struct ext2_fs *fs, const uint8_t *blk)
{
	if (!blk)
		return 0;
	uint32_t n = parse(fs, blk, dsk);
	for (uint32_t i = 0; i < n && i < 2; i++)
		if (is_dotdot(&dsk[i]))
			return dsk[i].ino;
	return 0;
}
