/* epoll.c: epoll on pipes, an eventfd and a timerfd: level- versus
 * edge-triggered, one-shot, the data word, hang-ups, items ending when
 * their file closes, nested epoll, timeouts, and epoll_ctl's errors. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include "show.h"

static int ep;

/* epoll_wait(ep, ..., timeout) and one line with what it returned. */
static void wait_show(const char *what, int timeout)
{
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, 8, timeout);
	if (n < 0) {
		show(what, n);
		return;
	}
	printf("%s: %d", what, n);
	for (int i = 0; i < n; i++)
		printf(" [%llu %#x]", (unsigned long long)ev[i].data.u64, ev[i].events);
	printf("\n");
}

static int add(int fd, uint32_t events, uint64_t data)
{
	struct epoll_event e = { .events = events, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static int mod(int fd, uint32_t events, uint64_t data)
{
	struct epoll_event e = { .events = events, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
}

int main(void)
{
	int p[2], q[2];
	char c[4096];

	signal(SIGPIPE, SIG_IGN);
	ep = epoll_create1(EPOLL_CLOEXEC);
	show("epoll_create1", ep >= 0 ? 0 : -1);
	show("F_GETFD", fcntl(ep, F_GETFD));

	/* level-triggered */
	pipe(p);
	show("add LT", add(p[0], EPOLLIN, 1));
	wait_show("LT empty, 50 ms", 50);
	write(p[1], "ab", 2);
	wait_show("LT data", 0);
	wait_show("LT data again", 0);
	read(p[0], c, 1);
	wait_show("LT after reading 1 of 2", 0);
	read(p[0], c, 1);
	wait_show("LT drained", 0);
	show("del", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	show("del again", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));

	/* edge-triggered */
	show("add ET", add(p[0], EPOLLIN | EPOLLET, 2));
	wait_show("ET empty", 0);
	write(p[1], "x", 1);
	wait_show("ET data", 0);
	wait_show("ET data again", 0);
	write(p[1], "y", 1);
	wait_show("ET more data", 0);
	read(p[0], c, 1);
	wait_show("ET after a partial read", 0);
	show("mod ET", mod(p[0], EPOLLIN | EPOLLET, 3));
	wait_show("ET after MOD", 0);
	read(p[0], c, 1);
	epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);

	/* one-shot */
	show("add oneshot", add(p[0], EPOLLIN | EPOLLONESHOT, 4));
	write(p[1], "z", 1);
	wait_show("oneshot", 0);
	wait_show("oneshot again", 0);
	show("mod oneshot", mod(p[0], EPOLLIN | EPOLLONESHOT, 5));
	wait_show("oneshot re-armed", 0);
	read(p[0], c, 1);
	epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);

	/* the write end, edge-triggered EPOLLOUT: writes do not re-arm it,
	 * a read that makes room in a full pipe does */
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	show("add write end ET", add(p[1], EPOLLOUT | EPOLLET, 6));
	wait_show("ET out", 0);
	write(p[1], "a", 1);
	wait_show("ET out after a write", 0);
	while (write(p[1], c, sizeof(c)) > 0)
		;
	wait_show("ET out, full", 0);
	read(p[0], c, sizeof(c));
	wait_show("ET out after a read of a full pipe", 0);
	read(p[0], c, sizeof(c));
	wait_show("ET out after another read", 0);
	epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL);
	while (read(p[0], c, sizeof(c)) == sizeof(c))
		;

	/* several items, hang-up, an item ending with its file */
	pipe(q);
	add(p[0], EPOLLIN, 10);
	add(q[0], EPOLLIN | EPOLLRDHUP, 11);
	add(q[1], EPOLLOUT, 12);
	wait_show("three items", 0);
	write(p[1], "1", 1);
	close(q[1]);
	wait_show("data and a hang-up", 0);
	close(q[0]);
	wait_show("after closing q", 0);
	close(p[1]);
	wait_show("write end closed with data", 0);
	close(p[0]);
	wait_show("all closed", 0);

	/* an item lives as long as its file, not its descriptor */
	pipe(p);
	int d = dup(p[0]);
	add(p[0], EPOLLIN, 13);
	close(p[0]);
	write(p[1], "d", 1);
	wait_show("descriptor closed, a dup keeps the file", 0);
	show("del of the closed descriptor", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	pipe(q); /* takes p[0]'s number again */
	show("add the new file at that number", add(q[0], EPOLLIN, 14));
	write(q[1], "e", 1);
	wait_show("old and new items", 0);
	close(d);
	wait_show("the dup closed too", 0);
	close(q[0]);
	close(q[1]);
	close(p[1]);

	/* eventfd and timerfd */
	int efd = eventfd(0, EFD_NONBLOCK);
	add(efd, EPOLLIN | EPOLLOUT, 20);
	wait_show("eventfd", 0);
	uint64_t v = 2;
	write(efd, &v, sizeof(v));
	wait_show("eventfd after write", 0);
	read(efd, &v, sizeof(v));
	close(efd);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	add(tfd, EPOLLIN | EPOLLET, 21);
	struct itimerspec its = { { 0, 20000000 }, { 0, 20000000 } };
	timerfd_settime(tfd, 0, &its, NULL);
	wait_show("timerfd, before", 0);
	wait_show("timerfd, waiting", 2000);
	wait_show("timerfd ET, at once", 0);
	read(tfd, &v, sizeof(v));
	wait_show("timerfd ET, next period", 2000);
	close(tfd);

	/* nested: an epoll file inside another */
	int inner = epoll_create(1);
	pipe(p);
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = 30 };
	epoll_ctl(inner, EPOLL_CTL_ADD, p[0], &e);
	show("add inner", add(inner, EPOLLIN, 31));
	wait_show("nested, nothing", 0);
	write(p[1], "n", 1);
	wait_show("nested, data", 0);
	e.data.u64 = 32;
	show("loop", epoll_ctl(inner, EPOLL_CTL_ADD, ep, &e));

	/* errors */
	show("add twice", add(p[0], EPOLLIN, 0) == 0 ? add(p[0], EPOLLIN, 0) : -2);
	show("mod missing", mod(p[1] + 100, EPOLLIN, 0));
	show("mod missing open fd", mod(p[1], EPOLLIN, 0));
	int reg = open("/proc/self/exe", O_RDONLY);
	show("add a regular file", add(reg, EPOLLIN, 0));
	show("add itself", add(ep, EPOLLIN, 0));
	show("ctl on a pipe", epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &e));
	show("bad op", epoll_ctl(ep, 9, p[1], &e));
	int r = epoll_create(0); /* musl ignores size: a descriptor */
	show("epoll_create(0)", r >= 0 ? 0 : -1);
	show("epoll_create1 bad flags", epoll_create1(1));
	show("maxevents 0", epoll_wait(ep, &e, 0, 0));
	show("wait on a pipe", epoll_wait(p[0], &e, 1, 0));
	show("read", read(ep, c, 8));
	return 0;
}
