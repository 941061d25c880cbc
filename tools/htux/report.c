/* report.c: the htux launcher's error messages, one line each. */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>

void htux_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("htux: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
