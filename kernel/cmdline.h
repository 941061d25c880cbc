/* cmdline.h: the kernel command line: options, environment, program. */
#ifndef HTUX_CMDLINE_H
#define HTUX_CMDLINE_H

#define CMDLINE_MAX_WORDS 256

struct cmdline {
	char *env[CMDLINE_MAX_WORDS];   /* NAME=VALUE words */
	int nenv;
	char *argv[CMDLINE_MAX_WORDS];  /* the words after "--" */
	int argc;
};

/* Parses s (see docs/design.md) into cl and the global kopts. Returns 0, or
 * -1 after printing a one-line error. */
int cmdline_parse(const char *s, struct cmdline *cl);

#endif
