/* manifest.h: the contents of /.htux/argv and /.htux/env. */
#ifndef HTUX_MKIMAGE_MANIFEST_H
#define HTUX_MKIMAGE_MANIFEST_H

#include <stddef.h>

struct blob {
	char *data;
	size_t len;
};

/* The environment written unless -e replaces it. */
extern const char *const manifest_default_env[];

/* path, then argv0 and args: each string followed by a NUL byte. */
int manifest_argv(struct blob *b, const char *path, const char *argv0, char *const args[],
		  size_t nargs);
/* The default environment with each NAME=VALUE of set added, or replacing
   the entry of the same NAME (the last one given wins), in order. */
int manifest_env(struct blob *b, const char *const set[], size_t nset);
/* Whether s is NAME=VALUE with a non-empty NAME. */
int manifest_valid_env(const char *s);
void blob_free(struct blob *b);

#endif
