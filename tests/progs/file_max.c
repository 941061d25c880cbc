/* file_max.c: the system-wide limit on open files: /proc/sys/fs/file-max
 * and file-nr ("allocated 0 max", counting every open file), and ENFILE
 * for an unprivileged user who reaches it (before EMFILE, with
 * RLIMIT_NOFILE above it), for open, pipe and socket alike; root
 * (CAP_SYS_ADMIN) is not held to it; closing gives the room back. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void nr(long *alloc, long *max)
{
	long z;
	FILE *f = fopen("/proc/sys/fs/file-nr", "r");
	if (!f || fscanf(f, "%ld %ld %ld", alloc, &z, max) != 3)
		*alloc = *max = -1;
	if (f)
		fclose(f);
}

static const char *en(int e)
{
	return e == ENFILE ? "ENFILE" : e == EMFILE ? "EMFILE" : strerror(e);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	long a0, a1, max, fmax = -1;
	FILE *f = fopen("/proc/sys/fs/file-max", "r");
	if (f && fscanf(f, "%ld", &fmax) != 1)
		fmax = -1;
	if (f)
		fclose(f);
	nr(&a0, &max);
	int fd = open("/dev/null", O_RDONLY);
	nr(&a1, &max);
	printf("file-max %s, file-nr's max the same: %s\n", fmax >= 8192 ? "at least 8192" : "bad",
	       max == fmax ? "yes" : "no");
	printf("an open counts: %s\n", a1 == a0 + 1 ? "yes" : "no");
	close(fd);
	struct rlimit rl = { (rlim_t)max + 1000, (rlim_t)max + 1000 };
	if (setrlimit(RLIMIT_NOFILE, &rl))
		printf("setrlimit: %s\n", strerror(errno));
	int up[2], down[2];
	if (pipe(up) || pipe(down))
		return 3;
	pid_t p = fork();
	if (p == 0) {
		if (setresgid(54321, 54321, 54321) || setresuid(54321, 54321, 54321))
			_exit(3);
		long n = 0;
		while (open("/dev/null", O_RDONLY) >= 0)
			n++;
		int e = errno;
		nr(&a1, &max);
		printf("user: open until %s, file-nr at the max: %s\n", en(e),
		       a1 == max ? "yes" : "no");
		int pp[2];
		printf("user: pipe %s\n", pipe(pp) ? en(errno) : "ok");
		printf("user: socket %s\n", socket(AF_UNIX, SOCK_STREAM, 0) < 0 ? en(errno) : "ok");
		/* root is not held to it: the parent opens one meanwhile */
		char c = 0;
		if (write(up[1], &c, 1) != 1 || read(down[0], &c, 1) != 1)
			_exit(5);
		close(100);
		printf("user: after a close, open %s\n",
		       open("/dev/null", O_RDONLY) >= 0 ? "ok" : en(errno));
		_exit(n > 1000 ? 0 : 4);
	}
	char c;
	if (read(up[0], &c, 1) == 1) {
		int r = open("/dev/null", O_RDONLY);
		printf("root at the max: open %s\n", r >= 0 ? "ok" : en(errno));
		close(r);
		if (write(down[1], &c, 1) != 1)
			return 3;
	}
	int st;
	waitpid(p, &st, 0);
	printf("user child: %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	nr(&a1, &max);
	printf("all given back: %s\n", a1 <= a0 + 5 ? "yes" : "no");
	return 0;
}
