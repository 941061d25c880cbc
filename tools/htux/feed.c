/* feed.c: copies standard input to QEMU through a pipe and marks its end,
   so that programs reading stdin to the end finish: escaped, ended by
   DLE 'D' (kernel option notty), or as it is and ended by 0x04. */
#define _GNU_SOURCE
#include "feed.h"
#include "report.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

#define DLE 0x10

/* buf[0..n) with each DLE doubled, into esc (2n bytes); returns its length. */
static size_t escape(const char *buf, size_t n, char *esc)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (buf[i] == DLE)
			esc[k++] = DLE;
		esc[k++] = buf[i];
	}
	return k;
}

static void copy_then_eof(int out, int notty)
{
	static char buf[65536], esc[2 * sizeof buf];
	ssize_t n;

	for (;;) {
		n = read(0, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (notty ? write_all(out, esc, escape(buf, (size_t)n, esc))
			  : write_all(out, buf, (size_t)n))
			_exit(0); /* QEMU is gone */
	}
	write_all(out, notty ? "\020D" : "\004", notty ? 2 : 1);
	_exit(0);
}

pid_t feed_start(int notty)
{
	int fds[2];
	pid_t pid;

	if (!notty && isatty(0))
		return 0;
	if (pipe(fds)) {
		htux_error("pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		htux_error("fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		close(fds[0]);
		copy_then_eof(fds[1], notty);
	}
	close(fds[1]);
	if (dup2(fds[0], 0) < 0) {
		htux_error("dup2: %s", strerror(errno));
		close(fds[0]);
		feed_stop(pid);
		return -1;
	}
	close(fds[0]);
	return pid;
}

void feed_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}
