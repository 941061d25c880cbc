/* pipe_limits.c: the per-user pipe buffer limits: fs.pipe-max-size (only
 * CAP_SYS_RESOURCE grows a pipe beyond it: the program drops that, which a
 * host in a container may lack anyway), fs.pipe-user-pages-soft (past it
 * an unprivileged user's new pipes hold 2 pages and may not grow; closing
 * pipes gives the room back; root, with CAP_SYS_ADMIN, is exempt). Runs
 * as root; the user part as an unused uid. */
#include "abi.h"
#include <sys/resource.h>
#include <stdint.h>
#include <sys/syscall.h>

static void drop_sys_resource(void)
{
	struct {
		uint32_t version;
		int pid;
	} h = { 0x20080522, 0 };
	struct {
		uint32_t eff, perm, inh;
	} d[2];
	if (syscall(SYS_capget, &h, d) != 0)
		return;
	d[0].eff &= ~(1u << 24); /* CAP_SYS_RESOURCE */
	d[0].perm &= ~(1u << 24);
	syscall(SYS_capset, &h, d);
}

#define NPIPES 1030

static void show_file(const char *path)
{
	char buf[64];
	if (abi_get(path, buf, sizeof(buf)) < 0)
		printf("%s: %s\n", path, abi_errname(errno));
	else
		printf("%s: %s", path, buf);
}

static int fds[NPIPES][2];

static void as_user(void)
{
	R(setresgid(54321, 54321, 54321));
	R(setresuid(54321, 54321, 54321));
	int p[2];
	R(pipe(p));
	R(fcntl(p[1], F_SETPIPE_SZ, 2 << 20));
	R(fcntl(p[1], F_SETPIPE_SZ, 1 << 20));
	R(fcntl(p[1], F_SETPIPE_SZ, 4096));
	close(p[0]);
	close(p[1]);
	int n = 0;
	for (; n < NPIPES; n++)
		if (pipe(fds[n]) != 0) {
			printf("pipe %d: %s\n", n, abi_errname(errno));
			break;
		}
	printf("pipes: %d\n", n);
	int small = 0, first = -1;
	for (int i = 0; i < n; i++)
		if (fcntl(fds[i][0], F_GETPIPE_SZ) != 65536) {
			small++;
			if (first < 0)
				first = i;
		}
	printf("small pipes: %d, the first: %d\n", small, first);
	R(fcntl(fds[n - 1][0], F_GETPIPE_SZ));
	R(fcntl(fds[n - 1][0], F_SETPIPE_SZ, 65536)); /* may not grow */
	R(fcntl(fds[n - 1][0], F_SETPIPE_SZ, 4096));  /* may shrink */
	R(fcntl(fds[0][0], F_SETPIPE_SZ, 4096));
	R(fcntl(fds[0][0], F_SETPIPE_SZ, 65536)); /* back to what it had */
	R(fcntl(fds[0][0], F_SETPIPE_SZ, 131072));
	/* the room comes back when pipes close */
	for (int i = 0; i < 100; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	R(pipe(p));
	R(fcntl(p[0], F_GETPIPE_SZ));
	R(fcntl(p[0], F_SETPIPE_SZ, 131072));
	_exit(0);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	(void)abi_put;
	(void)abi_child;
	show_file("/proc/sys/fs/pipe-max-size");
	show_file("/proc/sys/fs/pipe-user-pages-soft");
	show_file("/proc/sys/fs/pipe-user-pages-hard");
	int p[2];
	struct rlimit rl = { 4096, 4096 };
	R(setrlimit(RLIMIT_NOFILE, &rl));
	drop_sys_resource(); /* after raising the limit, which needs it */
	R(pipe(p));
	/* beyond pipe-max-size */
	R(fcntl(p[1], F_SETPIPE_SZ, 2 << 20));
	R(fcntl(p[1], F_GETPIPE_SZ));
	R(fcntl(p[1], F_SETPIPE_SZ, (1 << 20) + 1));
	R(fcntl(p[1], F_SETPIPE_SZ, 65536));
	/* root is not held to the soft limit */
	int n = 0;
	for (; n < NPIPES; n++)
		if (pipe(fds[n]) != 0)
			break;
	int small = 0;
	for (int i = 0; i < n; i++)
		small += fcntl(fds[i][0], F_GETPIPE_SZ) != 65536;
	printf("root: pipes %d, small %d\n", n, small);
	for (int i = 0; i < n; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	pid_t c = fork();
	if (c == 0)
		as_user();
	int st;
	waitpid(c, &st, 0);
	R(WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st));
	return 0;
}
