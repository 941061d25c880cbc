/* oci.c: --oci PATH[:TAG]: a container image unpacked with Debian's tools
   (a docker save archive first becomes an OCI layout with skopeo copy;
   umoci unpack --rootless applies the layers, whiteouts and hard links
   included, and writes the runtime config whose process has the
   entrypoint + cmd, env, cwd and user resolved), read with json-c, and
   put into the image the way docker run IMAGE [ARGS] starts it. */
#define _XOPEN_SOURCE 700
#include "oci.h"
#include "manifest.h"
#include "path.h"
#include "report.h"
#include "spawn.h"

#include <errno.h>
#include <ftw.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int no_memory(void)
{
	mk_error(NULL, "out of memory");
	return -1;
}

static char *cat3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s%s", a, b, c);
	return s;
}

static int push(char ***v, size_t *n, const char *s)
{
	char **p = realloc(*v, (*n + 2) * sizeof *p);

	if (!p)
		return -1;
	*v = p;
	p[*n] = strdup(s);
	if (!p[*n])
		return -1;
	p[++*n] = NULL;
	return 0;
}

/* Splits PATH[:TAG]: the whole of spec when it exists, else the first
   prefix ending before a ':' that exists (the rest is the tag, or the
   name:tag in a docker archive); else spec up to its first ':'. */
static int split_spec(const char *spec, char **path, char **tag)
{
	struct stat st;
	const char *c;

	*tag = NULL;
	if (!stat(spec, &st) || !strchr(spec, ':')) {
		*path = strdup(spec);
		return *path ? 0 : -1;
	}
	for (c = strchr(spec, ':'); c; c = strchr(c + 1, ':')) {
		*path = strndup(spec, (size_t)(c - spec));
		if (!*path)
			return -1;
		if (!stat(*path, &st) || !strchr(c + 1, ':'))
			break;
		free(*path);
	}
	if (c && c[1]) {
		*tag = strdup(c + 1);
		return *tag ? 0 : -1;
	}
	return 0;
}

/* The tags of the layout at dir (umoci ls), space-separated in buf.
   Returns whether tag is one of them. */
static int has_tag(const char *tmp, const char *dir, const char *tag, char *buf, size_t len)
{
	char *out = cat3(tmp, "/tags", ""), *log = cat3(tmp, "/log", ""), line[256];
	char *argv[] = { "umoci", "ls", "--layout", (char *)dir, NULL };
	int found = -1;
	FILE *f;

	buf[0] = '\0';
	if (out && log && !spawn_out(argv, out, log, "umoci") && (f = fopen(out, "r"))) {
		found = 0;
		while (fgets(line, sizeof line, f)) {
			line[strcspn(line, "\n")] = '\0';
			found |= !strcmp(line, tag);
			if (strlen(buf) + strlen(line) + 2 < len)
				strcat(strcat(buf, buf[0] ? " " : ""), line);
		}
		fclose(f);
	}
	free(out);
	free(log);
	return found;
}

/* Makes tmp/layout:htux from the docker save archive at path (spec, the
   name:tag inside it, or NULL). */
static int from_archive(const char *tmp, const char *path, const char *ref)
{
	char *src = cat3("docker-archive:", path, ref ? ":" : ""), *s2, *dst, *log;
	int r = -1;

	s2 = src && ref ? cat3(src, ref, "") : src;
	dst = cat3("oci:", tmp, "/layout:htux");
	log = cat3(tmp, "/log", "");
	if (s2 && dst && log) {
		char *argv[] = { "skopeo", "--insecure-policy", "copy", "--quiet", s2, dst, NULL };
		r = spawn(argv, log, "skopeo");
	} else {
		no_memory();
	}
	if (s2 != src)
		free(s2);
	free(src);
	free(dst);
	free(log);
	return r;
}

