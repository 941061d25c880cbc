/* jdk.c: the Java runtime of a JDK launcher. A launcher (bin/java,
 * bin/javac, ...) finds its java.home from its own real path
 * (/proc/self/exe minus "bin/NAME"), then opens lib/jvm.cfg, the JVM
 * (lib/server/libjvm.so), the class data sharing archive
 * (lib/server/classes.jsa), lib/modules, lib/tzdb.dat, conf/ and the
 * native libraries of the modules it uses (dlopen: libjava.so, libnet.so,
 * libnio.so ...), none of them DT_NEEDED by the launcher. So the image
 * gets, in java.home's place:
 *
 * - lib/ with everything below it, except what no headless program run
 *   by this launcher opens: the libraries that need a display
 *   (libawt_xawt.so, libjawt.so, libsplashscreen.so, libatk-wrapper.so),
 *   the CDS archives for heaps over 32 GiB (*_nocoops.jsa), the sources
 *   (src.zip), the CDS class list (classlist), jar.binfmt, and javac's
 *   --release data (ct.sym) unless the launcher is not java;
 * - conf/ and the release file;
 * - each shared library's dependency closure (deps_collect, with java.home's
 *   JVM directories and lib/ searched as the already loaded libjvm.so and
 *   libjava.so are found at run time); a library whose dependencies are
 *   missing on this host is left out with a warning.
 *
 * Symbolic links stay links and what they lead to is added too (Debian's
 * lib/jvm.cfg and conf/ point into /etc/java-17-openjdk).
 */
#define _GNU_SOURCE
#include "jdk.h"
#include "deps.h"
#include "elfcheck.h"
#include "path.h"
#include "report.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct walk {
	struct image *im;
	const char *interp;
	const char *env[1]; /* LD_LIBRARY_PATH=JVM dirs:lib */
	int keep_ct_sym;
};

static int no_memory(void)
{
	mk_error(NULL, "out of memory");
	return -1;
}

static int exists(const char *dir, const char *name)
{
	char *p = path_join(dir, name);
	int r = p && access(p, F_OK) == 0;

	free(p);
	return r;
}

char *jdk_home(const char *prog, char **real)
{
	char *r = realpath(prog, NULL), *slash, *home = NULL, *lib = NULL;

	*real = NULL;
	if (!r)
		return NULL;
	slash = strrchr(r, '/');
	if (!slash || slash - r < 4 || strncmp(slash - 4, "/bin", 4))
		goto out;
	home = strndup(r, (size_t)(slash - r - 4));
	lib = home && home[0] ? path_join(home, "lib") : NULL;
	if (lib && exists(lib, "jvm.cfg") && exists(lib, "modules")) {
		*real = r;
		free(lib);
		return home;
	}
out:
	free(lib);
	free(home);
	free(r);
	return NULL;
}

/* Whether lib/REL is left out (see the top of the file). */
static int left_out(const struct walk *w, const char *rel, const char *name)
{
	static const char *const display[] = {
		"libawt_xawt.so",
		"libjawt.so",
		"libsplashscreen.so",
		"libatk-wrapper.so",
	};
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof display / sizeof display[0]; i++)
		if (!strcmp(name, display[i]))
			return 1;
	if (n > 12 && !strcmp(name + n - 12, "_nocoops.jsa"))
		return 1;
	return !strcmp(rel, "src.zip") || !strcmp(rel, "classlist") || !strcmp(rel, "jar.binfmt") ||
	       (!strcmp(rel, "ct.sym") && !w->keep_ct_sym);
}

static int is_shared_lib(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && !strcmp(name + n - 3, ".so");
}

/* A shared library and its closure; 1 when its dependencies are missing. */
static int add_lib(struct walk *w, const char *path)
{
	struct elf_info info = { .type = ET_DYN, .interp = (char *)w->interp };
	struct deps d = { 0 };

	if (w->interp && deps_collect(path, path, &info, w->env, 1, &d)) {
		mk_warn(path, "left out of the image: its libraries are missing here");
		return 1;
	}
	int r = image_add_reached(w->im, path, path, NULL) < 0 || deps_add(w->im, &d) ? -1 : 0;
	deps_free(&d);
	return r;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Adds dir (a host directory) and what is below it; rel is its path
   below lib/ ("" for lib/ itself, NULL outside lib/: nothing left out). */
static int walk(struct walk *w, const char *dir, const char *rel)
{
	struct dirent **names;
	int n, i, r = 0;

	if (image_add_reached(w->im, dir, dir, NULL) < 0)
		return -1;
	n = scandir(dir, &names, NULL, by_name);
	if (n < 0)
		return 0; /* unreadable: the JVM could not read it either */
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *p = NULL, *sub = NULL;
		struct stat st;

		if (r || !strcmp(name, ".") || !strcmp(name, ".."))
			goto next;
		p = path_join(dir, name);
		if (rel && asprintf(&sub, "%s%s%s", rel, rel[0] ? "/" : "", name) < 0)
			sub = NULL;
		if (!p || (rel && !sub)) {
			r = no_memory();
			goto next;
		}
		if (lstat(p, &st) || (sub && left_out(w, sub, name)))
			goto next;
		if (S_ISDIR(st.st_mode))
			r = walk(w, p, sub);
		else if (S_ISREG(st.st_mode) && is_shared_lib(name))
			r = add_lib(w, p) < 0 ? -1 : 0;
		else
			r = image_add_reached(w->im, p, p, NULL) < 0 ? -1 : 0;
next:
		free(p);
		free(sub);
		free(names[i]);
	}
	free(names);
	return r;
}

/* LD_LIBRARY_PATH=D1:D2:...:lib for each directory of lib holding
   libjvm.so (server, client, minimal, zero). */
static char *library_path(const char *lib)
{
	static const char *const vms[] = { "server", "client", "minimal", "zero" };
	size_t len = strlen("LD_LIBRARY_PATH=") + strlen(lib) + 1;
	char *s;

	for (size_t i = 0; i < 4; i++)
		len += strlen(lib) + strlen(vms[i]) + 2;
	s = malloc(len);
	if (!s)
		return NULL;
	strcpy(s, "LD_LIBRARY_PATH=");
	for (size_t i = 0; i < 4; i++) {
		char *d = path_join(lib, vms[i]);

		if (!d) {
			free(s);
			return NULL;
		}
		if (exists(d, "libjvm.so"))
			strcat(strcat(s, d), ":");
		free(d);
	}
	return strcat(s, lib);
}

int jdk_add(struct image *im, const char *home, const char *launcher, const char *interp)
{
	const char *base = strrchr(launcher, '/');
	char *lib = path_join(home, "lib"), *conf = path_join(home, "conf");
	char *release = path_join(home, "release"), *env = lib ? library_path(lib) : NULL;
	struct walk w = { .im = im, .interp = interp, .env = { env } };
	int r = -1;

	base = base ? base + 1 : launcher;
	w.keep_ct_sym = strcmp(base, "java") != 0;
	if (!lib || !conf || !release || !env) {
		no_memory();
		goto out;
	}
	if (walk(&w, lib, ""))
		goto out;
	if (access(conf, F_OK) == 0 && walk(&w, conf, NULL))
		goto out;
	if (image_add_reached(im, release, release, NULL) < 0)
		goto out;
	r = 0;
out:
	free(lib);
	free(conf);
	free(release);
	free(env);
	return r;
}
