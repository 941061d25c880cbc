/* depsimage.c: the libraries needed by every other ELF object in the
 * image: programs and shared objects that --add or --trace-files brought
 * (Python extension modules, JNI libraries, plugins that are dlopened),
 * whose needs the program's own closure (deps.c) does not see. Each
 * x86-64 ELF program or shared object in the image is a root: its
 * PT_INTERP and its DT_NEEDED closure are resolved with the rules of its
 * loader (its own PT_INTERP's, else the program's, else glibc's unless it
 * needs musl's libc). A library missing on the host is counted, not an
 * error: the object may never be loaded. With glibc, what libc.so.6 loads
 * at run time is added too: libgcc_s.so.1, and the NSS modules
 * (libnss_SERVICE.so.2) that the image's /etc/nsswitch.conf names and the
 * host has ("files" and "dns" are inside libc since glibc 2.34).
 */
#include "depctx.h"
#include "path.h"
#include "report.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GLIBC_LDSO "/lib64/ld-linux-x86-64.so.2"
#define MUSL_LDSO "/lib/ld-musl-x86_64.so.1"

struct pass {
	struct ctx ctx[2]; /* glibc's, musl's */
	int used[2];
	const char *prog;
	const char *prog_interp; /* NULL: static program */
	const char *const *env;
	size_t nenv;
	unsigned long objects; /* roots other than the program's own files */
};

static int is_musl_interp(const char *interp)
{
	const char *base = strrchr(interp, '/');

	return !strncmp(base ? base + 1 : interp, "ld-musl-", 8);
}

/* Which loader loads object d: 1 for musl's, 0 for glibc's. */
static int kind_of(const struct pass *p, const struct elf_dyn *d)
{
	size_t i;

	if (d->interp)
		return is_musl_interp(d->interp);
	if (p->prog_interp)
		return is_musl_interp(p->prog_interp);
	for (i = 0; i < d->nneeded; i++)
		if (!strcmp(d->needed[i], "libc.so") || !strncmp(d->needed[i], "libc.musl-", 10))
			return 1;
	return 0;
}

static struct ctx *ctx_for(struct pass *p, int musl, const struct elf_dyn *d)
{
	const char *interp = d->interp;

	if (!p->used[musl]) {
		if (!interp || is_musl_interp(interp) != musl)
			interp = p->prog_interp && is_musl_interp(p->prog_interp) == musl
					 ? p->prog_interp
				 : musl ? MUSL_LDSO
					: GLIBC_LDSO;
		if (dep_ctx_init(&p->ctx[musl], p->prog, interp, p->env, p->nenv)) {
			dep_ctx_free(&p->ctx[musl]);
			return NULL;
		}
		p->ctx[musl].quiet = 1;
		p->used[musl] = 1;
	}
	return &p->ctx[musl];
}

/* Whether host starts with the ELF magic bytes (cheap test before
   reading it as ELF). */
static int elf_magic(const char *host)
{
	unsigned char m[4];
	int fd = open(host, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, m, 4);
	close(fd);
	return n == 4 && !memcmp(m, "\177ELF", 4);
}

static int in_deps(const struct deps *d, const char *host)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].host, host))
			return 1;
	return 0;
}