static int strings(json_object *arr, char ***v, size_t *n)
{
	size_t i, len = arr && json_object_is_type(arr, json_type_array)
				? json_object_array_length(arr)
				: 0;

	for (i = 0; i < len; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(arr, i));
		if (push(v, n, s ? s : ""))
			return -1;
	}
	return 0;
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* The image's own config (skopeo inspect --config): Entrypoint, then
   ARGS or else Cmd, into a->argv (umoci's runtime config has them joined,
   and "sh" when the image names none); *term and *home when its Env sets
   TERM and HOME. */
static int image_config(const struct mk_opts *o, const char *tmp, const char *ref,
			struct oci_app *a, int *term, int *home)
{
	char *out = cat3(tmp, "/image-config.json", ""), *log = cat3(tmp, "/log", "");
	char *src = cat3("oci:", ref, "");
	json_object *cfg = NULL, *c, *env;
	int r = -1;

	if (!out || !log || !src) {
		no_memory();
		goto out;
	}
	char *argv[] = { "skopeo", "--insecure-policy", "inspect", "--config", src, NULL };
	if (spawn_out(argv, out, log, "skopeo"))
		goto out;
	cfg = json_object_from_file(out);
	if (!cfg) {
		mk_error(out, "not JSON: %s", json_util_get_last_err());
		goto out;
	}
	c = get(cfg, "config");
	env = get(c, "Env");
	*term = *home = 0;
	for (size_t i = 0; env && i < json_object_array_length(env); i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(env, i));
		*term |= e && !strncmp(e, "TERM=", 5);
		*home |= e && !strncmp(e, "HOME=", 5);
	}
	if (strings(get(c, "Entrypoint"), &a->argv, &a->argc))
		goto nomem;
	for (size_t i = 0; i < o->nargs; i++)
		if (push(&a->argv, &a->argc, o->args[i]))
			goto nomem;
	if (!o->nargs && strings(get(c, "Cmd"), &a->argv, &a->argc))
		goto nomem;
	r = 0;
	goto out;
nomem:
	no_memory();
out:
	json_object_put(cfg);
	free(out);
	free(log);
	free(src);
	return r;
}

/* Takes the entry starting with prefix (NAME=) out of env. */
static void env_drop(struct oci_app *a, const char *prefix)
{
	for (size_t i = 0; i < a->nenv; i++)
		if (!strncmp(a->env[i], prefix, strlen(prefix))) {
			free(a->env[i]);
			memmove(a->env + i, a->env + i + 1, (a->nenv - i) * sizeof *a->env);
			a->nenv--;
			return;
		}
}

/* NAME=VALUE s into env, replacing an entry of the same NAME. */
static int env_set(struct oci_app *a, const char *s)
{
	size_t n = strcspn(s, "=") + 1;

	for (size_t i = 0; i < a->nenv; i++)
		if (!strncmp(a->env[i], s, n)) {
			char *d = strdup(s);
			if (!d)
				return -1;
			free(a->env[i]);
			a->env[i] = d;
			return 0;
		}
	return push(&a->env, &a->nenv, s);
}

/* The process: argv from the image's config, the env, cwd and user of
   the runtime config umoci wrote; o's -e, --user and ARGS as docker run
   takes them. */
