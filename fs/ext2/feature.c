/* feature.c: the superblock's feature bits: their names (as mke2fs and
 * dumpe2fs spell them) and which of them htux reads and writes, reads
 * only (the disk is then mounted read-only), or does not know (the mount
 * is refused, or read-only for a read-only-compatible bit). */
#include "fs/ext2/ext2.h"

struct fname {
	uint32_t bit;
	const char *name;
};

static const struct fname incompat_names[] = {
	{ 0x0001, "compression" }, { 0x0002, "filetype" },    { 0x0004, "needs_recovery" },
	{ 0x0008, "journal_dev" }, { 0x0010, "meta_bg" },     { 0x0040, "extent" },
	{ 0x0080, "64bit" },       { 0x0100, "mmp" },         { 0x0200, "flex_bg" },
	{ 0x0400, "ea_inode" },    { 0x1000, "dirdata" },     { 0x2000, "metadata_csum_seed" },
	{ 0x4000, "large_dir" },   { 0x8000, "inline_data" }, { 0x10000, "encrypt" },
	{ 0x20000, "casefold" },
};

static const struct fname ro_compat_names[] = {
	{ 0x0001, "sparse_super" }, { 0x0002, "large_file" },      { 0x0004, "btree_dir" },
	{ 0x0008, "huge_file" },    { 0x0010, "uninit_bg" },       { 0x0020, "dir_nlink" },
	{ 0x0040, "extra_isize" },  { 0x0080, "snapshot" },        { 0x0100, "quota" },
	{ 0x0200, "bigalloc" },     { 0x0400, "metadata_csum" },   { 0x0800, "replica" },
	{ 0x1000, "read-only" },    { 0x2000, "project" },         { 0x4000, "shared_blocks" },
	{ 0x8000, "verity" },       { 0x10000, "orphan_present" },
};

/* The names of bits into buf, separated by commas ("unknown" for a bit
 * without a name). */
static void names_of(const struct fname *t, size_t n, uint32_t bits, char *buf, size_t len)
{
	size_t at = 0;
	buf[0] = 0;
	for (uint32_t bit = 1; bit && at + 1 < len; bit <<= 1) {
		if (!(bits & bit))
			continue;
		const char *name = "unknown";
		for (size_t i = 0; i < n; i++)
			if (t[i].bit == bit)
				name = t[i].name;
		at += (size_t)ksnprintf(buf + at, len - at, "%s%s", at ? "," : "", name);
	}
}

void ext2_incompat_names(uint32_t bits, char *buf, size_t len)
{
	names_of(incompat_names, ARRAY_SIZE(incompat_names), bits, buf, len);
}

void ext2_ro_compat_names(uint32_t bits, char *buf, size_t len)
{
	names_of(ro_compat_names, ARRAY_SIZE(ro_compat_names), bits, buf, len);
}
