/* mfile.c: image manifests read into command-line options (see mfile.h);
   the tools' own parsers then check and use them. */
#include "mfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct words {
	char **v;
	size_t n;
};

static int push(struct words *w, char *s)
{
	char **p = s ? realloc(w->v, (w->n + 2) * sizeof *p) : NULL;

	if (!p)
		return -1;
	p[w->n++] = s;
	p[w->n] = NULL;
	w->v = p;
	return 0;
}

static int fail(const struct mf_tool *t, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(const struct mf_tool *t, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s:", t->name, file);
	if (line)
		fprintf(stderr, "%d:", line);
	fputc(' ', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* path, or dir/path when path is relative; malloc'd. */
static char *rel(const char *dir, const char *path, size_t n)
{
	size_t d = path[0] == '/' ? 0 : strlen(dir);
	char *s = malloc(d + 1 + strlen(path) + 1);

	if (!s)
		return NULL;
	if (d) {
		memcpy(s, dir, d);
		s[d++] = '/';
	}
	memcpy(s + d, path, n);
	strcpy(s + d + n, path + n);
	return s;
}

static const struct mf_key *find_key(const struct mf_tool *t, const char *key)
{
	for (const struct mf_key *k = t->keys; k->key; k++)
		if (!strcmp(k->key, key))
			return k;
	return NULL;
}

struct manifest {
	struct words opts, args;
	char *prog;
	int has_args, oci;
	const char *single[32]; /* MF_VALUE options given, to keep the last only */
	size_t nsingle;
};

/* The length of a value's host path part for kind. */
static size_t host_len(int kind, const char *v)
{
	const char *c;

	if (kind == MF_HOST)
		return strcspn(v, ":");
	if (kind == MF_DISK) {
		c = strrchr(v, ':');
		return c && c[1] == '/' ? (size_t)(c - v) : strlen(v);
	}
	return strlen(v);
}

/* Drops an earlier occurrence of a single-valued option (or flag) from
   w: its words are pairs of an option and its value ("" for a flag). */
static void drop_option(struct words *w, const char *opt)
{
	for (size_t i = 0; i + 1 < w->n; i += 2)
		if (!strcmp(w->v[i], opt)) {
			memmove(w->v + i, w->v + i + 2, (w->n - i - 1) * sizeof *w->v);
			w->n -= 2;
			return;
		}
}

static int line_to_opts(const struct mf_tool *t, const char *file, const char *dir, int ln,
			char *key, char *v, struct manifest *m)
{
	const struct mf_key *k = find_key(t, key);
	char err[512], *val;

	if (!k)
		return fail(t, file, ln, "unknown key '%s' (see the README, \"Manifests\")", key);
	if (!*v)
		return fail(t, file, ln, "%s: missing value", key);
	switch (k->kind) {
	case MF_PROGRAM:
		if (m->prog)
			return fail(t, file, ln, "program given twice");
		m->prog = strchr(v, '/') ? rel(dir, v, strlen(v)) : strdup(v);
		return m->prog ? 0 : fail(t, file, ln, "out of memory");
	case MF_ARGS:
		m->has_args = 1;
		for (char *w = strtok(v, " \t"); w; w = strtok(NULL, " \t"))
			if (push(&m->args, strdup(w)))
				return fail(t, file, ln, "out of memory");
		return 0;
	case MF_ARG:
		m->has_args = 1;
		return push(&m->args, strdup(v)) ? fail(t, file, ln, "out of memory") : 0;
	case MF_ONOFF:
		if (strcmp(v, "on") && strcmp(v, "off"))
			return fail(t, file, ln, "%s %s: expected on or off", key, v);
		if (k->opt)
			drop_option(&m->opts, k->opt); /* a later line wins */
		if (k->opt && !strcmp(v, "on") &&
		    (push(&m->opts, strdup(k->opt)) || push(&m->opts, strdup(""))))
			return fail(t, file, ln, "out of memory");
		return 0;
	}
	if (!k->opt)
		return 0; /* a key this tool does not use */
	val = k->kind == MF_VALUE || k->kind == MF_REPEAT ? strdup(v)
							  : rel(dir, v, host_len(k->kind, v));
	if (!val)
		return fail(t, file, ln, "out of memory");
	if (t->check(k->opt, val, err, sizeof err)) {
		free(val);
		return fail(t, file, ln, "%s", err);
	}
	if (k->kind == MF_VALUE || k->kind == MF_PATH || k->kind == MF_OCI)
		drop_option(&m->opts, k->opt);
	if (k->kind == MF_OCI)
		m->oci = 1;
	return push(&m->opts, strdup(k->opt)) || push(&m->opts, val)
		       ? fail(t, file, ln, "out of memory")
		       : 0;
}

static int read_manifest(const struct mf_tool *t, const char *file, struct manifest *m)
{
	FILE *f = fopen(file, "r");
	char *line = NULL, *dir, *slash;
	size_t cap = 0;
	int ln = 0, r = 0;

	if (!f)
		return fail(t, file, 0, "%s", strerror(errno));
	dir = strdup(file);
	if (!dir) {
		fclose(f);
		return fail(t, file, 0, "out of memory");
	}
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		strcpy(dir, ".");
	while (!r && getline(&line, &cap, f) > 0) {
		char *s = line, *e, *key, *v;
		ln++;
		s[strcspn(s, "\n")] = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			continue;
		for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		key = s;
		s += strcspn(s, " \t=");
		e = s;
		while (isspace((unsigned char)*s))
			s++;
		if (*s != '=') {
			r = fail(t, file, ln, "expected 'key = value'");
			break;
		}
		*e = '\0';
		v = s + 1;
		while (isspace((unsigned char)*v))
			v++;
		r = line_to_opts(t, file, dir, ln, key, v, m);
	}
	if (!r && ferror(f))
		r = fail(t, file, 0, "%s", strerror(errno));
	if (!r && m->prog && m->oci)
		r = fail(t, file, 0, "program and oci: give one");
	free(line);
	free(dir);
	fclose(f);
	return r;
}

/* Is argv[i] -f/--manifest? Returns its value (moving *i past it), or
   NULL; *bad when it has none. */
static const char *manifest_opt(int argc, char **argv, int *i, int *bad)
{
	const char *a = argv[*i];

	*bad = 0;
	if (!strncmp(a, "--manifest=", 11))
		return a + 11;
	if (!strncmp(a, "-f", 2) && a[2])
		return a + 2;
	if (strcmp(a, "-f") && strcmp(a, "--manifest"))
		return NULL;
	if (*i + 1 >= argc) {
		*bad = 1;
		return NULL;
	}
	return argv[++*i];
}

int mf_expand(const struct mf_tool *t, int argc, char **argv, int *nargc, char ***nargv)
{
	struct manifest m = { 0 };
	struct words out = { 0 }, cmd = { 0 };
	const char *file = NULL, *v;
	int i, bad;

	*nargc = argc;
	*nargv = argv;
	for (i = t->first; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		v = manifest_opt(argc, argv, &i, &bad);
		if (bad) {
			fprintf(stderr, "%s: %s needs a manifest file\n", t->name, a);
			return -1;
		}
		if (v && file) {
			fprintf(stderr, "%s: -f given twice\n", t->name);
			return -1;
		}
		if (v) {
			file = v;
			continue;
		}
		if (push(&cmd, argv[i]))
			return -1;
		if (!strchr(a, '=') && t->takes_value(a) && i + 1 < argc && push(&cmd, argv[++i]))
			return -1;
	}
	if (!file)
		return 0;
	if (read_manifest(t, file, &m))
		return -1;
	for (int k = 0; k < t->first; k++)
		if (push(&out, argv[k]))
			return -1;
	for (size_t k = 0; k < m.opts.n; k += 2)
		if (push(&out, m.opts.v[k]) || (*m.opts.v[k + 1] && push(&out, m.opts.v[k + 1])))
			return -1;
	for (size_t k = 0; k < cmd.n; k++)
		if (push(&out, cmd.v[k]))
			return -1;
	if (push(&out, "--"))
		return -1;
	if (m.prog && push(&out, m.prog))
		return -1;
	if (i < argc && (m.prog || m.oci || !m.has_args)) {
		for (; i < argc; i++) /* the command line's ARGs replace FILE's */
			if (push(&out, argv[i]))
				return -1;
	} else {
		if (i < argc)
			return fail(t, file, 0,
				    "args given and no program: name it in the manifest");
		for (size_t k = 0; k < m.args.n; k++)
			if (push(&out, m.args.v[k]))
				return -1;
	}
	*nargc = (int)out.n;
	*nargv = out.v;
	return 0;
}
