/* sock_poll.c: readiness of sockets through poll, select and epoll
 * (listening, connecting, connected, closed by the peer), non-blocking
 * connect (EINPROGRESS, then SO_ERROR) and accept (EAGAIN), receive
 * timeouts, and the basic socket options. */
#include "abi.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

static void show_poll(const char *what, int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r = poll(&p, 1, 0);
	printf("poll %s: %d revents %#x\n", what, r, (unsigned)p.revents);
}

static void show_opt(const char *what, int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);
	int r = getsockopt(fd, level, name, &v, &l);
	if (r < 0)
		printf("getsockopt %s = -1 %s\n", what, abi_errname(errno));
	else
		printf("getsockopt %s = %d (len %d)\n", what, v, (int)l);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int l = OK(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
	R(bind(l, (struct sockaddr *)&a, sizeof(a)));
	R(getsockname(l, (struct sockaddr *)&a, &al));
	R(listen(l, 8));
	show_poll("listener, idle", l, POLLIN | POLLOUT);
	R(accept(l, NULL, NULL));

	int c = OK(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
	show_poll("fresh socket", c, POLLIN | POLLOUT);
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	struct pollfd pf = { .fd = c, .events = POLLOUT };
	R(poll(&pf, 1, 5000));
	printf("connected: revents %#x\n", (unsigned)pf.revents);
	show_opt("SO_ERROR", c, SOL_SOCKET, SO_ERROR);
	pf = (struct pollfd){ .fd = l, .events = POLLIN };
	R(poll(&pf, 1, 5000));
	printf("listener: revents %#x\n", (unsigned)pf.revents);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(l, &rs);
	struct timeval tv = { 1, 0 };
	R(select(l + 1, &rs, NULL, NULL, &tv));
	int s = OK(accept(l, NULL, NULL));
	R(accept(l, NULL, NULL));
	show_poll("client, nothing to read", c, POLLIN | POLLOUT);

	int ep = OK(epoll_create1(EPOLL_CLOEXEC));
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.u32 = 7 };
	R(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	struct epoll_event out[4];
	R(epoll_wait(ep, out, 4, 0));
	R(write(c, "data", 4));
	R(epoll_wait(ep, out, 4, 5000));
	printf("epoll: data %u events %#x\n", out[0].data.u32, out[0].events);
	char buf[16];
	R(read(s, buf, sizeof(buf)));
	R(recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	R(shutdown(c, SHUT_WR));
	R(epoll_wait(ep, out, 4, 5000));
	printf("epoll after peer shutdown: events %#x\n", out[0].events);
	R(read(s, buf, sizeof(buf)));
	show_poll("server, peer shut down writing", s, POLLIN | POLLOUT | POLLRDHUP);
	close(c);
	close(s);
	close(ep);

	/* nobody listens: EINPROGRESS then ECONNREFUSED */
	close(l);
	c = OK(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	pf = (struct pollfd){ .fd = c, .events = POLLOUT };
	R(poll(&pf, 1, 5000));
	printf("refused: revents %#x\n", (unsigned)pf.revents);
	show_opt("SO_ERROR", c, SOL_SOCKET, SO_ERROR);
	show_opt("SO_ERROR again", c, SOL_SOCKET, SO_ERROR);
	close(c);

	/* options */
	int t = OK(socket(AF_INET, SOCK_STREAM, 0));
	int u = OK(socket(AF_INET, SOCK_DGRAM, 0));
	int x = OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	show_opt("SO_TYPE tcp", t, SOL_SOCKET, SO_TYPE);
	show_opt("SO_TYPE udp", u, SOL_SOCKET, SO_TYPE);
	show_opt("SO_DOMAIN unix", x, SOL_SOCKET, SO_DOMAIN);
	show_opt("SO_PROTOCOL tcp", t, SOL_SOCKET, SO_PROTOCOL);
	show_opt("SO_PROTOCOL udp", u, SOL_SOCKET, SO_PROTOCOL);
	show_opt("SO_ACCEPTCONN", t, SOL_SOCKET, SO_ACCEPTCONN);
	show_opt("SO_REUSEADDR", t, SOL_SOCKET, SO_REUSEADDR);
	int one = 1;
	R(setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	R(setsockopt(t, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)));
	R(setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)));
	show_opt("SO_REUSEADDR set", t, SOL_SOCKET, SO_REUSEADDR);
	show_opt("SO_KEEPALIVE set", t, SOL_SOCKET, SO_KEEPALIVE);
	show_opt("TCP_NODELAY", t, IPPROTO_TCP, TCP_NODELAY);
	R(setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
	show_opt("TCP_NODELAY set", t, IPPROTO_TCP, TCP_NODELAY);
	int sz = 65536;
	R(setsockopt(t, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)));
	show_opt("SO_RCVBUF after 65536", t, SOL_SOCKET, SO_RCVBUF);
	struct linger lg = { 1, 0 };
	R(setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	memset(&lg, 0xff, sizeof(lg));
	socklen_t ll = sizeof(lg);
	R(getsockopt(t, SOL_SOCKET, SO_LINGER, &lg, &ll));
	printf("linger %d %d len %d\n", lg.l_onoff, lg.l_linger, (int)ll);
	R(setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, 2));
	R(setsockopt(t, SOL_SOCKET, 9999, &one, sizeof(one)));
	R(getsockopt(t, SOL_SOCKET, 9999, &one, &ll));
	R(setsockopt(t, IPPROTO_TCP, 9999, &one, sizeof(one)));
	char small[2];
	socklen_t sl = sizeof(small);
	R(getsockopt(t, SOL_SOCKET, SO_TYPE, small, &sl));
	printf("short: len %d\n", (int)sl);

	/* a receive timeout */
	struct sockaddr_in ua = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	R(bind(u, (struct sockaddr *)&ua, sizeof(ua)));
	struct timeval to = { 0, 50000 };
	R(setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &to, sizeof(to)));
	R(recv(u, buf, sizeof(buf), 0));
	memset(&to, 0, sizeof(to));
	socklen_t tl = sizeof(to);
	R(getsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &to, &tl));
	SAY(to.tv_sec == 0 && to.tv_usec >= 50000 &&
	    to.tv_usec < 60000); /* Linux rounds to its tick */
	show_poll("udp idle", u, POLLIN | POLLOUT);
	close(t);
	close(u);
	close(x);
	return 0;
}
