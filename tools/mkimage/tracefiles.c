/* tracefiles.c: --trace-files: run the program once on the host under
 * strace and collect the files it used, so that a program with runtime
 * data (python3's standard library, time zones, ...) can be packed without
 * guessing. strace runs with -z (successful calls only, each printed on
 * one line), -y (descriptors shown with their paths, for the *at calls)
 * and -e trace=%file.
 */
#include "tracefiles.h"
#include "path.h"
#include "pathset.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Calls whose first argument is a path they read or look at. */
static const char *const path_first[] = { "open",     "stat",      "lstat",     "access",
					  "readlink", "execve",    "chdir",     "statfs",
					  "getxattr", "lgetxattr", "listxattr", "llistxattr",
					  "uselib",   NULL };
/* Calls taking a directory descriptor, then such a path. */
static const char *const path_second[] = { "openat",   "openat2",   "newfstatat", "fstatat64",
					   "statx",    "faccessat", "faccessat2", "readlinkat",
					   "execveat", NULL };

static int in(const char *const list[], const char *name, size_t n)
{
	size_t i;

	for (i = 0; list[i]; i++)
		if (strlen(list[i]) == n && !strncmp(list[i], name, n))
			return 1;
	return 0;
}

/* Decodes the C-quoted string at *p (at its opening quote); moves *p past
   the closing quote. NULL when malformed or truncated ("..." after it). */
static char *unquote(const char **p)
{
	const char *s = *p + 1;
	char *out = malloc(strlen(s) + 1), *o = out;
	int v, k;

	if (!out)
		return NULL;
	while (*s && *s != '"') {
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'n':
			*o++ = '\n';
			s++;
			break;
		case 't':
			*o++ = '\t';
			s++;
			break;
		case 'r':
			*o++ = '\r';
			s++;
			break;
		case 'v':
			*o++ = '\v';
			s++;
			break;
		case 'f':
			*o++ = '\f';
			s++;
			break;
		case 'x':
			s++;
			for (v = 0, k = 0; k < 2 && strchr("0123456789abcdefABCDEF", *s) && *s;
			     k++, s++)
				v = v * 16 + (*s <= '9' ? *s - '0' : (*s | 32) - 'a' + 10);
			*o++ = (char)v;
			break;
		default:
			if (*s >= '0' && *s <= '7') {
				for (v = 0, k = 0; k < 3 && *s >= '0' && *s <= '7'; k++, s++)
					v = v * 8 + (*s - '0');
				*o++ = (char)v;
			} else if (*s) {
				*o++ = *s++;
			}
		}
	}
	if (*s != '"' || !strncmp(s + 1, "...", 3)) {
		free(out);
		return NULL;
	}
	*o = '\0';
	*p = s + 1;
	return out;
}

/* The directory of a "N</path>" descriptor argument at p, or NULL. */
static char *fd_path(const char *p)
{
	const char *lt, *gt;

	while (*p >= '0' && *p <= '9')
		p++;
	if (*p != '<')
		return NULL;
	lt = p + 1;
	gt = strchr(lt, '>');
	if (!gt || gt == lt || *lt != '/')
		return NULL;
	return strndup(lt, (size_t)(gt - lt));
}

static int remember(struct trace_files *t, const char *path)
{
	char **v;

	if (pathset_find(&t->seen, path))
		return 0;
	if (!pathset_add(&t->seen, path, NULL, PS_FILE))
		return -1;
	v = realloc(t->paths, (t->n + 1) * sizeof *v);
	if (!v)
		return -1;
	t->paths = v;
	v[t->n] = strdup(path);
	if (!v[t->n])
		return -1;
	t->n++;
	return 0;
}

