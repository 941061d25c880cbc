/* depsearch.c: where a dynamic loader finds a library by name, as it
 * will in the guest:
 *
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
 */
#include "depctx.h"
#include "path.h"
#include "report.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* glibc's default directories (Debian's multiarch ones, then the lib64
   ones of other distributions, then the classic ones). */
static const char glibc_dirs[] =
	"/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:/usr/lib64:"
	"/lib:/usr/lib";
static const char musl_dirs[] = "/lib:/usr/local/lib:/usr/lib";

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
static char *expand(const struct ctx *c, const struct obj *o, const char *elem, size_t n, int *drop)
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
			    !strncmp(elem + i + 2, tokens[k].name, tl) && elem[i + 2 + tl] == '}') {
				skip = tl + 3;
				break;
			}
			if (n - i - 1 >= tl && !strncmp(elem + i + 1, tokens[k].name, tl) &&
			    (i + 1 + tl == n ||
			     !(elem[i + 1 + tl] == '_' ||
			       (elem[i + 1 + tl] >= 'A' && elem[i + 1 + tl] <= 'Z') ||
			       (elem[i + 1 + tl] >= 'a' && elem[i + 1 + tl] <= 'z') ||
			       (elem[i + 1 + tl] >= '0' && elem[i + 1 + tl] <= '9')))) {
				skip = tl + 1;
				break;
			}
		}
		if (k == sizeof tokens / sizeof tokens[0]) {
			if (c->musl) { /* musl keeps other '$' as they are */
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
int dep_musl_reserved(const char *name)
{
	static const char *const reserved[] = { "c",  "pthread", "rt",   "m",
						"dl", "util",    "xnet", NULL };
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

/* Tries candidate file cand for name: 1 and *d filled when the loader
   would use it, 0 when it would go on searching, -1 when it would stop
   with an error (reported). */
int dep_try_file(struct ctx *c, const char *cand, const char *name, const char *needed_by,
		 struct elf_dyn *d, struct stat *st)
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
	if (!c->quiet)
		mk_error(c->prog, "library %s (%s): %s (needed by %s)", name, cand, why, needed_by);
	return -1;
}

/* Searches the ':'-separated list (tokens expanded for object o) for
   name: 1 with *found (malloc'd), *d and *st set, 0, or -1. */
static int search_list(struct ctx *c, const char *list, const struct obj *o, const char *name,
		       const char *needed_by, char **found, struct elf_dyn *d, struct stat *st)
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
				return dep_no_memory();
			if (dir && *dir) {
				cand = path_join(dir, name);
				if (!cand) {
					free(dir);
					return dep_no_memory();
				}
				r = dep_try_file(c, cand, name, needed_by, d, st);
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

static int search_glibc(struct ctx *c, size_t loader, const char *name, const char *needed_by,
			char **found, struct elf_dyn *d, struct stat *st)
{
	const struct obj *lo = &c->o[loader];
	const char *cached;
	size_t l;
	int r;

	if (!lo->dyn.runpath) {
		for (l = loader; l != NONE; l = c->o[l].loader) {
			if (!c->o[l].dyn.rpath || c->o[l].dyn.runpath)
				continue;
			r = search_list(c, c->o[l].dyn.rpath, &c->o[l], name, needed_by, found, d,
					st);
			if (r)
				return r;
		}
	}
	if (c->ld_library_path) {
		r = search_list(c, c->ld_library_path, &c->o[0], name, needed_by, found, d, st);
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
		r = dep_try_file(c, cached, name, needed_by, d, st);
		if (r > 0) {
			*found = strdup(cached);
			if (!*found)
				return dep_no_memory();
		}
		if (r)
			return r;
	}
	return search_list(c, glibc_dirs, lo, name, needed_by, found, d, st);
}

static int search_musl(struct ctx *c, size_t loader, const char *name, const char *needed_by,
		       char **found, struct elf_dyn *d, struct stat *st)
{
	const char *rp;
	size_t l;
	int r;

	if (c->ld_library_path) {
		r = search_list(c, c->ld_library_path, &c->o[0], name, needed_by, found, d, st);
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
	return search_list(c, c->musl_sys_path ? c->musl_sys_path : musl_dirs, &c->o[loader], name,
			   needed_by, found, d, st);
}

/* musl's configuration: the path file next to its prefix, as musl finds
   it (the interpreter's directory minus its last component, + /etc). */
int dep_musl_config(struct ctx *c, const char *interp)
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
		return dep_no_memory();
	memcpy(c->musl_path_file, interp, plen);
	strcpy(c->musl_path_file + plen, "/etc/ld-musl-x86_64.path");
	fd = open(c->musl_path_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	buf = malloc(65537);
	if (!buf) {
		close(fd);
		return dep_no_memory();
	}
	while (got < 65536 && (n = read(fd, buf + got, 65536 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	c->musl_sys_path = buf;
	return 0;
}

int dep_search(struct ctx *c, size_t loader, const char *name, const char *needed_by, char **found,
	       struct elf_dyn *d, struct stat *st)
{
	if (c->musl)
		return search_musl(c, loader, name, needed_by, found, d, st);
	return search_glibc(c, loader, name, needed_by, found, d, st);
}
