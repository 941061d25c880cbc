/* txtbsy.c: a running program's file cannot be written (ETXTBSY): opened
 * for writing, with O_TRUNC, or truncated, by another process or through
 * /proc/self/exe; it can again once the program has exited. And the
 * reverse: a file open for writing (a program or a #! script) cannot be
 * executed. */
#include "abi.h"
#include <sys/socket.h>
#include <sys/wait.h>

static char self[4096];

static const char *ename(int e) { return e == ETXTBSY ? "ETXTBSY" : abi_errname(e); }

/* The result of an open: "ok" (closed again) or the errno. */
static void try_open(const char *what, const char *path, int flags)
{
	errno = 0;
	int fd = open(path, flags, 0755);
	printf("%s: %s\n", what, fd >= 0 ? "ok" : ename(errno));
	if (fd >= 0)
		close(fd);
}

static void try_truncate(const char *what, const char *path)
{
	errno = 0;
	int r = truncate(path, 0);
	printf("%s: %s\n", what, r == 0 ? "ok" : ename(errno));
}

/* Copies this program to path (mode 0755); returns an fd still open for
 * writing when keep, else closes it. */
static int copy_self(const char *path, int keep)
{
	int in = open(self, O_RDONLY);
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	char buf[65536];
	ssize_t n;
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -1;
	close(in);
	if (keep)
		return out;
	close(out);
	return 0;
}

/* Runs path ("run" role) in a child: its exit status, or the errno of its
 * execve printed. */
static void try_exec(const char *what, const char *path)
{
	int pfd[2];
	pipe(pfd);
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		char *av[] = { (char *)path, "run", NULL };
		close(pfd[0]);
		execve(path, av, NULL);
		int e = errno;
		write(pfd[1], &e, sizeof(e));
		_exit(127);
	}
	close(pfd[1]);
	int e, st;
	ssize_t n = read(pfd[0], &e, sizeof(e));
	close(pfd[0]);
	waitpid(p, &st, 0);
	if (n == sizeof(e))
		printf("%s: execve %s\n", what, ename(e));
	else
		printf("%s: ran, status %d\n", what, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return 3;
	if (argc >= 2 && strstr(argv[1], "script")) /* run by a #! line */
		return 4;
	if (argc >= 3 && !strcmp(argv[1], "wait")) {
		/* the running copy: its own file through /proc/self/exe, then
		 * tell the parent and wait until it closes the pipe */
		try_open("  child: /proc/self/exe O_RDONLY|O_TRUNC", "/proc/self/exe",
			 O_RDONLY | O_TRUNC);
		try_open("  child: /proc/self/exe O_WRONLY", "/proc/self/exe", O_WRONLY);
		try_open("  child: /proc/self/exe O_RDONLY", "/proc/self/exe", O_RDONLY);
		fflush(stdout);
		int fd = atoi(argv[2]);
		char c;
		write(fd, "r", 1);
		while (read(fd, &c, 1) > 0)
			;
		return 5;
	}
	abi_init(argc, argv);
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return 1;
	self[n] = 0;

	try_open("self: /proc/self/exe O_RDONLY|O_TRUNC", "/proc/self/exe", O_RDONLY | O_TRUNC);
	try_open("self: /proc/self/exe O_RDWR", "/proc/self/exe", O_RDWR);

	if (copy_self("copy", 0))
		return 1;
	int sv[2]; /* the child says it runs, then waits for our end's close */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		char fdarg[16];
		snprintf(fdarg, sizeof(fdarg), "%d", sv[1]);
		char *av[] = { "copy", "wait", fdarg, NULL };
		close(sv[0]);
		execve("./copy", av, NULL);
		_exit(127);
	}
	close(sv[1]);
	char c;
	R(read(sv[0], &c, 1));
	try_open("running: O_WRONLY", "copy", O_WRONLY);
	try_open("running: O_RDWR", "copy", O_RDWR);
	try_open("running: O_RDONLY|O_TRUNC", "copy", O_RDONLY | O_TRUNC);
	try_open("running: O_WRONLY|O_TRUNC", "copy", O_WRONLY | O_TRUNC);
	try_open("running: O_CREAT|O_WRONLY", "copy", O_CREAT | O_WRONLY);
	try_open("running: O_RDONLY", "copy", O_RDONLY);
	try_truncate("running: truncate", "copy");
	try_exec("running: executed again", "./copy");
	close(sv[0]);
	int st;
	waitpid(p, &st, 0);
	printf("child: status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	try_open("exited: O_WRONLY", "copy", O_WRONLY);
	try_truncate("exited: truncate", "copy");

	/* The reverse: a file open for writing cannot be run. */
	int w = copy_self("w", 1);
	if (w < 0)
		return 1;
	try_exec("open for writing", "./w");
	int r = open("w", O_RDONLY);
	try_exec("open for writing and reading", "./w");
	close(w);
	try_exec("closed", "./w");
	close(r);
	char script[4200];
	int sl = snprintf(script, sizeof(script), "#!%s/w\n", getcwd(NULL, 0));
	int s = open("script", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	write(s, script, sl);
	try_exec("script open for writing", "./script");
	close(s);
	try_exec("script closed", "./script");
	return 0;
}
