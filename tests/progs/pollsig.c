/* pollsig.c: the temporary signal mask of ppoll, pselect and epoll_pwait:
 * SIGALRM is blocked, the call unblocks it while it waits, the handler
 * runs and the call fails with EINTR; afterwards SIGALRM is blocked again.
 * Plain poll with SIGALRM blocked just times out. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <unistd.h>
#include "show.h"

static volatile sig_atomic_t got;

static void on_alarm(int sig) { got++; }

static void arm(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 30000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static void report(const char *what, int r)
{
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	printf("%s: %d %s, handler ran %d, SIGALRM blocked after %d\n", what, r,
	       r < 0 ? errname(errno) : "", (int)got, sigismember(&now, SIGALRM));
	got = 0;
}

int main(void)
{
	int p[2];
	sigset_t block, empty;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(&empty);
	pipe(p);

	struct pollfd f = { p[0], POLLIN, 0 };
	struct timespec ts = { 5, 0 };
	arm();
	report("ppoll", ppoll(&f, 1, &ts, &empty));

	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	ts.tv_sec = 5;
	arm();
	report("pselect", pselect(p[0] + 1, &rs, NULL, NULL, &ts, &empty));

	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN };
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	arm();
	report("epoll_pwait", epoll_pwait(ep, &ev, 1, 5000, &empty));

	/* blocked during a plain poll: the poll times out, the signal stays
	 * pending and runs when unblocked */
	arm();
	report("poll, SIGALRM blocked", poll(&f, 1, 100));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	printf("after unblocking: handler ran %d\n", (int)got);

	/* ppoll whose mask blocks the signal: it times out, and the handler
	 * runs as the old mask comes back */
	got = 0;
	arm();
	ts.tv_sec = 0;
	ts.tv_nsec = 100000000;
	report("ppoll blocking SIGALRM", ppoll(&f, 1, &ts, &block));
	printf("after ppoll: handler ran %d\n", (int)got);
	return 0;
}