static int process(const struct mk_opts *o, const char *ref, struct oci_app *a)
{
	char *path = cat3(a->tmpdir, "/bundle/config.json", "");
	json_object *cfg = path ? json_object_from_file(path) : NULL;
	json_object *p = get(cfg, "process"), *u = get(p, "user");
	const char *cwd = json_object_get_string(get(p, "cwd"));
	unsigned long uid = (unsigned long)json_object_get_int64(get(u, "uid"));
	unsigned long gid = (unsigned long)json_object_get_int64(get(u, "gid"));
	char id[48];
	int r = -1, term = 0, home = 0;

	if (!cfg || !p) {
		mk_error(path, "no process in umoci's runtime config");
		goto out;
	}
	if (image_config(o, a->tmpdir, ref, a, &term, &home) ||
	    strings(get(p, "env"), &a->env, &a->nenv))
		goto out;
	/* umoci's TERM=xterm is for a terminal: docker run without -t has none */
	if (!term)
		env_drop(a, "TERM=");
	/* umoci's HOME is the image user's: --user's comes from the kernel */
	if (!home && o->user)
		env_drop(a, "HOME=");
	for (size_t i = 0; i < o->nenv; i++)
		if (env_set(a, o->env[i]))
			goto nomem;
	if (o->user) {
		a->user = strdup(o->user);
	} else if (uid || gid) {
		snprintf(id, sizeof id, "%lu:%lu", uid, gid);
		a->user = strdup(id);
	}
	if ((o->user || uid || gid) && !a->user)
		goto nomem;
	/* HOME as docker run sets it: the user's from passwd, else "/" (the
	   kernel does this for a user; root's is done here) */
	if (!a->user) {
		int home = 0;
		for (size_t i = 0; i < a->nenv; i++)
			home |= !strncmp(a->env[i], "HOME=", 5);
		char *h = home ? NULL : oci_home(a->rootfs, 0),
		     *w = h ? cat3("HOME=", h, "") : NULL;
		free(h);
		if (!home && (!w || push(&a->env, &a->nenv, w))) {
			free(w);
			goto nomem;
		}
		free(w);
	}
	if (cwd && strcmp(cwd, "/") && cwd[0] == '/') {
		a->cwd = path_normalize(cwd);
		if (!a->cwd)
			goto nomem;
		if (oci_mkdirs(a->rootfs, a->cwd))
			goto out;
	}
	r = 0;
	goto out;
nomem:
	no_memory();
out:
	json_object_put(cfg);
	free(path);
	return r;
}

int oci_unpack(const struct mk_opts *o, struct oci_app *a)
{
	const char *t = getenv("TMPDIR");
	char *path = NULL, *tag = NULL, *layout = NULL, *ref = NULL, *bundle = NULL, *log = NULL;
	char tags[512];
	struct stat st;
	int r = -1;

	memset(a, 0, sizeof *a);
	if (split_spec(o->oci, &path, &tag))
		return no_memory();
	if (stat(path, &st)) {
		mk_error(path,
			 "%s (--oci takes an OCI image layout directory or a docker save archive)",
			 strerror(errno));
		goto out;
	}
	a->tmpdir = cat3(t && t[0] == '/' ? t : "/tmp", "/htux-oci.XXXXXX", "");
	if (!a->tmpdir || !mkdtemp(a->tmpdir)) {
		mk_error(a->tmpdir, "%s", a->tmpdir ? strerror(errno) : "out of memory");
		free(a->tmpdir);
		a->tmpdir = NULL;
		goto out;
	}
	oci_tmp_made(a->tmpdir);
	log = cat3(a->tmpdir, "/log", "");
	if (S_ISDIR(st.st_mode)) {
		char *marker = cat3(path, "/oci-layout", "");
		int ok = marker && !access(marker, R_OK);
		free(marker);
		if (!ok) {
			mk_error(
				path,
				"not an OCI image layout (no oci-layout file); make one with: skopeo copy docker-archive:FILE oci:%s:TAG",
				path);
			goto out;
		}
		layout = strdup(path);
		ref = cat3(path, ":", tag ? tag : "latest");
		int has = ref ? has_tag(a->tmpdir, path, tag ? tag : "latest", tags, sizeof tags)
			      : -1;
		if (has < 0)
			goto out;
		if (!has) {
			mk_error(path, "no tag '%s' in this image layout (it has: %s); give %s:TAG",
				 tag ? tag : "latest", tags[0] ? tags : "none", path);
			goto out;
		}
	} else {
		if (from_archive(a->tmpdir, path, tag))
			goto out;
		layout = cat3(a->tmpdir, "/layout", "");
		ref = cat3(a->tmpdir, "/layout:htux", "");
	}
	bundle = cat3(a->tmpdir, "/bundle", "");
	a->rootfs = cat3(a->tmpdir, "/bundle/rootfs", "");
	if (!layout || !ref || !bundle || !a->rootfs || !log) {
		no_memory();
		goto out;
	}
	char *argv[] = { "umoci", "unpack", "--rootless", "--image", ref, bundle, NULL };
	if (spawn(argv, log, "umoci") || process(o, ref, a))
		goto out;
	if (!a->argc) {
		mk_error(o->oci,
			 "the image names no program (no Entrypoint or Cmd); give one as ARGS");
		goto out;
	}
	a->prog = oci_find_prog(a->rootfs, a->argv[0], a->env, a->nenv, a->cwd);
	if (!a->prog) {
		mk_error(
			o->oci,
			"%s (its Entrypoint/Cmd, or ARGS) is not an executable file in the image's root filesystem; fix the image or give a program it has as ARGS",
			a->argv[0]);
		goto out;
	}
	r = 0;
out:
	free(path);
	free(tag);
	free(layout);
	free(ref);
	free(bundle);
	free(log);
	return r;
}

