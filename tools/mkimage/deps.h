/* deps.h: what a program needs in the image besides itself: its dynamic
   loader and the libraries the loader will find for it. */
#ifndef HTUX_MKIMAGE_DEPS_H
#define HTUX_MKIMAGE_DEPS_H

#include <stddef.h>

#include "elfcheck.h"
#include "image.h"

struct dep {
	char *host;  /* host path, as the loader would open it */
	char *guest; /* where it goes in the image */
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
int deps_collect(const char *prog, const char *guest_prog, const struct elf_info *info,
		 const char *const env[], size_t nenv, struct deps *out);
/* Adds them; names already in the image (from --add) are kept. */
int deps_add(struct image *im, const struct deps *d);
void deps_free(struct deps *d);
/* The same for every other x86-64 ELF program and shared object in the
   image (from --add and --trace-files): their interpreters and DT_NEEDED
   closures, and glibc's run-time modules (libgcc_s.so.1, the NSS modules
   of the image's /etc/nsswitch.conf) when libc.so.6 is in the image; a
   library not on the host is counted, not an error. prog is the program's
   absolute path, interp its PT_INTERP (NULL when static), known what
   deps_collect found for it. Adds them to the image and appends them to
   out; prints one summary line on stderr when it added or missed any. */
int deps_image(struct image *im, const char *prog, const char *interp, const char *const env[],
	       size_t nenv, const struct deps *known, struct deps *out);

#endif
