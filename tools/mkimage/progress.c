/* progress.c: htux-mkimage's progress line (see progress.h). */
#include "progress.h"
#include "report.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int on, shown, forced;
static long long start_ms;
static uint64_t files, bytes;
static long long last_ms;
static int width; /* of the line shown, to blank what a shorter one leaves */

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Blanks the line shown, for a message line to take its place; the
   next update shows it again below. */
static void clear(void)
{
	if (on && width)
		fprintf(stderr, "\r%*s\r", width, "");
	width = 0;
}

void progress_start(int force)
{
	on = force || isatty(2);
	forced = force;
	start_ms = now_ms();
	if (on)
		mk_line_hook = clear;
}

static void show(const char *what, const char *end)
{
	int n = fprintf(stderr, "\rhtux-mkimage: %s%s%llu files, %.1f MiB", what ? what : "",
			what ? ": " : "", (unsigned long long)files, bytes / 1048576.0);

	if (n > 0 && n - 1 < width)
		fprintf(stderr, "%*s", width - (n - 1), "");
	width = n > 0 ? n - 1 : 0;
	fputs(end, stderr);
	fflush(stderr);
	shown = 1;
}

void progress_entry(uint64_t size)
{
	long long t;

	files++;
	bytes += size;
	if (!on)
		return;
	t = now_ms();
	if (t - last_ms < 100) /* ten updates a second at most */
		return;
	last_ms = t;
	show(NULL, "");
}

void progress_phase(const char *what)
{
	if (on)
		show(what, "");
}

/* The totals stay on the screen after work that took a second or more (or
   with --progress); a quicker build (htux run's usual one) leaves nothing. */
void progress_end(const char *out)
{
	if (on && shown && out && (forced || now_ms() - start_ms >= 1000))
		show(out, "\n");
	else
		clear();
	on = shown = 0;
	mk_line_hook = NULL;
}
