/* tracefiles.h: --trace-files: the files a program uses, found by running
   it once on the host under strace. */
#ifndef HTUX_MKIMAGE_TRACEFILES_H
#define HTUX_MKIMAGE_TRACEFILES_H

#include <stddef.h>

#include "image.h"
#include "pathset.h"

struct trace_files {
	char **paths; /* absolute, in the order first used */
	size_t n;
	struct pathset seen; /* the same paths, to keep each once */
	int status;          /* the program's wait status on the host */
};

/* Runs prog (a host path) with argv0 and args, stdin from /dev/null, its
   output thrown away and exactly the environment env (NAME=VALUE strings,
   each ending with a NUL byte, size bytes) under
   "strace -f -qq -z -y -e trace=%file", and collects every path a call of
   it succeeded on that reads or looks at a file: open/openat (not to
   create or write), stat and friends, access, readlink, execve, chdir.
   Relative paths are taken from the current directory (followed through
   chdir). Returns 0, or -1 after one "htux-mkimage: ..." line. */
int trace_files_run(const char *prog, const char *argv0, char *const args[], size_t nargs,
		    const char *env, size_t size, struct trace_files *t);
/* Parses one line of strace's log into t (exposed for tests); cwd is the
   directory relative paths are taken from, updated by chdir. 0, or -1
   when out of memory. */
int trace_files_line(struct trace_files *t, const char *line, char **cwd);
/* Adds the paths that exist, except under /proc, /sys, /dev and /tmp
   (the guest has its own), to the image (image_add_reached); prints the
   one-line summary. Returns 0 or -1. */
int trace_files_add(struct image *im, const struct trace_files *t, const char *prog);
void trace_files_free(struct trace_files *t);

#endif
