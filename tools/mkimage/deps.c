/* deps.c: the dependency closure of a dynamically linked program, as its
 * dynamic loader will resolve it in the guest:
 *
 * - the interpreter named by PT_INTERP;
 * - breadth first over DT_NEEDED (the program's list, then each library's),
 *   a name already loaded (as a DT_NEEDED name, a DT_SONAME or the same
 *   file) being used again;
 * - glibc's ld.so searches, for a name without '/': the DT_RPATH of the
 *   object that needs it and of the objects that loaded that one, up to the
 *   program (only while the needing object has no DT_RUNPATH; an object
 *   with DT_RUNPATH has its DT_RPATH ignored), LD_LIBRARY_PATH, the needing
 *   object's DT_RUNPATH, /etc/ld.so.cache, then the default directories
 *   (these two not with DF_1_NODEFLIB); $ORIGIN, $LIB and $PLATFORM are
 *   expanded; an ELF file of another class or machine is passed over;
 * - musl's ld-musl-x86_64.so.1 searches LD_LIBRARY_PATH, the DT_RUNPATH
 *   (else DT_RPATH) of the needing object and of those that loaded it, then
 *   the directories of /etc/ld-musl-x86_64.path or /lib:/usr/local/lib:
 *   /usr/lib; libc.so, libm.so, libpthread.so... are musl itself.
 *
 * Each library goes into the image at the path the loader opens it by, so
 * that the loader in the guest finds the same file; symbolic links stay
 * links (image_add_reached). The loader's own configuration file is added
 * too, so that its search in the guest is the one done here.
 */
#include "deps.h"
#include "elfdyn.h"
#include "ldcache.h"
#include "path.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NONE ((size_t)-1)
#define LDSO_CACHE "/etc/ld.so.cache"

/* glibc's default directories (Debian's multiarch ones, then the lib64
   ones of other distributions, then the classic ones). */
static const char glibc_dirs[] =
	"/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:/usr/lib64:"
	"/lib:/usr/lib";
static const char musl_dirs[] = "/lib:/usr/local/lib:/usr/lib";

struct obj {
	char *path;		/* host path the loader opens it by */
	char **names;		/* DT_NEEDED names it answered */
	size_t nnames;
	struct elf_dyn dyn;
	size_t loader;		/* object that loaded it, or NONE */
	dev_t dev;
	ino_t ino;
};

struct ctx {
	const char *prog;	/* PROG for messages */
	int musl;
	struct obj *o;
	size_t n, cap;
	struct ldcache cache;
	const char *ld_library_path;
	char *musl_path_file;	/* /etc/ld-musl-x86_64.path (or prefixed) */
	char *musl_sys_path;	/* its contents, or NULL */
	const char *lib;	/* $LIB */
};

static int no_memory(void)
{
	mk_error(NULL, "out of memory");
	return -1;
}

/* The directory part of path ("/" for "/x"), malloc'd. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* Appends s (n bytes) to the malloc'd string *out of length *len. */
static int append(char **out, size_t *len, const char *s, size_t n)
{
	char *p = realloc(*out, *len + n + 1);

	if (!p)
		return -1;
	memcpy(p + *len, s, n);
	*len += n;
	p[*len] = '\0';
	*out = p;
	return 0;
}

/* The search-path element elem (n bytes) with its dynamic string tokens
   expanded for object o; NULL with *drop set when the loader would drop
   the element (an unknown token), NULL alone when out of memory. */
