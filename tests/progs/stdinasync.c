/* stdinasync.c: signal-driven standard input: F_SETOWN and FIOASYNC on
 * fd 0 (the console under htux, a pipe natively), SIGIO blocked and
 * taken with sigtimedwait when the input arrives, then the input read.
 * It prints "ready" once O_ASYNC is on: the caller sends input after it.
 * Input already there before O_ASYNC was on: exits 77 (the caller was
 * too quick to tell). */
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	sigset_t set;
	siginfo_t si;
	struct timespec ts = { 30, 0 };
	char buf[256];
	int on = 1, n = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGIO);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (fcntl(0, F_SETOWN, getpid()) < 0 || ioctl(0, FIOASYNC, &on) < 0) {
		perror("FIOASYNC");
		return 1;
	}
	if (ioctl(0, FIONREAD, &n) == 0 && n > 0)
		return 77;
	printf("ready\n");
	fflush(stdout);
	int s = sigtimedwait(&set, &si, &ts);
	printf("signal: %s, si_code %s\n", s == SIGIO ? "SIGIO" : "none",
	       si.si_code == SI_KERNEL ? "SI_KERNEL" : "other");
	/* the console's input comes a byte at a time (a serial line): the
	 * line may take several reads, as from a terminal in raw mode */
	size_t got = 0;
	while (got < sizeof(buf) - 1 && (got == 0 || buf[got - 1] != '\n')) {
		ssize_t k = read(0, buf + got, sizeof(buf) - 1 - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	if (got > 0) {
		buf[got] = 0;
		printf("read: %s", buf);
	}
	return 0;
}
