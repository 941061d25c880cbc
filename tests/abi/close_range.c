/* close_range.c: close_range closing and marking close-on-exec a range of
 * descriptors, CLOSE_RANGE_UNSHARE in a child sharing the table
 * (CLONE_FILES), and its errors. */
#include "abi.h"
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static long cr(unsigned a, unsigned b, unsigned fl) { return syscall(SYS_close_range, a, b, fl); }

static void show(int from, int to)
{
	for (int fd = from; fd <= to; fd++) {
		int r = fcntl(fd, F_GETFD);
		printf("fd %d: %s\n", fd, r < 0 ? "closed" : r ? "cloexec" : "open");
	}
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	for (int i = 0; i < 8; i++)
		OK(open(".", O_RDONLY)); /* 3..10 */
	R(cr(5, 7, 0));
	show(3, 10);
	R(cr(8, 9, CLOSE_RANGE_CLOEXEC));
	show(3, 10);
	R(cr(4, 3, 0));
	R(cr(3, 4, 8));
	R(cr(3, 4, ~0u));
	R(cr(100, 200, 0));
	R(cr(9, ~0u, 0));
	show(3, 10);
	R(cr(3, 3, CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC));
	show(3, 4);

	/* a child sharing the table unshares it first: ours stays */
	int pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(syscall(SYS_close_range, 3, ~0u, CLOSE_RANGE_UNSHARE) == 0 &&
				      fcntl(3, F_GETFD) < 0
			      ? 7
			      : 1);
	int st;
	waitpid(pid, &st, 0);
	R(WEXITSTATUS(st));
	show(3, 4);
	pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(syscall(SYS_close_range, 4, 4, 0) == 0 ? 7 : 1);
	waitpid(pid, &st, 0);
	R(WEXITSTATUS(st));
	show(3, 4);
	R(cr(0, ~0u, 0) == 0 && write(1, "x", 1) < 0);
	return 0;
}
