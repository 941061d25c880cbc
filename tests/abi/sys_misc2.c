/* sys_misc2.c: sysfs(2) (the filesystem types by index: names and
 * indexes agree both ways, "proc" is one; EINVAL, ENOENT, EFAULT),
 * restart_syscall with nothing to restart (EINTR), and process_mrelease
 * (EINVAL for a live process, ESRCH for a zombie and once it is reaped,
 * EBADF for a descriptor that is no pidfd, EINVAL for flags). */
#include "abi.h"
#include <signal.h>
#include <sys/syscall.h>

#ifndef SYS_process_mrelease
#define SYS_process_mrelease 448
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

int main(int argc, char **argv)
{
	abi_init(argc, argv);

	long n = syscall(SYS_sysfs, 3);
	printf("sysfs(3) > 0: %d\n", n > 0);
	int bad = 0;
	for (long i = 0; i < n; i++) {
		char name[256];
		if (syscall(SYS_sysfs, 2, i, name) != 0 || syscall(SYS_sysfs, 1, name) != i)
			bad++;
	}
	printf("names and indexes agree: %d\n", bad == 0);
	printf("proc is a type: %d\n", syscall(SYS_sysfs, 1, "proc") >= 0);
	R(syscall(SYS_sysfs, 1, "nosuchfs"));
	R(syscall(SYS_sysfs, 1, ""));
	R(syscall(SYS_sysfs, 1, (char *)8));
	R(syscall(SYS_sysfs, 2, n, (char[64]){ 0 }));
	R(syscall(SYS_sysfs, 2, 0, (char *)8));
	R(syscall(SYS_sysfs, 0, 0, 0));
	R(syscall(SYS_sysfs, 4, 0, 0));

	R(syscall(SYS_restart_syscall));

	int pp[2];
	pipe(pp);
	pid_t c = fork();
	if (c == 0) {
		char ch;
		read(pp[0], &ch, 1);
		_exit(0);
	}
	int pfd = (int)syscall(SYS_pidfd_open, c, 0);
	R(syscall(SYS_process_mrelease, pfd, 0));
	R(syscall(SYS_process_mrelease, pfd, 1));
	R(syscall(SYS_process_mrelease, pp[0], 0));
	R(syscall(SYS_process_mrelease, 999, 0));
	int self = (int)syscall(SYS_pidfd_open, getpid(), 0);
	R(syscall(SYS_process_mrelease, self, 0));
	write(pp[1], "x", 1);
	siginfo_t si;
	waitid(P_PID, c, &si, WEXITED | WNOWAIT);
	R(syscall(SYS_process_mrelease, pfd, 0));
	waitpid(c, NULL, 0);
	R(syscall(SYS_process_mrelease, pfd, 0));
	return 0;
}