static char *expand(const struct ctx *c, const struct obj *o,
		    const char *elem, size_t n, int *drop)
{
	static const struct {
		const char *name;
		int glibc_only;
	} tokens[] = { { "ORIGIN", 0 }, { "LIB", 1 }, { "PLATFORM", 1 } };
	char *out = NULL, *origin;
	const char *value;
	size_t len = 0, i = 0, k, tl, skip;

	*drop = 0;
	if (append(&out, &len, "", 0))
		return NULL;
	while (i < n) {
		if (elem[i] != '$') {
			if (append(&out, &len, elem + i, 1))
				goto oom;
			i++;
			continue;
		}
		for (k = 0; k < sizeof tokens / sizeof tokens[0]; k++) {
			tl = strlen(tokens[k].name);
			if (tokens[k].glibc_only && c->musl)
				continue;
			if (n - i - 1 >= tl + 2 && elem[i + 1] == '{' &&
			    !strncmp(elem + i + 2, tokens[k].name, tl) &&
			    elem[i + 2 + tl] == '}') {
				skip = tl + 3;
				break;
			}
			if (n - i - 1 >= tl && !strncmp(elem + i + 1, tokens[k].name, tl) &&
			    (i + 1 + tl == n || !(elem[i + 1 + tl] == '_' ||
			     (elem[i + 1 + tl] >= 'A' && elem[i + 1 + tl] <= 'Z') ||
			     (elem[i + 1 + tl] >= 'a' && elem[i + 1 + tl] <= 'z') ||
			     (elem[i + 1 + tl] >= '0' && elem[i + 1 + tl] <= '9')))) {
				skip = tl + 1;
				break;
			}
		}
		if (k == sizeof tokens / sizeof tokens[0]) {
			if (c->musl) {	/* musl keeps other '$' as they are */
				if (append(&out, &len, "$", 1))
					goto oom;
				i++;
				continue;
			}
			free(out);
			*drop = 1;
			return NULL;
		}
		if (k == 0) {
			origin = dir_of(o->path);
			if (!origin || append(&out, &len, origin, strlen(origin))) {
				free(origin);
				goto oom;
			}
			free(origin);
		} else {
			value = k == 1 ? c->lib : "x86_64";
			if (append(&out, &len, value, strlen(value)))
				goto oom;
		}
		i += skip;
	}
	return out;
oom:
	free(out);
	return NULL;
}

/* Whether name is one musl provides itself (libc.so, libm.so.6, ...). */
static int musl_reserved(const char *name)
{
	static const char *const reserved[] = {
		"c", "pthread", "rt", "m", "dl", "util", "xnet", NULL
	};
	size_t i, n;

	if (strncmp(name, "lib", 3))
		return 0;
	for (i = 0; reserved[i]; i++) {
		n = strlen(reserved[i]);
		if (!strncmp(name + 3, reserved[i], n) && name[3 + n] == '.')
			return 1;
	}
	return 0;
}

/* The loaded object that answers name, or NONE. */
static size_t find_loaded(const struct ctx *c, const char *name)
{
	size_t i, k;

	for (i = 0; i < c->n; i++) {
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
		return no_memory();
	o->names = v;
	v[o->nnames] = strdup(name);
	if (!v[o->nnames])
		return no_memory();
	o->nnames++;
	return 0;
}

/* A new object; NULL when out of memory (reported). */
static struct obj *new_obj(struct ctx *c, const char *path, size_t loader)
{
	struct obj *o;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;

		o = realloc(c->o, cap * sizeof *o);
		if (!o) {
			no_memory();
			return NULL;
		}
		c->o = o;
		c->cap = cap;
	}
	o = &c->o[c->n];
	memset(o, 0, sizeof *o);
	o->path = strdup(path);
	if (!o->path) {
		no_memory();
		return NULL;
	}
	o->loader = loader;
	c->n++;
	return o;
}

/* Tries candidate file cand for name: 1 and *d filled when the loader
   would use it, 0 when it would go on searching, -1 when it would stop
   with an error (reported). */
static int try_file(struct ctx *c, const char *cand, const char *name,
		    const char *needed_by, struct elf_dyn *d, struct stat *st)
{
	const char *why;
	int r;

	if (stat(cand, st) || !S_ISREG(st->st_mode))
		return 0;
	r = elf_dyn_read(cand, 1, d, &why);
	if (r == ELFDYN_OK)
		return 1;
	if (r == ELFDYN_OTHER_CLASS || !why)
		return 0;
	mk_error(c->prog, "library %s (%s): %s (needed by %s)", name, cand,
		 why, needed_by);
	return -1;
}

