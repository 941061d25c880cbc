/* pollsel.c: poll, ppoll, select and pselect on pipes, an eventfd and
 * files without a poll operation: timeouts (a 50 ms timeout returns 0 and
 * leaves no time), readiness bits, POLLHUP and POLLERR, POLLNVAL, EBADF. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "show.h"

static volatile nfds_t too_many = 1025;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void poll_show(const char *what, struct pollfd *fds, int n, int timeout)
{
	int r = poll(fds, n, timeout);
	if (r < 0) {
		show(what, r);
		return;
	}
	printf("%s: %d", what, r);
	for (int i = 0; i < n; i++)
		printf(" %#x", fds[i].revents);
	printf("\n");
}

static void select_show(const char *what, int rfd, int wfd, struct timeval *tv)
{
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	int n = 0;
	if (rfd >= 0) {
		FD_SET(rfd, &r);
		n = rfd + 1;
	}
	if (wfd >= 0) {
		FD_SET(wfd, &w);
		n = wfd + 1 > n ? wfd + 1 : n;
	}
	int k = select(n, &r, &w, NULL, tv);
	if (k < 0) {
		show(what, k);
		return;
	}
	printf("%s: %d read %d write %d", what, k, rfd >= 0 && FD_ISSET(rfd, &r),
	       wfd >= 0 && FD_ISSET(wfd, &w));
	if (tv)
		printf(" left %s", tv->tv_sec == 0 && tv->tv_usec == 0 ? "0" : "> 0");
	printf("\n");
}

int main(void)
{
	int p[2];
	signal(SIGPIPE, SIG_IGN);
	pipe(p);

	struct pollfd fds[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
	long long t0 = now_ms();
	poll_show("poll empty read end, 50 ms", fds, 1, 50);
	printf("waited >= 45 ms: %d\n", now_ms() - t0 >= 45);
	poll_show("poll both ends", fds, 2, 0);
	write(p[1], "x", 1);
	poll_show("poll after write", fds, 2, -1);
	fds[0].events = POLLIN | POLLRDNORM | POLLOUT;
	poll_show("poll asking POLLOUT of the read end", fds, 1, 0);

	struct timeval tv = { 0, 50000 };
	char c;
	read(p[0], &c, 1);
	t0 = now_ms();
	select_show("select empty, 50 ms", p[0], -1, &tv);
	printf("waited >= 45 ms: %d\n", now_ms() - t0 >= 45);
	tv.tv_sec = 5;
	tv.tv_usec = 0;
	select_show("select writable", -1, p[1], &tv);
	printf("time left > 4 s: %d\n", tv.tv_sec >= 4);
	write(p[1], "y", 1);
	select_show("select readable, no timeout", p[0], p[1], NULL);
	tv.tv_sec = 0;
	tv.tv_usec = 0;
	select_show("select zero timeout", p[0], p[1], &tv);
	tv.tv_sec = 0;
	tv.tv_usec = 2500000; /* more than a second of microseconds */
	select_show("select 2.5 s in tv_usec", p[0], -1, &tv);
	printf("time left > 1 s: %d\n", tv.tv_sec >= 1);
	tv.tv_sec = -1;
	select_show("select negative timeout", p[0], -1, &tv);
	select_show("select closed fd", 40, -1, NULL);

	struct timespec ts = { 0, 30000000 };
	sigset_t mask;
	sigemptyset(&mask);
	read(p[0], &c, 1);
	int r = ppoll(fds, 1, &ts, &mask);
	printf("ppoll 30 ms: %d left %ld.%09ld\n", r, (long)ts.tv_sec, ts.tv_nsec);
	ts.tv_nsec = 30000000;
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	r = pselect(p[0] + 1, &rs, NULL, NULL, &ts, &mask);
	printf("pselect 30 ms: %d\n", r);
	ts.tv_nsec = 1000000000;
	show("ppoll bad timeout", ppoll(fds, 1, &ts, NULL));

	/* hang-ups */
	close(p[1]);
	fds[0].events = POLLIN;
	poll_show("poll read end, writer gone", fds, 1, 0);
	select_show("select read end, writer gone", p[0], -1, NULL);
	close(p[0]);
	pipe(p);
	close(p[0]);
	fds[1].fd = p[1];
	poll_show("poll write end, reader gone", &fds[1], 1, 0);
	select_show("select write end, reader gone", -1, p[1], NULL);
	close(p[1]);

	/* eventfd, files without poll, bad descriptors */
	int efd = eventfd(0, 0);
	int null = open("/dev/null", O_RDWR);
	int exe = open("/proc/self/exe", O_RDONLY);
	struct pollfd more[4] = { { efd, POLLIN | POLLOUT, 0 },
				  { null, POLLIN | POLLOUT, 0 },
				  { exe, POLLIN, 0 },
				  { -1, POLLIN, 0 } };
	poll_show("poll eventfd, /dev/null, a file, fd -1", more, 4, 0);
	uint64_t v = 1;
	write(efd, &v, sizeof(v));
	poll_show("poll eventfd after write", more, 1, 0);
	close(null);
	more[0].fd = null;
	poll_show("poll closed fd", more, 1, 0);
	struct rlimit rl = { 1024, 1024 };
	setrlimit(RLIMIT_NOFILE, &rl);
	show("poll more fds than RLIMIT_NOFILE", poll(more, too_many, 0));
	show("select n < 0", select(-1, NULL, NULL, NULL, NULL));
	/* select with nothing to wait for is a sleep */
	tv.tv_sec = 0;
	tv.tv_usec = 20000;
	t0 = now_ms();
	show("select as a sleep", select(0, NULL, NULL, NULL, &tv));
	printf("slept >= 15 ms: %d\n", now_ms() - t0 >= 15);
	return 0;
}
