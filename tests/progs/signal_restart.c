/* signal_restart.c: system calls interrupted by a handler: a pipe read
 * and a futex wait restart with SA_RESTART and fail with EINTR without it;
 * nanosleep and pause fail with EINTR either way. The handler runs from a
 * one-shot interval timer. */
#define _GNU_SOURCE
#include <errno.h>
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

static void arm(int restart)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

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
		hits = 0;
		arm(restart);
		r = read(fds[0], &c, 1);
		printf("%s: read = %ld %s hits %d\n", how, r,
		       r < 0 && errno == EINTR ? "EINTR" : "", hits);
		if (r < 0)
			r = read(fds[0], &c, 1); /* the handler's byte */

		word = 0;
		arm(restart);
		r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
		/* restarted: the word is 1 now, so the wait fails with EAGAIN */
		printf("%s: futex = %ld %s\n", how, r,
		       r < 0 && errno == EINTR    ? "EINTR"
		       : r < 0 && errno == EAGAIN ? "EAGAIN"
						  : "");
		r = read(fds[0], &c, 1);

		arm(restart);
		struct timespec ts = { 5, 0 }, rem = { 0, 0 };
		r = nanosleep(&ts, &rem);
		printf("%s: nanosleep = %ld %s rem<5s %d\n", how, r,
		       r < 0 && errno == EINTR ? "EINTR" : "",
		       rem.tv_sec < 5 && (rem.tv_sec > 0 || rem.tv_nsec > 0));
		r = read(fds[0], &c, 1);

		arm(restart);
		r = pause();
		printf("%s: pause = %ld %s\n", how, r, errno == EINTR ? "EINTR" : "");
		r = read(fds[0], &c, 1);
	}
	return 0;
}
