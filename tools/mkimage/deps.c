/* deps.c: the dependency closure of a dynamically linked program, as its
 * dynamic loader will resolve it in the guest:
 *
 * - the interpreter named by PT_INTERP;
 * - breadth first over DT_NEEDED (the program's list, then each library's),
 *   a name already loaded (as a DT_NEEDED name, a DT_SONAME or the same
 *   file) being used again; the search for each name is depsearch.c's;
 * - with glibc, libgcc_s.so.1 when it is on the host: glibc's libc.so.6
 *   dlopens it at run time (pthread_exit, pthread_cancel, unwinding).
 *
 * Each library goes into the image at the path the loader opens it by, so
 * that the loader in the guest finds the same file; symbolic links stay
 * links (image_add_reached). The loader's own configuration file is added
 * too, so that its search in the guest is the one done here. depsimage.c
 * does the same for every other ELF object in the image.
 */
#include "depctx.h"
#include "path.h"
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int dep_no_memory(void)
{
	mk_error(NULL, "out of memory");
	return -1;
}

/* The loaded object that answers name, or NONE. */
static size_t find_loaded(const struct ctx *c, const char *name)
{
	size_t i, k;

	for (i = 0; i < c->n; i++) {
		if (c->o[i].root)
			continue;
		if (c->o[i].dyn.soname && !strcmp(c->o[i].dyn.soname, name))
			return i;
		for (k = 0; k < c->o[i].nnames; k++)
			if (!strcmp(c->o[i].names[k], name))
				return i;
	}
	return NONE;
}

static int add_name(struct obj *o, const char *name)
{
	char **v = realloc(o->names, (o->nnames + 1) * sizeof *v);

	if (!v)
		return dep_no_memory();
	o->names = v;
	v[o->nnames] = strdup(name);
	if (!v[o->nnames])
		return dep_no_memory();
	o->nnames++;
	return 0;
}

size_t dep_find_soname(const struct ctx *c, const char *soname)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->o[i].dyn.soname && !strcmp(c->o[i].dyn.soname, soname))
			return i;
	return NONE;
}

/* A new object; NULL when out of memory (reported). */
struct obj *dep_new_obj(struct ctx *c, const char *path, size_t loader)
{
	struct obj *o;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;

		o = realloc(c->o, cap * sizeof *o);
		if (!o) {
			dep_no_memory();
			return NULL;
		}
		c->o = o;
		c->cap = cap;
	}
	o = &c->o[c->n];
	memset(o, 0, sizeof *o);
	o->path = strdup(path);
	if (!o->path) {
		dep_no_memory();
		return NULL;
	}
	o->loader = loader;
	c->n++;
	return o;
}

/* Quiet: remembers that name, needed by needed_by, is missing. */
static int note_missing(struct ctx *c, const char *name, const char *needed_by)
{
	size_t n;

	if (c->missing++ || !c->quiet)
		return 0;
	n = strlen(name) + strlen(needed_by) + sizeof " (needed by )";
	c->first_missing = malloc(n);
	if (!c->first_missing)
		return dep_no_memory();
	snprintf(c->first_missing, n, "%s (needed by %s)", name, needed_by);
	return 0;
}

int dep_resolve(struct ctx *c, size_t i, const char *name, int optional)
{
	const char *needed_by = i == 0 ? c->prog : c->o[i].path;
	struct elf_dyn d;
	struct stat st;
	struct obj *o;
	char *found = NULL;
	size_t k;
	int r;

	if (find_loaded(c, name) != NONE)
		return 0;
	if (c->musl && dep_musl_reserved(name))
		return 0;
	if (strchr(name, '/')) {
		r = dep_try_file(c, name, name, needed_by, &d, &st);
		if (r > 0 && !(found = strdup(name))) {
			elf_dyn_free(&d);
			return dep_no_memory();
		}
	} else {
		r = dep_search(c, i, name, needed_by, &found, &d, &st);
	}
	if (r <= 0 && (optional || c->quiet))
		return optional ? 0 : note_missing(c, name, needed_by);
	if (r < 0)
		return -1;
	if (r == 0) {
		mk_error(c->prog, "library %s not found (needed by %s)", name, needed_by);
		return -1;
	}
	for (k = 0; k < c->n; k++) {
		if (c->o[k].dev == st.st_dev && c->o[k].ino == st.st_ino) {
			/* the same file: the loader opens it by this path too */
			elf_dyn_free(&d);
			r = strcmp(c->o[k].path, found) ? dep_add(&c->also, found) : 0;
			free(found);
			return r ? r : add_name(&c->o[k], name);
		}
	}
	o = dep_new_obj(c, found, i);
	free(found);
	if (!o) {
		elf_dyn_free(&d);
		return -1;
	}
	o->dyn = d;
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	return add_name(o, name);
}

int dep_closure(struct ctx *c, size_t from)
{
	size_t i, k;

	for (i = from; i < c->n; i++)
		for (k = 0; k < c->o[i].dyn.nneeded; k++)
			if (dep_resolve(c, i, c->o[i].dyn.needed[k], 0))
				return -1;
	return 0;
}