/* Searches the ':'-separated list (tokens expanded for object o) for
   name: 1 with *found (malloc'd), *d and *st set, 0, or -1. */
static int search_list(struct ctx *c, const char *list, const struct obj *o,
		       const char *name, const char *needed_by, char **found,
		       struct elf_dyn *d, struct stat *st)
{
	const char *seps = c->musl ? ":\n" : ":;";
	const char *p = list;
	char *dir, *cand;
	size_t n;
	int drop, r;

	while (*p) {
		n = strcspn(p, seps);
		if (n) {
			dir = expand(c, o, p, n, &drop);
			if (!dir && !drop)
				return no_memory();
			if (dir && *dir) {
				cand = path_join(dir, name);
				if (!cand) {
					free(dir);
					return no_memory();
				}
				r = try_file(c, cand, name, needed_by, d, st);
				if (r) {
					free(dir);
					if (r > 0)
						*found = cand;
					else
						free(cand);
					return r;
				}
				free(cand);
			}
			free(dir);
		}
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

static int search_glibc(struct ctx *c, size_t loader, const char *name,
			const char *needed_by, char **found,
			struct elf_dyn *d, struct stat *st)
{
	const struct obj *lo = &c->o[loader];
	const char *cached;
	size_t l;
	int r;

	if (!lo->dyn.runpath) {
		for (l = loader; l != NONE; l = c->o[l].loader) {
			if (!c->o[l].dyn.rpath || c->o[l].dyn.runpath)
				continue;
			r = search_list(c, c->o[l].dyn.rpath, &c->o[l], name,
					needed_by, found, d, st);
			if (r)
				return r;
		}
	}
	if (c->ld_library_path) {
		r = search_list(c, c->ld_library_path, &c->o[0], name,
				needed_by, found, d, st);
		if (r)
			return r;
	}
	if (lo->dyn.runpath) {
		r = search_list(c, lo->dyn.runpath, lo, name, needed_by, found, d, st);
		if (r)
			return r;
	}
	if (lo->dyn.nodeflib)
		return 0;
	cached = ldcache_find(&c->cache, name);
	if (cached) {
		r = try_file(c, cached, name, needed_by, d, st);
		if (r > 0) {
			*found = strdup(cached);
			if (!*found)
				return no_memory();
		}
		if (r)
			return r;
	}
	return search_list(c, glibc_dirs, lo, name, needed_by, found, d, st);
}

static int search_musl(struct ctx *c, size_t loader, const char *name,
		       const char *needed_by, char **found,
		       struct elf_dyn *d, struct stat *st)
{
	const char *rp;
	size_t l;
	int r;

	if (c->ld_library_path) {
		r = search_list(c, c->ld_library_path, &c->o[0], name,
				needed_by, found, d, st);
		if (r)
			return r;
	}
	for (l = loader; l != NONE; l = c->o[l].loader) {
		rp = c->o[l].dyn.runpath ? c->o[l].dyn.runpath : c->o[l].dyn.rpath;
		if (!rp)
			continue;
		r = search_list(c, rp, &c->o[l], name, needed_by, found, d, st);
		if (r)
			return r;
	}
	return search_list(c, c->musl_sys_path ? c->musl_sys_path : musl_dirs,
			   &c->o[loader], name, needed_by, found, d, st);
}

/* Makes name, needed by object i, loaded. */
static int resolve(struct ctx *c, size_t i, const char *name)
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
	if (c->musl && musl_reserved(name))
		return 0;
	if (strchr(name, '/')) {
		r = try_file(c, name, name, needed_by, &d, &st);
		if (r > 0 && !(found = strdup(name))) {
			elf_dyn_free(&d);
			return no_memory();
		}
	} else if (c->musl) {
		r = search_musl(c, i, name, needed_by, &found, &d, &st);
	} else {
		r = search_glibc(c, i, name, needed_by, &found, &d, &st);
	}
	if (r < 0)
		return -1;
	if (r == 0) {
		mk_error(c->prog, "library %s not found (needed by %s)", name, needed_by);
		return -1;
	}
	for (k = 0; k < c->n; k++) {
		if (c->o[k].dev == st.st_dev && c->o[k].ino == st.st_ino) {
			elf_dyn_free(&d);
			free(found);
			return add_name(&c->o[k], name);
		}
	}
	o = new_obj(c, found, i);
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

/* The program (object 0) and the interpreter (object 1). */
static int load_first(struct ctx *c, const char *guest_prog, const char *interp)
{
	struct obj *o;
	struct stat st;
	const char *why;
	int r;

	o = new_obj(c, guest_prog, NONE);
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
	o = new_obj(c, interp, NONE);
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

/* musl's configuration: the path file next to its prefix, as musl finds
   it (the interpreter's directory minus its last component, + /etc). */
static int musl_config(struct ctx *c, const char *interp)
{
	const char *s, *t = interp, *z = interp;
	size_t plen, got = 0;
	char *buf;
	ssize_t n;
	int fd;

	for (s = interp; *s; s++)
		if (*s == '/') {
			z = t;
			t = s;
		}
	plen = interp[0] == '/' ? (size_t)(z - interp) : 0;
	c->musl_path_file = malloc(plen + sizeof "/etc/ld-musl-x86_64.path");
	if (!c->musl_path_file)
		return no_memory();
	memcpy(c->musl_path_file, interp, plen);
	strcpy(c->musl_path_file + plen, "/etc/ld-musl-x86_64.path");
	fd = open(c->musl_path_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	buf = malloc(65537);
	if (!buf) {
		close(fd);
		return no_memory();
	}
	while (got < 65536 && (n = read(fd, buf + got, 65536 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	c->musl_sys_path = buf;
	return 0;
}

static const char *env_get(const char *const env[], size_t nenv,
			   const char *name)
{
	size_t n = strlen(name), i;
	const char *v = NULL;

	for (i = 0; i < nenv; i++)
		if (!strncmp(env[i], name, n) && env[i][n] == '=')
			v = env[i] + n + 1;
	return v;
}

static int add_dep(struct deps *out, const char *host)
{
	struct dep *v = realloc(out->v, (out->n + 1) * sizeof *v);

	if (!v)
		return no_memory();
	out->v = v;
	v[out->n].host = strdup(host);
	v[out->n].guest = path_normalize(host);
	if (!v[out->n].host || !v[out->n].guest) {
		free(v[out->n].host);
		free(v[out->n].guest);
		return no_memory();
	}
	out->n++;
	return 0;
}

static void ctx_free(struct ctx *c)
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
}

int deps_collect(const char *prog, const char *guest_prog,
		 const struct elf_info *info, const char *const env[],
		 size_t nenv, struct deps *out)
{
	struct ctx c;
	const char *base;
	struct stat st;
	size_t i, k;
	int ret = -1;

	out->v = NULL;
	out->n = 0;
	if (!info->interp)
		return 0;
	memset(&c, 0, sizeof c);
	c.prog = prog;
	base = strrchr(info->interp, '/');
	base = base ? base + 1 : info->interp;
	c.musl = !strncmp(base, "ld-musl-", 8);
	c.ld_library_path = env_get(env, nenv, "LD_LIBRARY_PATH");
	c.lib = stat("/lib/x86_64-linux-gnu", &st) == 0 ? "lib/x86_64-linux-gnu" : "lib64";
	if (c.musl ? musl_config(&c, info->interp) : ldcache_load(&c.cache, LDSO_CACHE))
		goto out;
	if (load_first(&c, guest_prog, info->interp))
		goto out;
	for (i = 0; i < c.n; i++)
		for (k = 0; k < c.o[i].dyn.nneeded; k++)
			if (resolve(&c, i, c.o[i].dyn.needed[k]))
				goto out;
	for (i = 1; i < c.n; i++)
		if (add_dep(out, c.o[i].path))
			goto out;
	if (!c.musl && c.cache.data && add_dep(out, LDSO_CACHE))
		goto out;
	if (c.musl && c.musl_sys_path && add_dep(out, c.musl_path_file))
		goto out;
	ret = 0;
out:
	ctx_free(&c);
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
