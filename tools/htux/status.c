/* status.c: the program's exit status after QEMU has exited (see
   "Status and exit" in docs/design.md). */
#include "status.h"
#include "report.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static int parse_line(const char *s, size_t n)
{
	static const char tag[] = "htux-exit ";
	size_t k = sizeof tag - 1, digits = 0;
	int v = 0;

	if (n && s[n - 1] == '\r')
		n--;
	if (n <= k || memcmp(s, tag, k))
		return -1;
	for (; k < n; k++, digits++) {
		if (s[k] < '0' || s[k] > '9' || digits == 3)
			return -1;
		v = v * 10 + (s[k] - '0');
	}
	return v <= 255 ? v : -1;
}

int status_parse(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;
	int v, found = -1;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break; /* an unfinished line does not count */
		v = parse_line(p, (size_t)(nl - p));
		if (v >= 0)
			found = v;
		p = nl + 1;
	}
	return found;
}

int status_read(const char *path)
{
	char buf[4096];
	size_t n;
	long size;
	FILE *f = fopen(path, "rb");

	if (!f)
		return -1;
	/* The status line is the last one: the file's end is enough. */
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > (long)sizeof buf)
		fseek(f, size - (long)sizeof buf, SEEK_SET);
	else
		rewind(f);
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return status_parse(buf, n);
}

int status_decide(int guest, int wstatus, int forwarded)
{
	int code;

	if (guest >= 0)
		return guest;
	if (WIFEXITED(wstatus)) {
		code = WEXITSTATUS(wstatus);
		/* QEMU exits with 1 on its own errors too; a kernel ending
		   with status 0 also writes "htux-exit 0" to COM2. */
		if ((code & 1) && code != 1)
			return code >> 1;
		if (forwarded)
			return 128 + forwarded;
		htux_error("qemu failed (exit code %d)", code);
		return 125;
	}
	if (WIFSIGNALED(wstatus)) {
		if (forwarded && WTERMSIG(wstatus) == forwarded)
			return 128 + forwarded;
		htux_error("qemu killed by signal %d (%s)", WTERMSIG(wstatus),
			   strsignal(WTERMSIG(wstatus)));
		return 125;
	}
	htux_error("qemu failed (wait status %#x)", (unsigned)wstatus);
	return 125;
}