/* The program (object 0) and the interpreter (object 1). */
static int load_first(struct ctx *c, const char *guest_prog, const char *interp)
{
	struct obj *o;
	struct stat st;
	const char *why;
	int r;

	o = dep_new_obj(c, guest_prog, NONE);
	if (!o)
		return -1;
	r = elf_dyn_read(c->prog, 0, &o->dyn, &why);
	if (r != ELFDYN_OK) {
		mk_error(c->prog, "%s", why ? why : strerror(errno));
		return -1;
	}
	if (stat(c->prog, &st) == 0) {
		o->dev = st.st_dev;
		o->ino = st.st_ino;
	}
	o = dep_new_obj(c, interp, NONE);
	if (!o)
		return -1;
	if (stat(interp, &st)) {
		mk_error(c->prog, "interpreter %s: %s", interp, strerror(errno));
		return -1;
	}
	r = elf_dyn_read(interp, 1, &o->dyn, &why);
	if (r == ELFDYN_OTHER_CLASS)
		why = "not an x86-64 ELF object";
	if (r != ELFDYN_OK) {
		mk_error(c->prog, "interpreter %s: %s", interp, why ? why : strerror(errno));
		return -1;
	}
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	return add_name(o, interp);
}

static const char *env_get(const char *const env[], size_t nenv, const char *name)
{
	size_t n = strlen(name), i;
	const char *v = NULL;

	for (i = 0; i < nenv; i++)
		if (!strncmp(env[i], name, n) && env[i][n] == '=')
			v = env[i] + n + 1;
	return v;
}

int dep_add(struct deps *out, const char *host)
{
	struct dep *v = realloc(out->v, (out->n + 1) * sizeof *v);

	if (!v)
		return dep_no_memory();
	out->v = v;
	v[out->n].host = strdup(host);
	v[out->n].guest = path_normalize(host);
	if (!v[out->n].host || !v[out->n].guest) {
		free(v[out->n].host);
		free(v[out->n].guest);
		return dep_no_memory();
	}
	out->n++;
	return 0;
}

int dep_ctx_init(struct ctx *c, const char *prog, const char *interp, const char *const env[],
		 size_t nenv)
{
	const char *base = strrchr(interp, '/');
	struct stat st;

	memset(c, 0, sizeof *c);
	c->prog = prog;
	base = base ? base + 1 : interp;
	c->musl = !strncmp(base, "ld-musl-", 8);
	c->ld_library_path = env_get(env, nenv, "LD_LIBRARY_PATH");
	c->lib = stat("/lib/x86_64-linux-gnu", &st) == 0 ? "lib/x86_64-linux-gnu" : "lib64";
	return c->musl ? dep_musl_config(c, interp) : ldcache_load(&c->cache, LDSO_CACHE);
}

void dep_ctx_free(struct ctx *c)
{
	size_t i, k;

	for (i = 0; i < c->n; i++) {
		free(c->o[i].path);
		for (k = 0; k < c->o[i].nnames; k++)
			free(c->o[i].names[k]);
		free(c->o[i].names);
		elf_dyn_free(&c->o[i].dyn);
	}
	free(c->o);
	ldcache_free(&c->cache);
	free(c->musl_path_file);
	free(c->musl_sys_path);
	free(c->first_missing);
	deps_free(&c->also);
}

/* libgcc_s.so.1 is dlopened by libc.so.6 for pthread_exit, pthread_cancel
   and unwinding through C code. */
int dep_glibc_runtime(struct ctx *c)
{
	size_t libc = dep_find_soname(c, "libc.so.6");

	if (c->musl || libc == NONE)
		return 0;
	return dep_resolve(c, libc, "libgcc_s.so.1", 1) ? -1 : dep_closure(c, libc + 1);
}

int dep_output(const struct ctx *c, size_t from, struct deps *out)
{
	size_t i;

	for (i = from; i < c->n; i++)
		if (!c->o[i].root && dep_add(out, c->o[i].path))
			return -1;
	for (i = 0; i < c->also.n; i++)
		if (dep_add(out, c->also.v[i].host))
			return -1;
	return 0;
}

int deps_collect(const char *prog, const char *guest_prog, const struct elf_info *info,
		 const char *const env[], size_t nenv, struct deps *out)
{
	struct ctx c;
	int ret = -1;

	out->v = NULL;
	out->n = 0;
	if (!info->interp)
		return 0;
	if (dep_ctx_init(&c, prog, info->interp, env, nenv) ||
	    load_first(&c, guest_prog, info->interp) || dep_closure(&c, 0) ||
	    dep_glibc_runtime(&c) || dep_output(&c, 1, out))
		goto out;
	if (!c.musl && c.cache.data && dep_add(out, LDSO_CACHE))
		goto out;
	if (c.musl && c.musl_sys_path && dep_add(out, c.musl_path_file))
		goto out;
	ret = 0;
out:
	dep_ctx_free(&c);
	if (ret)
		deps_free(out);
	return ret;
}

int deps_add(struct image *im, const struct deps *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (image_add_reached(im, d->v[i].host, d->v[i].guest, NULL) < 0)
			return -1;
	return 0;
}

void deps_free(struct deps *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].host);
		free(d->v[i].guest);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}
