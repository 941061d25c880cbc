/* pathset.h: the set of names already written to the image. */
#ifndef HTUX_MKIMAGE_PATHSET_H
#define HTUX_MKIMAGE_PATHSET_H

#include <stddef.h>

enum { PS_DIR = 1, PS_FILE, PS_SYMLINK };

struct pathset_entry {
	char *path; /* name in the image */
	char *host; /* host path it came from, or NULL */
	int kind;   /* PS_DIR, PS_FILE or PS_SYMLINK */
};

struct pathset {
	struct pathset_entry *tab;
	size_t cap, n;
};

struct pathset_entry *pathset_find(const struct pathset *s, const char *path);
/* Adds path (not present yet); NULL when out of memory. */
struct pathset_entry *pathset_add(struct pathset *s, const char *path, const char *host, int kind);
void pathset_free(struct pathset *s);

#endif