int trace_files_line(struct trace_files *t, const char *line, char **cwd)
{
	const char *p = line, *name, *rest;
	char *path = NULL, *base = NULL, *abs, *joined;
	size_t n;
	int second, ret = 0;

	while (*p >= '0' && *p <= '9')
		p++;
	while (*p == ' ')
		p++;
	name = p;
	while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')
		p++;
	n = (size_t)(p - name);
	if (*p != '(' || !n)
		return 0;
	p++;
	second = in(path_second, name, n);
	if (!second && !in(path_first, name, n) && !(n == 6 && !strncmp(name, "fchdir", 6)))
		return 0;
	if (n == 6 && !strncmp(name, "fchdir", 6)) {
		base = fd_path(p);
		if (base) {
			free(*cwd);
			*cwd = base;
		}
		return 0;
	}
	if (second) {
		if (!strncmp(p, "AT_FDCWD", 8)) {
			p += 8; /* -y shows the directory: AT_FDCWD</dir> */
			if (*p == '<') {
				base = fd_path(p);
				p = strchr(p, '>');
				if (p)
					p++;
			}
		} else {
			base = fd_path(p);
			if (!base)
				base = strdup(""); /* a descriptor without a path */
			if (!base)
				return -1;
			while (*p >= '0' && *p <= '9')
				p++;
			if (*p == '<' && (p = strchr(p, '>')))
				p++;
		}
		if (!p || strncmp(p, ", ", 2)) {
			free(base);
			return 0;
		}
		p += 2;
	}
	if (*p != '"')
		goto out;
	path = unquote(&p);
	if (!path || !*path)
		goto out;
	rest = p;
	if ((n == 4 && !strncmp(name, "open", 4)) || (n >= 6 && !strncmp(name, "openat", 6))) {
		/* not files it creates or writes: they are its output */
		if (strstr(rest, "O_WRONLY") || strstr(rest, "O_CREAT") ||
		    strstr(rest, "O_TRUNC") || strstr(rest, "O_TMPFILE"))
			goto out;
	}
	if (path[0] == '/') {
		abs = path_normalize(path);
	} else if (base && !*base) {
		goto out;
	} else {
		joined = path_join(base ? base : *cwd, path);
		abs = joined ? path_normalize(joined) : NULL;
		free(joined);
	}
	if (!abs) {
		ret = -1;
		goto out;
	}
	if (n == 5 && !strncmp(name, "chdir", 5)) {
		free(*cwd);
		*cwd = abs;
		abs = NULL;
		ret = remember(t, *cwd);
	} else {
		ret = remember(t, abs);
	}
	free(abs);
out:
	free(path);
	free(base);
	return ret;
}

static const char *strace_path(void)
{
	static char *found;

	if (!found)
		found = path_search("strace");
	if (found && access(found, X_OK))
		return NULL;
	return found;
}

