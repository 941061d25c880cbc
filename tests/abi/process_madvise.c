/* process_madvise.c: advice through a pidfd: for the caller's own
 * memory any madvise advice (MADV_DONTNEED zeroes the pages), for a
 * child's only the hints (MADV_COLD, MADV_PAGEOUT, MADV_WILLNEED); the
 * bytes advised over several ranges; ENOMEM for an unmapped range (or
 * the count done before it); EINVAL, EBADF, EFAULT, EPERM without
 * CAP_SYS_NICE, EACCES without access to the process. Also madvise's
 * MADV_COLD and MADV_PAGEOUT. */
#include "abi.h"
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#ifndef SYS_process_madvise
#define SYS_process_madvise 440
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#endif

static long pm(int fd, struct iovec *v, size_t n, int advice, unsigned flags)
{
	return syscall(SYS_process_madvise, fd, v, n, advice, flags);
}

static int pidfd(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char *p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 'x', 4 * 4096);
	munmap(p + 3 * 4096, 4096);
	int self = pidfd(getpid());

	R(madvise(p, 4096, MADV_COLD));
	R(madvise(p, 4096, MADV_PAGEOUT));
	struct iovec v[2] = { { p, 4096 }, { p + 8192, 4096 } };
	R(pm(self, v, 2, MADV_DONTNEED, 0));
	printf("pages after DONTNEED: %d %c %d\n", p[0], p[4096], p[8192]);
	R(pm(self, v, 2, MADV_COLD, 0));
	R(pm(self, v, 0, MADV_COLD, 0));
	struct iovec hole[2] = { { p, 4096 }, { p + 3 * 4096, 4096 } };
	R(pm(self, hole, 2, MADV_COLD, 0));
	R(pm(self, hole + 1, 1, MADV_COLD, 0));
	struct iovec odd = { p + 1, 4096 };
	R(pm(self, &odd, 1, MADV_COLD, 0));
	R(pm(self, v, 2, 99, 0));
	R(pm(self, v, 2, MADV_COLD, 1));
	R(pm(self, v, 1025, MADV_COLD, 0));
	R(pm(self, (void *)8, 2, MADV_COLD, 0));
	R(pm(999, v, 2, MADV_COLD, 0));
	R(pm(0, v, 2, MADV_COLD, 0));

	int pp[2], st;
	pipe(pp);
	pid_t c = fork();
	if (c == 0) {
		char ch;
		read(pp[0], &ch, 1);
		_exit(p[4096] == 'x' ? 0 : 1);
	}
	int child = pidfd(c);
	struct iovec one = { p + 4096, 4096 };
	R(pm(child, &one, 1, MADV_COLD, 0));
	R(pm(child, &one, 1, MADV_PAGEOUT, 0));
	R(pm(child, &one, 1, MADV_WILLNEED, 0));
	R(pm(child, &one, 1, MADV_DONTNEED, 0));
	R(pm(child, &one, 1, MADV_NORMAL, 0));
	R(pm(child, hole, 2, MADV_COLD, 0));

	pid_t u = fork();
	if (u == 0) {
		if (setuid(65534) != 0)
			_exit(100);
		R(pm(child, &one, 1, MADV_COLD, 0));
		prctl(PR_SET_DUMPABLE, 1); /* setuid cleared it: the child's own child is ours */
		pid_t g = fork();
		if (g == 0) {
			pause();
			_exit(0);
		}
		int gfd = pidfd(g);
		R(pm(gfd, &one, 1, MADV_COLD, 0));
		R(pm(gfd, &one, 1, MADV_DONTNEED, 0));
		kill(g, SIGKILL);
		waitpid(g, NULL, 0);
		_exit(0);
	}
	waitpid(u, &st, 0);
	write(pp[1], "x", 1);
	waitpid(c, &st, 0);
	printf("child's page kept: %d\n", WEXITSTATUS(st) == 0);
	return 0;
}
