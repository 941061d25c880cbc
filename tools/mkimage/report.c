/* report.c: htux-mkimage's error and warning messages, one line each. */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>

void (*mk_line_hook)(void);

void mk_line_begin(void)
{
	if (mk_line_hook)
		mk_line_hook();
}

static void say(const char *kind, const char *path, const char *fmt, va_list ap)
{
	mk_line_begin();
	fputs("htux-mkimage: ", stderr);
	fputs(kind, stderr);
	if (path)
		fprintf(stderr, "%s: ", path);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void mk_error(const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("", path, fmt, ap);
	va_end(ap);
}

void mk_warn(const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("warning: ", path, fmt, ap);
	va_end(ap);
}
