/* poll.c: poll, ppoll, select and pselect on pipes: readiness of each
 * end, POLLHUP and POLLERR, POLLNVAL, negative fds ignored, timeouts of 0
 * and a short one, and the errors. */
#include "abi.h"
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <time.h>

static void show(struct pollfd *p, int n, int r)
{
	printf("poll = %d:", r);
	for (int i = 0; i < n; i++)
		printf(" %x", p[i].revents);
	printf("\n");
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	int p[2];
	R(pipe(p));
	struct pollfd f[4] = { { p[0], POLLIN | POLLOUT, 0 },
			       { p[1], POLLIN | POLLOUT, 0 },
			       { -1, POLLIN, 0 },
			       { 99, POLLIN, 0 } };
	show(f, 4, poll(f, 4, 0));
	R(write(p[1], "x", 1));
	show(f, 4, poll(f, 4, 0));
	f[0].events = 0;
	show(f, 2, poll(f, 2, 0));
	f[0].events = POLLIN;
	R(close(p[1]));
	show(f, 1, poll(f, 1, 0));
	char c;
	R(read(p[0], &c, 1));
	show(f, 1, poll(f, 1, 0));
	R(close(p[0]));
	R(pipe(p));
	R(close(p[0]));
	f[1].fd = p[1];
	f[1].events = POLLOUT;
	show(f + 1, 1, poll(f + 1, 1, 0));
	R(close(p[1]));
	/* a timeout */
	R(pipe(p));
	f[0].fd = p[0];
	f[0].events = POLLIN;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	show(f, 1, poll(f, 1, 30));
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	SAY(ms >= 29);
	struct timespec ts = { 0, 1000000 };
	sigset_t none;
	sigemptyset(&none);
	show(f, 1, ppoll(f, 1, &ts, &none));
	/* select */
	R(write(p[1], "y", 1));
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &r);
	FD_SET(p[1], &w);
	struct timeval tv = { 0, 0 };
	R(select(p[1] + 1, &r, &w, NULL, &tv));
	printf("r0 %d r1 %d w1 %d\n", FD_ISSET(p[0], &r), FD_ISSET(p[1], &r), FD_ISSET(p[1], &w));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timespec z = { 0, 0 };
	R(pselect(p[0] + 1, &r, NULL, NULL, &z, &none));
	/* errors */
	FD_ZERO(&r);
	FD_SET(60, &r);
	R(select(61, &r, NULL, NULL, &tv));
	R(select(-1, NULL, NULL, NULL, &tv));
	tv.tv_usec = -1;
	R(select(0, NULL, NULL, NULL, &tv));
	ts.tv_nsec = -1;
	R(ppoll(f, 1, &ts, NULL));
	R(poll(NULL, 1, 0));
	R(poll(NULL, 0, 0));
	return 0;
}