static int add_blob(struct image *im, const char *guest, char *const v[], size_t n)
{
	struct blob b = { NULL, 0 };
	int r;

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(v[i]) + 1;
		char *d = realloc(b.data, b.len + len);
		if (!d) {
			blob_free(&b);
			return no_memory();
		}
		memcpy(d + b.len, v[i], len);
		b.data = d;
		b.len += len;
	}
	r = image_add_data(im, guest, 0644, b.data ? b.data : "", b.len);
	blob_free(&b);
	return r;
}

int oci_add(struct image *im, const struct oci_app *a)
{
	char **argv = malloc((a->argc + 1) * sizeof *argv);
	int r;

	if (!argv)
		return no_memory();
	/* /.htux/argv: the program's guest path, then argv */
	argv[0] = a->prog;
	memcpy(argv + 1, a->argv, a->argc * sizeof *argv);
	image_rootless_owners(im); /* the image's owners, as umoci recorded them */
	r = image_add(im, a->rootfs, "/") || add_blob(im, "/.htux/argv", argv, a->argc + 1) ||
	    add_blob(im, "/.htux/env", a->env, a->nenv) ||
	    (a->user && image_add_data(im, "/.htux/user", 0644, a->user, strlen(a->user))) ||
	    (a->cwd && image_add_data(im, "/.htux/cwd", 0644, a->cwd, strlen(a->cwd)));
	free(argv);
	return r ? -1 : 0;
}

/* nftw callbacks: make directories writable, then remove everything. */
static int open_up(const char *p, const struct stat *st, int type, struct FTW *f)
{
	(void)f;
	if (type == FTW_D)
		chmod(p, (st->st_mode & 07777) | 0700);
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)type;
	(void)f;
	remove(p);
	return 0;
}

/* The temporary directories in use, for oci_cleanup(). */
static const char *volatile live[2];

void oci_rmtree(const char *dir)
{
	nftw(dir, open_up, 16, FTW_PHYS);
	nftw(dir, rm_one, 16, FTW_PHYS | FTW_DEPTH);
	for (int i = 0; i < 2; i++)
		if (live[i] == dir)
			live[i] = NULL;
}

void oci_tmp_made(const char *dir)
{
	for (int i = 0; i < 2; i++)
		if (!live[i]) {
			live[i] = dir;
			return;
		}
}

void oci_cleanup(void)
{
	for (int i = 0; i < 2; i++)
		if (live[i])
			oci_rmtree(live[i]);
}

void oci_free(struct oci_app *a)
{
	if (a->tmpdir)
		oci_rmtree(a->tmpdir);
	free(a->tmpdir);
	free(a->rootfs);
	free(a->prog);
	for (size_t i = 0; i < a->argc; i++)
		free(a->argv[i]);
	free(a->argv);
	for (size_t i = 0; i < a->nenv; i++)
		free(a->env[i]);
	free(a->env);
	free(a->cwd);
	free(a->user);
	memset(a, 0, sizeof *a);
}
