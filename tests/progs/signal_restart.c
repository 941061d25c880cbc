/* signal_restart.c: system calls interrupted by a handler: a pipe read
 * and a futex wait restart with SA_RESTART and fail with EINTR without it;
 * nanosleep and pause fail with EINTR either way. The handler runs from a
 * one-shot interval timer (a repeating one for pause). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#define FUTEX_WAIT_PRIVATE 128 /* <linux/futex.h>, which musl-gcc lacks */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int fds[2];
static volatile int word, hits;

static void on_alarm(int sig)
{
	(void)sig;
	hits++;
	if (write(fds[1], "x", 1) != 1)
		hits += 100;
	word = 1;
}

/* One-shot after usec, or every usec when repeat (for pause, which a
 * signal that came too early would leave waiting for ever). */
static void arm(int restart, long usec, int repeat)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, repeat ? usec : 0 }, { 0, usec } };
	setitimer(ITIMER_REAL, &it, NULL);
}

/* Stops the timer and empties the pipe of the handler's bytes. */
static void settle(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	char buf[64];
	setitimer(ITIMER_REAL, &off, NULL);
	int fl = fcntl(fds[0], F_GETFL);
	fcntl(fds[0], F_SETFL, fl | O_NONBLOCK);
	while (read(fds[0], buf, sizeof buf) > 0)
		;
	fcntl(fds[0], F_SETFL, fl);
}

/* A busy host can run the handler before the call it should interrupt
 * starts (the timer is 20 ms); such a try is told by its result and
 * made again with a longer timer, so the output does not depend on the
 * machine's load. */
#define TRIES 5

int main(void)
{
	char c;
	long r;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (pipe(fds) != 0) {
		perror("pipe");
		return 1;
	}
	for (int restart = 0; restart <= 1; restart++) {
		const char *how = restart ? "SA_RESTART" : "no SA_RESTART";
		long usec = 20000;
		int eintr = 0;
		for (int t = 0; t < TRIES; t++, usec *= 3) {
			hits = 0;
			arm(restart, usec, 0);
			r = read(fds[0], &c, 1);
			eintr = r < 0 && errno == EINTR;
			settle();
			if (restart || eintr)
				break; /* else the byte was there before the read */
		}
		printf("%s: read = %ld %s hits %d\n", how, r, eintr ? "EINTR" : "", hits);

		usec = 20000;
		for (int t = 0; t < TRIES; t++, usec *= 3) {
			word = 0;
			arm(restart, usec, 0);
			r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
			eintr = r < 0 && errno == EINTR;
			settle();
			if (restart || eintr)
				break; /* else the word was 1 before the wait */
		}
		/* restarted: the word is 1 now, so the wait fails with EAGAIN */
		printf("%s: futex = %ld %s\n", how, r,
		       eintr                      ? "EINTR"
		       : r < 0 && errno == EAGAIN ? "EAGAIN"
						  : "");

		usec = 20000;
		struct timespec ts = { 5, 0 }, rem = { 0, 0 };
		for (int t = 0; t < TRIES; t++, usec *= 3) {
			arm(restart, usec, 0);
			rem.tv_sec = rem.tv_nsec = 0;
			r = nanosleep(&ts, &rem);
			eintr = r < 0 && errno == EINTR;
			settle();
			if (eintr)
				break; /* else the signal came before the sleep */
		}
		printf("%s: nanosleep = %ld %s rem<5s %d\n", how, r, eintr ? "EINTR" : "",
		       rem.tv_sec < 5 && (rem.tv_sec > 0 || rem.tv_nsec > 0));

		arm(restart, 20000, 1);
		r = pause();
		printf("%s: pause = %ld %s\n", how, r, errno == EINTR ? "EINTR" : "");
		settle();
	}
	return 0;
}
