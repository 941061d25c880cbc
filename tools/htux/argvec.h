/* argvec.h: growing NULL-terminated argument vectors. */
#ifndef HTUX_ARGVEC_H
#define HTUX_ARGVEC_H

#include <stddef.h>
#include <stdio.h>

struct argvec {
	char **v; /* NULL-terminated once anything was pushed */
	size_t n, cap;
	int nomem; /* a push failed */
};

/* Appends a copy of s (with printf formatting for argvec_pushf). Failures
   are remembered in nomem and checked once at the end. */
void argvec_push(struct argvec *a, const char *s);
void argvec_pushf(struct argvec *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void argvec_free(struct argvec *a);
/* Writes the vector as one shell-quoted line. */
void argvec_print(const struct argvec *a, FILE *f);

#endif
