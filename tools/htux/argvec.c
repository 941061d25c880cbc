/* argvec.c: growing NULL-terminated argument vectors, and printing them
   as shell words. */
#define _GNU_SOURCE
#include "argvec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void take(struct argvec *a, char *s)
{
	char **v;
	size_t cap;

	if (!s) {
		a->nomem = 1;
		return;
	}
	if (a->n + 2 > a->cap) {
		cap = a->cap ? a->cap * 2 : 16;
		v = realloc(a->v, cap * sizeof *v);
		if (!v) {
			free(s);
			a->nomem = 1;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

void argvec_push(struct argvec *a, const char *s) { take(a, strdup(s)); }

void argvec_pushf(struct argvec *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	take(a, s);
}

void argvec_free(struct argvec *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof *a);
}

static int plain(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-+=/.,:@%",
			    *s))
			return 0;
	return 1;
}

void argvec_print(const struct argvec *a, FILE *f)
{
	const char *s;
	size_t i;

	for (i = 0; i < a->n; i++) {
		if (i)
			fputc(' ', f);
		if (plain(a->v[i])) {
			fputs(a->v[i], f);
			continue;
		}
		fputc('\'', f);
		for (s = a->v[i]; *s; s++) {
			if (*s == '\'')
				fputs("'\\''", f);
			else
				fputc(*s, f);
		}
		fputc('\'', f);
	}
	fputc('\n', f);
}
