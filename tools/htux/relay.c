/* relay.c: a child process that follows the COM2 file while QEMU runs and
   copies the kernel's diagnostic lines to stderr (the status lines stay
   for status.c). It polls the file every 20 ms; SIGTERM asks it to copy
   the rest and stop. */
#define _GNU_SOURCE
#include "relay.h"
#include "report.h"
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static void put(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(2, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Writes the complete lines of buf[0..*len) that are not status lines and
   keeps the unfinished one at the start of buf. */
static void flush_lines(char *buf, size_t *len, int all)
{
	size_t start = 0;

	for (size_t i = 0; i < *len; i++) {
		if (buf[i] != '\n')
			continue;
		if (status_parse(buf + start, i + 1 - start) < 0)
			put(buf + start, i + 1 - start);
		start = i + 1;
	}
	if (all && start < *len) {
		put(buf + start, *len - start);
		start = *len;
	}
	memmove(buf, buf + start, *len - start);
	*len -= start;
}

static void follow(const char *path, pid_t parent)
{
	static char buf[65536];
	size_t len = 0;
	int fd = -1, last = 0;
	struct timespec tick = { 0, 20 * 1000 * 1000 };

	for (;;) {
		if (stopping)
			last = 1; /* one more full read, then done */
		if (fd < 0)
			fd = open(path, O_RDONLY);
		if (fd >= 0) {
			for (;;) {
				ssize_t n = read(fd, buf + len, sizeof buf - len);
				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0)
					break;
				len += (size_t)n;
				flush_lines(buf, &len, len == sizeof buf);
			}
		}
		if (last || getppid() != parent) {
			flush_lines(buf, &len, 1);
			_exit(0);
		}
		nanosleep(&tick, NULL);
	}
}

pid_t relay_start(const char *path)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0) {
		htux_error("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* ^C goes to QEMU through the launcher; this one ends on
		   SIGTERM, after the last lines. */
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGTERM, on_term);
		follow(path, parent);
	}
	return pid;
}

void relay_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}
