/* spawn.c: runs one external tool, its output kept in a log file, and
   turns a failure into one line naming the tool and why. */
#include "spawn.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXEC_FAILED 127

/* The last non-empty line of the file log, in buf (empty if none). */
static void last_line(const char *log, char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen(log, "r");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0])
			snprintf(buf, len, "%s", line);
	}
	fclose(f);
}

int spawn(char *const argv[], const char *log, const char *pkg)
{
	return spawn_out(argv, NULL, log, pkg);
}

int spawn_out(char *const argv[], const char *out, const char *log, const char *pkg)
{
	char why[512];
	int status, fd;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		mk_error(argv[0], "cannot start: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, 0);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;
		if (fd >= 0)
			dup2(fd, 1);
		execvp(argv[0], argv);
		_exit(EXEC_FAILED);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			mk_error(argv[0], "%s", strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXEC_FAILED) {
		mk_error(argv[0], "cannot run it (is Debian's %s installed?)", pkg);
		return -1;
	}
	last_line(log, why, sizeof why);
	if (WIFSIGNALED(status))
		mk_error(argv[0], "killed by signal %d", WTERMSIG(status));
	else
		mk_error(argv[0], "failed (status %d)%s%s", WEXITSTATUS(status), why[0] ? ": " : "",
			 why);
	return -1;
}
