/* poll_wake.c: what wakes a thread asleep in poll or select, when another
 * thread acts: closing the other end of the polled pipe (POLLHUP),
 * closing the polled descriptor itself and then the other end (POLLNVAL:
 * the call keeps the file until it looks again), an eventfd written, a
 * timerfd armed while polled, a child's exit seen through a pidfd polled
 * beside a pipe, a signal (EINTR), a timeout, and a set of 50 pipes of
 * which the last one gets a byte; each finishes well before its long
 * timeout. */
#include "abi.h"
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>

static struct pollfd pfd[64];
static int npfd, ret, err;
static long long took_ms;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ll + ts.tv_nsec / 1000000;
}

static void *poller(void *arg)
{
	int timeout = (int)(long)arg;
	long long t0 = now_ms();
	errno = 0;
	ret = poll(pfd, npfd, timeout);
	err = errno;
	took_ms = now_ms() - t0;
	return NULL;
}

static pthread_t start(int timeout)
{
	pthread_t t;
	pthread_create(&t, NULL, poller, (void *)(long)timeout);
	usleep(100000); /* asleep in poll */
	return t;
}

/* Joins the poller; prints its result and each revents, and whether it
 * took under a second (short) or about its timeout (not short). */
static void finish(const char *what, pthread_t t)
{
	pthread_join(t, NULL);
	printf("%s: poll = %d%s%s:", what, ret, ret < 0 ? " " : "",
	       ret < 0 ? abi_errname(err) : "");
	for (int i = 0; i < npfd; i++)
		if (pfd[i].revents)
			printf(" [%d] %x", i, pfd[i].revents);
	printf(", under 1 s: %s\n", took_ms < 1000 ? "yes" : "no");
}

static void on_usr1(int sig) { (void)sig; }

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	int p[2];
	pthread_t t;

	/* the writer goes: POLLHUP */
	R(pipe(p));
	pfd[0] = (struct pollfd){ p[0], POLLIN, 0 };
	npfd = 1;
	t = start(10000);
	close(p[1]);
	finish("writer closed", t);
	close(p[0]);

	/* the polled descriptor goes, then the writer: POLLNVAL */
	R(pipe(p));
	pfd[0] = (struct pollfd){ p[0], POLLIN, 0 };
	t = start(10000);
	close(p[0]);
	usleep(50000);
	close(p[1]);
	finish("polled fd closed, then writer", t);

	/* a byte to the write end the reader polls, then the read end closes */
	R(pipe(p));
	pfd[0] = (struct pollfd){ p[1], POLLOUT, 0 };
	char big[4096];
	memset(big, 'x', sizeof(big));
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	while (write(p[1], big, sizeof(big)) > 0)
		; /* full */
	t = start(10000);
	close(p[0]);
	finish("reader closed", t);
	close(p[1]);

	/* eventfd */
	int e = R(eventfd(0, 0));
	pfd[0] = (struct pollfd){ e, POLLIN, 0 };
	t = start(10000);
	uint64_t one = 1;
	R(write(e, &one, 8));
	finish("eventfd written", t);
	close(e);

	/* a timerfd armed while polled */
	int tf = R(timerfd_create(CLOCK_MONOTONIC, 0));
	pfd[0] = (struct pollfd){ tf, POLLIN, 0 };
	t = start(10000);
	struct itimerspec its = { { 0, 0 }, { 0, 50000000 } };
	R(timerfd_settime(tf, 0, &its, NULL));
	finish("timerfd armed", t);
	close(tf);

	/* a pidfd (no wake-up counters) beside a pipe */
	R(pipe(p));
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		usleep(200000);
		_exit(0);
	}
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	printf("pidfd_open: %s\n", pidfd >= 0 ? "ok" : abi_errname(errno));
	pfd[0] = (struct pollfd){ p[0], POLLIN, 0 };
	pfd[1] = (struct pollfd){ pidfd, POLLIN, 0 };
	npfd = 2;
	t = start(10000);
	finish("child exited", t);
	waitpid(pid, NULL, 0);
	close(pidfd);

	/* a signal, then the pipe it polled is closed and freed */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	npfd = 1;
	t = start(10000);
	pthread_kill(t, SIGUSR1);
	finish("signal", t);
	close(p[0]);
	close(p[1]);

	/* a timeout */
	R(pipe(p));
	pfd[0] = (struct pollfd){ p[0], POLLIN, 0 };
	t = start(200);
	finish("timeout", t);
	close(p[0]);
	close(p[1]);

	/* 50 descriptors: the last pipe gets a byte from another thread */
	int ps[25][2];
	for (int i = 0; i < 25; i++) {
		if (pipe(ps[i]))
			return 1;
		pfd[2 * i] = (struct pollfd){ ps[i][0], POLLIN, 0 };
		pfd[2 * i + 1] = (struct pollfd){ ps[i][1], 0, 0 };
	}
	npfd = 50;
	t = start(10000);
	R(write(ps[24][1], "y", 1));
	finish("50 fds, the last written", t);

	/* select on the same: the last pipe's writer goes */
	fd_set in;
	FD_ZERO(&in);
	int max = 0;
	for (int i = 0; i < 25; i++) {
		FD_SET(ps[i][0], &in);
		max = ps[i][0] > max ? ps[i][0] : max;
	}
	char c;
	R(read(ps[24][0], &c, 1));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(ps[24][1]); /* the parent's copy goes below */
		struct timeval tv = { 10, 0 };
		int r = select(max + 1, &in, NULL, NULL, &tv);
		printf("select = %d, last set: %d\n", r, FD_ISSET(ps[24][0], &in) != 0);
		fflush(stdout);
		_exit(0);
	}
	usleep(100000);
	close(ps[24][1]);
	int st;
	waitpid(pid, &st, 0);
	abi_child("select child", st);
	return 0;
}
