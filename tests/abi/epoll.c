/* epoll.c: epoll_create1 and epoll_ctl errors, level- and edge-triggered
 * readiness of a pipe, EPOLLONESHOT and re-arming with MOD, DEL, data
 * given back, a timeout, epoll_pwait, and the order of the reports (that
 * of Linux's ready list). */
#include "abi.h"
#include <signal.h>
#include <sys/epoll.h>

/* The events in the order epoll_wait gives them: the order of its ready
 * list, in which items join when their object wakes them up. */
static void wait_max(int ep, int max, int timeout)
{
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, max, timeout);
	if (n < 0) {
		printf("wait: %s\n", abi_errname(errno));
		return;
	}
	printf("wait = %d:", n);
	for (int i = 0; i < n; i++)
		printf(" [%u %x]", ev[i].data.u32, ev[i].events);
	printf("\n");
}

static void wait_show(int ep, int timeout) { wait_max(ep, 4, timeout); }

/* Three pipes, added in one order and made ready in another. */
static void ready_order(void)
{
	int ep = epoll_create1(0), a[2], b[2], c[2];
	pipe(a);
	pipe(b);
	pipe(c);
	struct epoll_event ev = { .events = EPOLLIN };
	ev.data.u32 = 10;
	epoll_ctl(ep, EPOLL_CTL_ADD, a[0], &ev);
	ev.data.u32 = 11;
	epoll_ctl(ep, EPOLL_CTL_ADD, b[0], &ev);
	ev.data.u32 = 12;
	epoll_ctl(ep, EPOLL_CTL_ADD, c[0], &ev);
	R(write(c[1], "c", 1));
	R(write(a[1], "a", 1));
	R(write(b[1], "b", 1));
	R(write(a[1], "a", 1)); /* already on the list: stays second */
	wait_show(ep, 0);
	/* level-triggered: reported ones go back to the tail in turn */
	wait_max(ep, 1, 0);
	wait_max(ep, 2, 0);
	wait_show(ep, 0);
	/* one drained leaves; its next wake-up puts it at the end */
	char buf[4];
	R(read(c[0], buf, sizeof(buf)));
	wait_show(ep, 0);
	R(write(c[1], "c", 1));
	wait_show(ep, 0);
	/* ready when added or modified: joins then */
	int d[2];
	pipe(d);
	ev.events = EPOLLOUT;
	ev.data.u32 = 13;
	epoll_ctl(ep, EPOLL_CTL_ADD, d[1], &ev);
	ev.events = EPOLLIN;
	ev.data.u32 = 14;
	R(read(a[0], buf, sizeof(buf)));
	epoll_ctl(ep, EPOLL_CTL_MOD, a[0], &ev);
	R(write(a[1], "a", 1));
	wait_show(ep, 0);
	close(a[0]), close(a[1]), close(b[0]), close(b[1]);
	close(c[0]), close(c[1]), close(d[0]), close(d[1]);
	close(ep);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int ep = OK(epoll_create1(EPOLL_CLOEXEC));
	R(fcntl(ep, F_GETFD));
	int p[2];
	R(pipe(p));
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 1 };
	R(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	ev.events = EPOLLOUT;
	ev.data.u32 = 2;
	R(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
	wait_show(ep, 0);
	R(write(p[1], "ab", 2));
	wait_show(ep, 0);
	wait_show(ep, 0);
	/* edge-triggered: once per new arrival */
	ev.events = EPOLLIN | EPOLLET;
	ev.data.u32 = 3;
	R(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	R(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
	wait_show(ep, 0);
	wait_show(ep, 0);
	R(write(p[1], "c", 1));
	wait_show(ep, 0);
	wait_show(ep, 0);
	/* one-shot: disabled after one report until MOD */
	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.u32 = 4;
	R(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	wait_show(ep, 0);
	wait_show(ep, 0);
	R(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	wait_show(ep, 0);
	/* hang-up */
	char buf[8];
	R(read(p[0], buf, sizeof(buf)));
	ev.events = EPOLLIN;
	ev.data.u32 = 5;
	R(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	wait_show(ep, 10);
	R(close(p[1]));
	wait_show(ep, 0);
	sigset_t none;
	sigemptyset(&none);
	struct epoll_event out;
	R(epoll_pwait(ep, &out, 1, 0, &none));
	/* errors */
	R(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	int q[2];
	R(pipe(q));
	R(epoll_ctl(ep, EPOLL_CTL_MOD, q[0], &ev));
	R(epoll_ctl(ep, EPOLL_CTL_DEL, q[0], &ev));
	R(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	R(epoll_ctl(ep, 99, p[0], &ev));
	R(epoll_ctl(ep, EPOLL_CTL_ADD, 99, &ev));
	R(epoll_ctl(p[0], EPOLL_CTL_ADD, q[0], &ev));
	abi_put("f", "x");
	int f = R(open("f", O_RDONLY));
	R(epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev));
	R(epoll_wait(ep, &out, 0, 0));
	R(epoll_wait(p[0], &out, 1, 0));
	R(epoll_create1(0x1234));
	R(epoll_create(0));
	R(epoll_create(1) >= 0);
	ready_order();
	return 0;
}
