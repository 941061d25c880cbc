/* epoll.c: epoll_create1 and epoll_ctl errors, level- and edge-triggered
 * readiness of a pipe, EPOLLONESHOT and re-arming with MOD, DEL, data
 * given back, a timeout, and epoll_pwait. */
#include "abi.h"
#include <signal.h>
#include <sys/epoll.h>

static void wait_show(int ep, int timeout)
{
	struct epoll_event ev[4];
	int n = epoll_wait(ep, ev, 4, timeout);
	if (n < 0) {
		printf("wait: %s\n", abi_errname(errno));
		return;
	}
	/* sorted by data: the order of the ready list is not checked */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (ev[j].data.u32 < ev[i].data.u32) {
				struct epoll_event t = ev[i];
				ev[i] = ev[j];
				ev[j] = t;
			}
	printf("wait = %d:", n);
	for (int i = 0; i < n; i++)
		printf(" [%u %x]", ev[i].data.u32, ev[i].events);
	printf("\n");
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
	return 0;
}
