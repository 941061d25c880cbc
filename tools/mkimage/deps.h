/* deps.h: what a program needs in the image besides itself: its dynamic
   loader and the libraries the loader will find for it. */
#ifndef HTUX_MKIMAGE_DEPS_H
#define HTUX_MKIMAGE_DEPS_H

#include <stddef.h>

#include "elfcheck.h"
#include "image.h"

struct dep {
	char *host;		/* host path, as the loader would open it */
	char *guest;		/* where it goes in the image */
};

struct deps {
	struct dep *v;
	size_t n;
};

/* Finds the files prog (checked by elf_check, stored in the image at
   guest_prog) needs: the interpreter named by PT_INTERP and the closure of
   DT_NEEDED as glibc's ld.so or musl's resolves it (DT_RPATH/DT_RUNPATH
   with $ORIGIN, LD_LIBRARY_PATH from env, /etc/ld.so.cache, the default
   directories), plus /etc/ld.so.cache for glibc. env holds the program's
   NAME=VALUE strings (later ones win). Prints one "htux-mkimage: PROG:
   reason" line and returns -1 when they cannot be provided. */
int deps_collect(const char *prog, const char *guest_prog,
		 const struct elf_info *info, const char *const env[],
		 size_t nenv, struct deps *out);
/* Adds them; names already in the image (from --add) are kept. */
int deps_add(struct image *im, const struct deps *d);
void deps_free(struct deps *d);

#endif
