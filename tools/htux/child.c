/* child.c: running a command as a child, forwarding signals to it. */
#define _GNU_SOURCE
#include "child.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const int forward[] = { SIGINT, SIGTERM, SIGHUP };
#define NFORWARD (sizeof forward / sizeof forward[0])

static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t last_signal;

static void pass_on(int sig)
{
	int e = errno;

	last_signal = sig;
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
	errno = e;
}

int child_run(char *const argv[], int *forwarded)
{
	struct sigaction sa, old[NFORWARD];
	sigset_t block, saved;
	int fds[2], err = 0, status = -1;
	size_t i;
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC)) {
		htux_error("pipe: %s", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = pass_on;
	sigemptyset(&block);
	for (i = 0; i < NFORWARD; i++)
		sigaddset(&block, forward[i]);
	sa.sa_mask = block;
	sigprocmask(SIG_BLOCK, &block, &saved);
	for (i = 0; i < NFORWARD; i++)
		sigaction(forward[i], &sa, &old[i]);
	last_signal = 0;
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < NFORWARD; i++)
			signal(forward[i], SIG_DFL);
		sigprocmask(SIG_SETMASK, &saved, NULL);
		close(fds[0]);
		execvp(argv[0], argv);
		err = errno;
		if (write(fds[1], &err, sizeof err) < 0)
			_exit(127);
		_exit(127);
	}
	if (pid < 0) {
		htux_error("fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		goto out;
	}
	child_pid = pid;
	sigprocmask(SIG_SETMASK, &saved, NULL);
	close(fds[1]);
	do
		n = read(fds[0], &err, sizeof err);
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			htux_error("waitpid: %s", strerror(errno));
			status = -1;
			break;
		}
	}
	if (n == (ssize_t)sizeof err) {
		htux_error("cannot run %s: %s", argv[0], strerror(err));
		status = -1;
	}
	sigprocmask(SIG_BLOCK, &block, NULL);
	child_pid = 0;
out:
	for (i = 0; i < NFORWARD; i++)
		sigaction(forward[i], &old[i], NULL);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	if (last_signal)
		*forwarded = last_signal;
	return status;
}
