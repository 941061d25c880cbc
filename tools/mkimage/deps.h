/* deps.h: what a program needs in the image besides itself. */
#ifndef HTUX_MKIMAGE_DEPS_H
#define HTUX_MKIMAGE_DEPS_H

#include <stddef.h>

#include "elfcheck.h"
#include "image.h"

struct dep {
	char *host;		/* absolute host path */
	char *guest;		/* where it goes in the image */
};

struct deps {
	struct dep *v;
	size_t n;
};

/* Finds the files prog (checked by elf_check) needs: its dynamic loader and
   libraries. Prints one "htux-mkimage: PROG: reason" line and returns -1
   when they cannot be provided. */
int deps_collect(const char *prog, const struct elf_info *info,
		 struct deps *out);
int deps_add(struct image *im, const struct deps *d);
void deps_free(struct deps *d);

#endif