/* Runs strace; returns 0 with *status set, or -1 (reported). */
static int run(const char *prog, const char *argv0, char *const args[], size_t nargs,
	       const char *env, size_t size, const char *log, const char *errlog, int *status)
{
	const char *strace = strace_path();
	char **argv, **envp;
	size_t i, k, nenv = 0;
	pid_t pid;
	int fd;

	(void)argv0; /* strace runs prog by its path; argv[0] is that path */
	if (!strace) {
		mk_error(NULL, "--trace-files needs strace (the Debian package strace)");
		return -1;
	}
	for (i = 0; i < size; i++)
		if (env[i] == '\0')
			nenv++;
	argv = calloc(nargs + 16, sizeof *argv);
	envp = calloc(nenv + 1, sizeof *envp);
	if (!argv || !envp) {
		free(argv);
		free(envp);
		mk_error(NULL, "out of memory");
		return -1;
	}
	for (i = 0, k = 0; i < size; i += strlen(env + i) + 1)
		envp[k++] = (char *)env + i;
	k = 0;
	argv[k++] = (char *)strace;
	argv[k++] = "-f";
	argv[k++] = "-qq";
	argv[k++] = "-z";
	argv[k++] = "-y";
	argv[k++] = "-e";
	argv[k++] = "trace=%file";
	argv[k++] = "-o";
	argv[k++] = (char *)log;
	argv[k++] = "--";
	argv[k++] = (char *)prog;
	for (i = 0; i < nargs; i++)
		argv[k++] = args[i];
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		mk_error(NULL, "--trace-files: fork: %s", strerror(errno));
		free(argv);
		free(envp);
		return -1;
	}
	if (pid == 0) {
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
		}
		fd = open(errlog, O_WRONLY | O_TRUNC);
		if (fd >= 0)
			dup2(fd, 2);
		execve(strace, argv, envp);
		_exit(127);
	}
	free(argv);
	free(envp);
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			mk_error(NULL, "--trace-files: waitpid: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* The first line of file, for a message. */
static void first_line(const char *file, char *buf, size_t n)
{
	FILE *f = fopen(file, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)n, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static int make_tmp(char *name, size_t n, const char *what)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(name, n, "%s/htux-mkimage-%s.XXXXXX", dir, what);
	fd = mkstemp(name);
	if (fd < 0) {
		mk_error(name, "cannot create: %s", strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

int trace_files_run(const char *prog, const char *argv0, char *const args[], size_t nargs,
		    const char *env, size_t size, struct trace_files *t)
{
	char log[4096], errlog[4096], msg[512], *cwd, *line = NULL;
	size_t cap = 0;
	FILE *f;
	int ret = -1;

	memset(t, 0, sizeof *t);
	if (make_tmp(log, sizeof log, "strace"))
		return -1;
	if (make_tmp(errlog, sizeof errlog, "stderr")) {
		unlink(log);
		return -1;
	}
	if (run(prog, argv0, args, nargs, env, size, log, errlog, &t->status))
		goto out;
	f = fopen(log, "r");
	if (!f) {
		mk_error(log, "%s", strerror(errno));
		goto out;
	}
	cwd = path_absolute(".");
	if (!cwd) {
		fclose(f);
		mk_error(NULL, "out of memory");
		goto out;
	}
	ret = 0;
	while (!ret && getline(&line, &cap, f) > 0)
		if (trace_files_line(t, line, &cwd)) {
			mk_error(NULL, "out of memory");
			ret = -1;
		}
	free(line);
	free(cwd);
	fclose(f);
	if (!ret && t->n == 0) {
		first_line(errlog, msg, sizeof msg);
		mk_error(prog, "--trace-files: strace saw no file used%s%s", *msg ? ": " : "", msg);
		ret = -1;
	}
out:
	unlink(log);
	unlink(errlog);
	return ret;
}

/* Whether path is under dir ("/proc" holds "/proc" and "/proc/x"). */
static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

int trace_files_add(struct image *im, const struct trace_files *t, const char *prog)
{
	struct image_counts c = { 0, 0, 0 };
	unsigned long skipped = 0, missing = 0;
	size_t i;
	int r;

	for (i = 0; i < t->n; i++) {
		if (under(t->paths[i], "/proc") || under(t->paths[i], "/sys") ||
		    under(t->paths[i], "/dev") || under(t->paths[i], "/tmp")) {
			skipped++;
			continue;
		}
		r = image_add_reached(im, t->paths[i], t->paths[i], &c);
		if (r < 0)
			return -1;
		if (r > 0)
			missing++;
	}
	mk_line_begin();
	fprintf(stderr,
		"htux-mkimage: --trace-files: %s used %zu paths on the "
		"host; added %lu files, %lu directories, %lu symbolic links "
		"(%lu under /proc, /sys, /dev, /tmp skipped, %lu gone)",
		prog, t->n, c.files, c.dirs, c.links, skipped, missing);
	if (WIFEXITED(t->status) && WEXITSTATUS(t->status))
		fprintf(stderr, "; it exited with status %d there", WEXITSTATUS(t->status));
	else if (WIFSIGNALED(t->status))
		fprintf(stderr, "; it was killed by signal %d there", WTERMSIG(t->status));
	fputc('\n', stderr);
	return 0;
}

void trace_files_free(struct trace_files *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->paths[i]);
	free(t->paths);
	pathset_free(&t->seen);
	memset(t, 0, sizeof *t);
}
