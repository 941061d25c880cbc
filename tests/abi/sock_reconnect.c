/* sock_reconnect.c: a TCP socket whose connect failed (ECONNREFUSED from a
 * port no one listens on) is unconnected again and may connect anew: to
 * the same port once it listens, blocking and non-blocking, after the
 * error was taken by SO_ERROR (the next connect then says ECONNABORTED)
 * or by connect itself; a bind(2)'s port outlives the failure, the port
 * connect chose does not. */
#include "abi.h"
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>

static struct sockaddr_in lo(unsigned short port)
{
	return (struct sockaddr_in){ .sin_family = AF_INET,
				     .sin_port = port,
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
}

/* A socket bound to a free loopback port, not listening: connects to it
 * are refused until it listens. */
static int quiet_port(unsigned short *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = lo(0);
	socklen_t al = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &al)) {
		printf("cannot get a port: %s\n", abi_errname(errno));
		exit(3);
	}
	*port = a.sin_port;
	return fd;
}

static unsigned short local_port(int fd)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	memset(&a, 0xff, sizeof(a));
	if (getsockname(fd, (struct sockaddr *)&a, &al))
		return 1;
	return a.sin_port;
}

static int so_error(int fd)
{
	int e = -1;
	socklen_t l = sizeof(e);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l))
		return -2;
	return e;
}

static void wait_out(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int n = poll(&p, 1, 5000);
	printf("poll %d out %d err %d\n", n, !!(p.revents & POLLOUT), !!(p.revents & POLLERR));
}

static void take(int srv)
{
	struct pollfd pl = { .fd = srv, .events = POLLIN };
	if (poll(&pl, 1, 2000) != 1) {
		printf("nothing to accept\n");
		return;
	}
	int c = accept(srv, NULL, NULL);
	printf("accepted: %s\n", c >= 0 ? "yes" : abi_errname(errno));
	close(c);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	unsigned short p;

	printf("-- blocking\n");
	int srv = quiet_port(&p);
	struct sockaddr_in a = lo(p);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	SAY(local_port(c) != 0); /* Linux shows the port the failed connect had */
	R(so_error(c));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	R(listen(srv, 4));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	SAY(local_port(c) != 0);
	take(srv);
	close(c);
	close(srv);

	printf("-- non-blocking, the error taken by SO_ERROR\n");
	srv = quiet_port(&p);
	a = lo(p);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	wait_out(c);
	R(so_error(c));
	R(so_error(c));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	R(listen(srv, 4));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	wait_out(c);
	R(so_error(c));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	take(srv);
	close(c);
	close(srv);

	printf("-- non-blocking, the error taken by connect\n");
	srv = quiet_port(&p);
	a = lo(p);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	wait_out(c);
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	R(so_error(c));
	R(listen(srv, 4));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	wait_out(c);
	R(so_error(c));
	take(srv);
	close(c);
	close(srv);

	printf("-- a client bound to a port keeps it\n");
	srv = quiet_port(&p);
	a = lo(p);
	unsigned short mine;
	close(quiet_port(&mine));
	c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in b = lo(mine);
	R(bind(c, (struct sockaddr *)&b, sizeof(b)));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	SAY(local_port(c) == mine);
	R(listen(srv, 4));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	SAY(local_port(c) == mine);
	take(srv);
	close(c);
	close(srv);
	return 0;
}
