/* ldcache.h: glibc's /etc/ld.so.cache, read the way ld.so reads it. */
#ifndef HTUX_MKIMAGE_LDCACHE_H
#define HTUX_MKIMAGE_LDCACHE_H

#include <stddef.h>

struct ldcache {
	char *data; /* the whole file, or NULL when there is none */
	size_t size;
	size_t table; /* offset of the "glibc-ld.so.cache1.1" header */
	size_t nlibs;
};

/* Reads the cache at path. A missing or unreadable cache, or one in a
   format other than "glibc-ld.so.cache1.1" (alone or after the old
   "ld.so-1.7.0" table), leaves c empty: ld.so then uses its default
   directories only. Returns 0, or -1 when out of memory (reported). */
int ldcache_load(struct ldcache *c, const char *path);
/* The path the cache gives for the x86-64 glibc library name (its
   baseline entry, not a glibc-hwcaps one), or NULL. Points into c. */
const char *ldcache_find(const struct ldcache *c, const char *name);
void ldcache_free(struct ldcache *c);

#endif
