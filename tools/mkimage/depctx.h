/* depctx.h: inside the dependency closure (deps.c, depsearch.c,
   depsimage.c): the objects one loader has loaded and how it searches. */
#ifndef HTUX_MKIMAGE_DEPCTX_H
#define HTUX_MKIMAGE_DEPCTX_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "deps.h"
#include "elfdyn.h"
#include "ldcache.h"

#define NONE ((size_t)-1)
#define LDSO_CACHE "/etc/ld.so.cache"

struct obj {
	char *path;   /* host path the loader opens it by */
	char **names; /* DT_NEEDED names it answered */
	size_t nnames;
	struct elf_dyn dyn;
	size_t loader; /* object that loaded it, or NONE */
	dev_t dev;
	ino_t ino;
	int root; /* in the image already: answers no name itself */
};

struct ctx {
	const char *prog; /* PROG for messages */
	int musl;
	int quiet; /* a library missing or unusable is counted, not an error */
	struct obj *o;
	size_t n, cap;
	struct ldcache cache;
	const char *ld_library_path;
	char *musl_path_file;  /* /etc/ld-musl-x86_64.path (or prefixed) */
	char *musl_sys_path;   /* its contents, or NULL */
	const char *lib;       /* $LIB */
	struct deps also;      /* more paths a found library is opened by */
	unsigned long missing; /* quiet: names not found */
	char *first_missing;   /* quiet: "NAME (needed by PATH)" of the first */
};

int dep_no_memory(void);
/* Sets up c for the loader interp (glibc's unless its name is ld-musl-*),
   reading its configuration; env as for deps_collect. */
int dep_ctx_init(struct ctx *c, const char *prog, const char *interp, const char *const env[],
		 size_t nenv);
void dep_ctx_free(struct ctx *c);
/* A new object (NULL when out of memory, reported). */
struct obj *dep_new_obj(struct ctx *c, const char *path, size_t loader);
/* Makes name, needed by object i, loaded: 0, or -1 (reported) when the
   loader would fail (not with c->quiet). optional: a name the loader may
   lack (glibc's dlopen of libgcc_s.so.1): no error and not counted. */
int dep_resolve(struct ctx *c, size_t i, const char *name, int optional);
/* Resolves the DT_NEEDED of every object from object from on. */
int dep_closure(struct ctx *c, size_t from);
/* The object whose DT_SONAME is soname, or NONE. */
size_t dep_find_soname(const struct ctx *c, const char *soname);
/* glibc's run-time needs: libgcc_s.so.1 (which libc.so.6 dlopens) and its
   closure, when the host has it and libc.so.6 is loaded. */
int dep_glibc_runtime(struct ctx *c);
/* Appends the paths of the objects from object from on (not roots), and
   the other paths found libraries are opened by, to out. */
int dep_output(const struct ctx *c, size_t from, struct deps *out);
/* Appends host (and its normalized form as guest) to out. */
int dep_add(struct deps *out, const char *host);

/* depsearch.c: the loader's search for a name without '/' needed by
   object loader: 1 with *found (malloc'd), *d and *st set; 0 when not
   found; -1 when the loader would stop with an error (reported unless
   c->quiet). */
int dep_search(struct ctx *c, size_t loader, const char *name, const char *needed_by, char **found,
	       struct elf_dyn *d, struct stat *st);
/* Tries the file cand for name the same way (1, 0 or -1). */
int dep_try_file(struct ctx *c, const char *cand, const char *name, const char *needed_by,
		 struct elf_dyn *d, struct stat *st);
/* Whether musl's loader answers name itself (libc.so, libm.so.6, ...). */
int dep_musl_reserved(const char *name);
/* musl's configuration: the path file next to its prefix. */
int dep_musl_config(struct ctx *c, const char *interp);

#endif
