/* vhangup.c: vhangup needs CAP_SYS_TTY_CONFIG (EPERM); with no
 * controlling terminal it does nothing; with a pseudo-terminal as one,
 * the session leader gets SIGHUP and SIGCONT and the terminal is no
 * longer the session's (TIOCGSID: ENOTTY). */
#include "abi.h"
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

static volatile int hups, conts;
static void on_hup(int sig)
{
	(void)sig;
	hups++;
}
static void on_cont(int sig)
{
	(void)sig;
	conts++;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int st;
	pid_t c = fork();
	if (c == 0) {
		if (setuid(65534) != 0)
			_exit(100);
		_exit(ABI_CHILD_RESULT(syscall(SYS_vhangup)));
	}
	waitpid(c, &st, 0);
	abi_child("unprivileged", st);

	c = fork();
	if (c == 0) {
		setsid();
		_exit(ABI_CHILD_RESULT(syscall(SYS_vhangup)));
	}
	waitpid(c, &st, 0);
	abi_child("no terminal", st);

	fflush(stdout);
	c = fork();
	if (c == 0) {
		setsid();
		int m = posix_openpt(O_RDWR | O_NOCTTY);
		grantpt(m);
		unlockpt(m);
		char name[64];
		snprintf(name, sizeof(name), "%s", ptsname(m));
		int s = open(name, O_RDWR | O_NOCTTY);
		R(ioctl(s, TIOCSCTTY, 0));
		pid_t sid;
		R(ioctl(s, TIOCGSID, &sid) == 0 && sid == getpid());
		signal(SIGHUP, on_hup);
		signal(SIGCONT, on_cont);
		R(syscall(SYS_vhangup));
		printf("SIGHUP %d, SIGCONT %d\n", hups, conts);
		int s2 = open(name, O_RDWR | O_NOCTTY);
		R(ioctl(s2, TIOCGSID, &sid));
		R(syscall(SYS_vhangup));
		printf("SIGHUP %d, SIGCONT %d\n", hups, conts);
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("terminal child: %d\n", WEXITSTATUS(st));
	return 0;
}
