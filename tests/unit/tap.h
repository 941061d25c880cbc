/* tap.h: a tiny TAP (Test Anything Protocol) producer for unit tests. */
#ifndef HTUX_TAP_H
#define HTUX_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

static void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2), unused));
static int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5), unused));

static void tap_vline(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stdout);
	vprintf(fmt, ap);
	putchar('\n');
}

/* "# MESSAGE" */
static void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline("# ", fmt, ap);
	va_end(ap);
}

/* "ok N - DESCRIPTION" or "not ok N - DESCRIPTION" plus where. */
static int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	tap_vline("", fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_failed++;
		tap_diag("failed at %s:%d", file, line);
	}
	fflush(stdout);
	return pass;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* Compares integers and strings, printing both on failure. */
#define is_int(got, want, ...) \
	do { \
		long long g_ = (got), w_ = (want); \
		if (!tap_ok(g_ == w_, __FILE__, __LINE__, __VA_ARGS__)) \
			tap_diag("got %lld, expected %lld", g_, w_); \
	} while (0)

#define is_str(got, want, ...) \
	do { \
		const char *g_ = (got), *w_ = (want); \
		if (!tap_ok(g_ && w_ ? !strcmp(g_, w_) : g_ == w_, __FILE__, __LINE__, \
			    __VA_ARGS__)) \
			tap_diag("got \"%s\", expected \"%s\"", g_ ? g_ : "(null)", \
				 w_ ? w_ : "(null)"); \
	} while (0)

/* Prints the plan (at the end, as TAP allows) and gives main's status:
   failures are reported by the "not ok" lines, so it is 0. */
static int tap_done(void) __attribute__((unused));
static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failed)
		tap_diag("%d of %d tests failed", tap_failed, tap_count);
	return 0;
}

#endif