/* Makes the image file host a root of its loader's closure. */
static int add_root(struct pass *p, const char *host, const struct deps *known)
{
	struct elf_dyn d;
	const char *why;
	struct stat st;
	struct ctx *c;
	struct obj *o;
	size_t i;

	if (stat(host, &st) || !S_ISREG(st.st_mode) || !elf_magic(host))
		return 0;
	if (elf_dyn_read(host, 0, &d, &why) != ELFDYN_OK)
		return 0; /* damaged, or not x86-64: no loader will take it */
	if ((d.type != ET_DYN && d.type != ET_EXEC) || (!d.nneeded && !d.interp)) {
		elf_dyn_free(&d);
		return 0;
	}
	c = ctx_for(p, kind_of(p, &d), &d);
	if (!c) {
		elf_dyn_free(&d);
		return -1;
	}
	o = dep_new_obj(c, host, NONE);
	if (!o) {
		elf_dyn_free(&d);
		return -1;
	}
	o->dyn = d;
	o->root = 1;
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	if (strcmp(host, p->prog) && !in_deps(known, host))
		p->objects++;
	i = (size_t)(o - c->o);
	return d.interp ? dep_resolve(c, i, d.interp, 0) : 0;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in the image with a host path, sorted, the program
   first. NULL when out of memory (reported). */
static char **image_files(const struct image *im, const char *prog, size_t *n)
{
	const struct pathset *s = &im->seen;
	char **v = malloc((s->n + 2) * sizeof *v);
	size_t i, k = 1;

	if (!v) {
		dep_no_memory();
		return NULL;
	}
	v[0] = (char *)prog;
	for (i = 0; i < s->cap; i++)
		if (s->tab[i].path && s->tab[i].kind == PS_FILE && s->tab[i].host &&
		    strcmp(s->tab[i].host, prog))
			v[k++] = s->tab[i].host;
	qsort(v + 1, k - 1, sizeof *v, by_path);
	*n = k;
	return v;
}

/* The NSS modules that the image's /etc/nsswitch.conf names, needed by
   glibc's libc.so.6 (object libc of c). */
static int nss_modules(struct ctx *c, size_t libc, const struct image *im)
{
	const struct pathset_entry *e = pathset_find(&im->seen, "/etc/nsswitch.conf");
	char *line = NULL, *s, *t, name[128];
	size_t cap = 0, n;
	int r = 0;
	FILE *f;

	if (!e || !e->host || !(f = fopen(e->host, "r")))
		return 0;
	while (!r && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "#\n")] = '\0';
		s = strchr(line, ':');
		while (s && !r && *s) {
			s += strspn(s, ": \t");
			if (*s == '[') { /* an action: [NOTFOUND=return] */
				t = strchr(s, ']');
				s = t ? t + 1 : s + strlen(s);
				continue;
			}
			n = strcspn(s, " \t[");
			if (n && n < 64 && !(n == 5 && !strncmp(s, "files", 5)) &&
			    !(n == 3 && !strncmp(s, "dns", 3))) {
				snprintf(name, sizeof name, "libnss_%.*s.so.2", (int)n, s);
				r = dep_resolve(c, libc, name, 1);
			}
			s += n;
		}
	}
	free(line);
	fclose(f);
	return r ? -1 : dep_closure(c, libc + 1);
}

/* Adds the found libraries; *added counts those new to the image. */
static int add_found(struct image *im, const struct deps *d, unsigned long *added)
{
	size_t i;
	int r;

	for (i = 0; i < d->n; i++) {
		int fresh = !pathset_find(&im->seen, d->v[i].guest);

		r = image_add_reached(im, d->v[i].host, d->v[i].guest, NULL);
		if (r < 0)
			return -1;
		if (r == 0 && fresh)
			(*added)++;
	}
	return 0;
}

static void summary(const struct pass *p, unsigned long added)
{
	unsigned long missing = p->ctx[0].missing + p->ctx[1].missing;
	const char *first = p->ctx[0].first_missing ? p->ctx[0].first_missing
						    : p->ctx[1].first_missing;

	if (!added && !missing)
		return;
	mk_line_begin();
	fprintf(stderr,
		"htux-mkimage: %s: added %lu libraries for the ELF objects "
		"in the image (%lu from --add or --trace-files)",
		p->prog, added, p->objects);
	if (missing)
		fprintf(stderr, "; %lu needed libraries are not on this host, first %s", missing,
			first ? first : "?");
	fputc('\n', stderr);
}

int deps_image(struct image *im, const char *prog, const char *interp, const char *const env[],
	       size_t nenv, const struct deps *known, struct deps *out)
{
	struct pass p;
	struct deps found = { 0 };
	unsigned long added = 0;
	char **files;
	size_t n, i, libc;
	int k, ret = -1;

	memset(&p, 0, sizeof p);
	p.prog = prog;
	p.prog_interp = interp;
	p.env = env;
	p.nenv = nenv;
	files = image_files(im, prog, &n);
	if (!files)
		return -1;
	for (i = 0; i < n; i++)
		if (add_root(&p, files[i], known))
			goto out;
	for (k = 0; k < 2; k++) {
		struct ctx *c = &p.ctx[k];

		if (!p.used[k])
			continue;
		if (dep_closure(c, 0))
			goto out;
		if (!k && dep_glibc_runtime(c))
			goto out;
		libc = k ? NONE : dep_find_soname(c, "libc.so.6");
		if (libc != NONE && nss_modules(c, libc, im))
			goto out;
		if (dep_output(c, 0, &found))
			goto out;
	}
	if (add_found(im, &found, &added))
		goto out;
	if (p.used[0] && p.ctx[0].cache.data &&
	    image_add_reached(im, LDSO_CACHE, LDSO_CACHE, NULL) < 0)
		goto out;
	if (p.used[1] && p.ctx[1].musl_sys_path &&
	    image_add_reached(im, p.ctx[1].musl_path_file, p.ctx[1].musl_path_file, NULL) < 0)
		goto out;
	summary(&p, added);
	for (i = 0; i < found.n; i++)
		if (dep_add(out, found.v[i].host))
			goto out;
	ret = 0;
out:
	for (k = 0; k < 2; k++)
		if (p.used[k])
			dep_ctx_free(&p.ctx[k]);
	deps_free(&found);
	free(files);
	return ret;
}
