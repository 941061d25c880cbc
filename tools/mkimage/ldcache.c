/* ldcache.c: glibc's /etc/ld.so.cache, read the way ld.so reads it.
 *
 * Format "glibc-ld.so.cache1.1" (glibc's elf/cache.c, written by ldconfig
 * since glibc 2.32, possibly after an old "ld.so-1.7.0" table, at the next
 * 8-byte boundary):
 *   char magic[17] "glibc-ld.so.cache", char version[3] "1.1",
 *   u32 nlibs, u32 len_strings, u8 flags (endianness), u8 pad[3],
 *   u32 extension_offset, u32 unused[3],
 *   then nlibs entries { i32 flags, u32 key, u32 value, u32 osversion,
 *   u64 hwcap } (24 bytes), then the strings. key (the name) and value
 *   (the path) are offsets from the start of this header. An x86-64 glibc
 *   library has flags FLAG_ELF_LIBC6 | FLAG_X8664_LIB64 (0x0303); entries
 *   with a non-zero hwcap are for glibc-hwcaps subdirectories.
 */
#include "ldcache.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OLD_MAGIC "ld.so-1.7.0"
#define NEW_MAGIC "glibc-ld.so.cache1.1"
#define NEW_HEADER 48 /* bytes before the first entry */
#define ENTRY 24
#define FLAGS_X8664_LIBC6 0x0303
#define MAX_CACHE (64u << 20)

static uint32_t u32(const char *p)
{
	const unsigned char *b = (const unsigned char *)p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t u64(const char *p) { return (uint64_t)u32(p) | (uint64_t)u32(p + 4) << 32; }

/* Reads the whole file into c; 0 when absent or unusable. */
static int slurp(struct ldcache *c, const char *path)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > MAX_CACHE) {
		close(fd);
		return 0;
	}
	c->data = malloc((size_t)st.st_size);
	if (!c->data) {
		close(fd);
		mk_error(NULL, "out of memory");
		return -1;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, c->data + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	c->size = got;
	return 0;
}

int ldcache_load(struct ldcache *c, const char *path)
{
	size_t off = 0, n;

	memset(c, 0, sizeof *c);
	if (slurp(c, path))
		return -1;
	if (!c->data)
		return 0;
	if (c->size >= 16 && !memcmp(c->data, OLD_MAGIC, sizeof OLD_MAGIC - 1)) {
		n = u32(c->data + 12);
		if (n > c->size / 12)
			goto unusable;
		off = (16 + n * 12 + 7) & ~(size_t)7;
	}
	if (off > c->size || c->size - off < NEW_HEADER ||
	    memcmp(c->data + off, NEW_MAGIC, sizeof NEW_MAGIC - 1))
		goto unusable;
	n = u32(c->data + off + 20);
	if (n > (c->size - off - NEW_HEADER) / ENTRY)
		goto unusable;
	c->table = off;
	c->nlibs = n;
	return 0;
unusable:
	ldcache_free(c);
	return 0;
}

/* The NUL-terminated string at offset off from the header, or NULL. */
static const char *string_at(const struct ldcache *c, uint32_t off)
{
	size_t start = c->table + off;

	if (start >= c->size || !memchr(c->data + start, '\0', c->size - start))
		return NULL;
	return c->data + start;
}

const char *ldcache_find(const struct ldcache *c, const char *name)
{
	const char *e, *key, *value;
	size_t i;

	for (i = 0; i < c->nlibs; i++) {
		e = c->data + c->table + NEW_HEADER + i * ENTRY;
		if ((uint32_t)u32(e) != FLAGS_X8664_LIBC6 || u64(e + 16) != 0)
			continue;
		key = string_at(c, u32(e + 4));
		value = string_at(c, u32(e + 8));
		if (key && value && !strcmp(key, name))
			return value;
	}
	return NULL;
}

void ldcache_free(struct ldcache *c)
{
	free(c->data);
	memset(c, 0, sizeof *c);
}
