/* applets.c: busybox's applets as links in the image: the list comes from
   the program itself (busybox --list-full), each name becomes a symbolic
   link to the program's guest path unless the image has that name. */
#include "applets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int is_busybox(const char *path)
{
	const char *base = strrchr(path, '/');
	return !strcmp(base ? base + 1 : path, "busybox");
}

/* Runs host --list-full with stdout to a pipe; the read end, or -1. */
static FILE *list_full(const char *host, pid_t *pid)
{
	int fds[2];

	if (pipe(fds))
		return NULL;
	*pid = fork();
	if (*pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (*pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(host, "busybox", "--list-full", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	return fdopen(fds[0], "r");
}

int applets_add(struct image *im, const char *host, const char *guest)
{
	char line[512], name[520];
	pid_t pid;
	int st, ret = 0;

	if (!is_busybox(host))
		return 0;
	FILE *f = list_full(host, &pid);
	if (!f)
		return 0; /* no list: the image is still usable */
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		/* "bin/ls", "usr/bin/wc": relative, plain names */
		if (!line[0] || line[0] == '/' || strstr(line, "..") ||
		    strspn(line,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+./[") !=
			    strlen(line))
			continue;
		snprintf(name, sizeof name, "/%s", line);
		if (!strcmp(name, guest))
			continue;
		if (image_add_link(im, name, guest)) {
			ret = -1;
			break;
		}
	}
	fclose(f);
	waitpid(pid, &st, 0);
	return ret;
}
