/* pipethr.c: blocking with threads: a thread blocked in read on a pipe,
 * an eventfd and a timerfd, in poll, select and epoll_wait, is woken by
 * another thread's write or close; a writer blocked on a full pipe is
 * woken by a read. Output is in a fixed order (the main thread joins). */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <stdio.h>
#include <unistd.h>

static int p[2];
static int efd, ep;
static char line[6][80];
static char big[200000];

static void *pipe_reader(void *arg)
{
	char buf[32] = "";
	ssize_t n = read(p[0], buf, sizeof(buf) - 1);
	snprintf(line[0], sizeof(line[0]), "blocked read got %zd: %s", n, buf);
	n = read(p[0], buf, sizeof(buf));
	snprintf(line[1], sizeof(line[1]), "blocked read at close got %zd", n);
	return NULL;
}

static void *efd_reader(void *arg)
{
	uint64_t v = 0;
	ssize_t n = read(efd, &v, sizeof(v));
	snprintf(line[0], sizeof(line[0]), "eventfd read %zd value %llu", n, (unsigned long long)v);
	return NULL;
}

static void *poller(void *arg)
{
	struct pollfd f = { p[0], POLLIN, 0 };
	int r = poll(&f, 1, -1);
	snprintf(line[0], sizeof(line[0]), "poll woke: %d %#x", r, f.revents);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(efd, &rs);
	r = select(efd + 1, &rs, NULL, NULL, NULL);
	snprintf(line[1], sizeof(line[1]), "select woke: %d %d", r, FD_ISSET(efd, &rs));
	struct epoll_event ev;
	r = epoll_wait(ep, &ev, 1, -1);
	snprintf(line[2], sizeof(line[2]), "epoll_wait woke: %d %llu %#x", r,
		 (unsigned long long)ev.data.u64, ev.events);
	return NULL;
}

static void *pipe_writer(void *arg)
{
	ssize_t n = write(p[1], big, sizeof(big));
	snprintf(line[0], sizeof(line[0]), "big write returned %zd", n);
	return NULL;
}

int main(void)
{
	pthread_t t;
	char buf[4096];

	pipe(p);
	pthread_create(&t, NULL, pipe_reader, NULL);
	usleep(30000);
	write(p[1], "wake up", 7);
	usleep(30000);
	close(p[1]);
	pthread_join(t, NULL);
	printf("%s\n%s\n", line[0], line[1]);
	close(p[0]);

	efd = eventfd(0, 0);
	pthread_create(&t, NULL, efd_reader, NULL);
	usleep(30000);
	uint64_t v = 42;
	write(efd, &v, sizeof(v));
	pthread_join(t, NULL);
	printf("%s\n", line[0]);

	pipe(p);
	ep = epoll_create1(0);
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = 7 };
	int q[2];
	pipe(q);
	epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &e);
	pthread_create(&t, NULL, poller, NULL);
	usleep(30000);
	write(p[1], "p", 1);
	usleep(30000);
	write(efd, &v, sizeof(v));
	usleep(30000);
	write(q[1], "q", 1);
	pthread_join(t, NULL);
	printf("%s\n%s\n%s\n", line[0], line[1], line[2]);

	/* a writer blocked on a full pipe */
	pthread_create(&t, NULL, pipe_writer, NULL);
	usleep(30000);
	size_t total = 0; /* with the "p" written above */
	for (;;) {
		ssize_t n = read(p[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		total += (size_t)n;
		if (total >= sizeof(big) + 1)
			break;
	}
	pthread_join(t, NULL);
	printf("%s\nread back %zu\n", line[0], total);
	return 0;
}
