/* sock_tcp.c: TCP over 127.0.0.1 inside one program: a server thread
 * accepts, echoes and closes; the client connects, sends, reads back,
 * sees end of file; names, shutdown, errors of unconnected sockets,
 * ECONNREFUSED, EADDRINUSE, a 1 MiB transfer, MSG_PEEK and FIONREAD. */
#include "abi.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/ioctl.h>

static int lfd;
static unsigned short port;

static void *server(void *arg)
{
	(void)arg;
	for (int round = 0; round < 2; round++) {
		int c = accept(lfd, NULL, NULL);
		if (c < 0) {
			perror("accept");
			return NULL;
		}
		char buf[65536];
		long total = 0;
		unsigned sum = 0;
		for (;;) {
			ssize_t n = read(c, buf, sizeof(buf));
			if (n <= 0)
				break;
			for (ssize_t i = 0; i < n; i++)
				sum = sum * 31 + (unsigned char)buf[i];
			total += n;
			if (round == 0) {
				if (write(c, buf, (size_t)n) != n)
					break;
			}
		}
		if (round == 1) {
			char line[64];
			int k = snprintf(line, sizeof(line), "%ld %08x", total, sum);
			(void)!write(c, line, (size_t)k);
		}
		close(c);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	lfd = OK(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
	int one = 1;
	R(setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	R(bind(lfd, (struct sockaddr *)&a, sizeof(a)));
	R(getsockname(lfd, (struct sockaddr *)&a, &al));
	SAY(al == sizeof(a));
	SAY(ntohs(a.sin_port) != 0);
	SAY(a.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	port = ntohs(a.sin_port);
	R(listen(lfd, 16));
	R(bind(lfd, (struct sockaddr *)&a, sizeof(a)));

	/* a second socket on the same port: in use */
	int t = OK(socket(AF_INET, SOCK_STREAM, 0));
	R(bind(t, (struct sockaddr *)&a, sizeof(a)));
	char b1;
	R(read(t, &b1, 1));
	R(send(t, "x", 1, MSG_NOSIGNAL));
	struct sockaddr_in p;
	socklen_t pl = sizeof(p);
	R(getpeername(t, (struct sockaddr *)&p, &pl));
	close(t);

	pthread_t th;
	pthread_create(&th, NULL, server, NULL);

	/* round 0: echo */
	int c = OK(socket(AF_INET, SOCK_STREAM, 0));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	pl = sizeof(p);
	R(getpeername(c, (struct sockaddr *)&p, &pl));
	SAY(p.sin_port == a.sin_port);
	R(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
	int v = 0;
	socklen_t vl = sizeof(v);
	R(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &vl));
	SAY(v != 0);
	R(write(c, "hello, tcp", 10));
	char buf[64] = { 0 };
	size_t got = 0;
	while (got < 10) {
		ssize_t n = recv(c, buf + got, 10 - got, MSG_PEEK);
		if (n <= 0)
			break;
		if ((size_t)n == 10 - got)
			break;
		usleep(1000);
	}
	int avail = 0;
	R(ioctl(c, FIONREAD, &avail));
	SAY(avail == 10);
	R(recv(c, buf, 5, MSG_WAITALL));
	R(recv(c, buf + 5, 64, 0));
	printf("echo: %s\n", buf);
	R(shutdown(c, SHUT_WR));
	R(read(c, buf, sizeof(buf)));
	R(send(c, "z", 1, MSG_NOSIGNAL));
	close(c);

	/* round 1: 1 MiB one way, the server answers a checksum */
	c = OK(socket(AF_INET, SOCK_STREAM, 0));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	static char big[1 << 20];
	unsigned sum = 0;
	for (size_t i = 0; i < sizeof(big); i++) {
		big[i] = (char)(i * 7 + i / 1000);
		sum = sum * 31 + (unsigned char)big[i];
	}
	size_t off = 0;
	while (off < sizeof(big)) {
		ssize_t n = write(c, big + off, sizeof(big) - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	printf("sent %zu\n", off);
	R(shutdown(c, SHUT_WR));
	memset(buf, 0, sizeof(buf));
	got = 0;
	for (;;) {
		ssize_t n = read(c, buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	char want[64];
	snprintf(want, sizeof(want), "%ld %08x", (long)sizeof(big), sum);
	printf("server saw: %s\n", strcmp(buf, want) ? buf : "the same bytes");
	close(c);
	pthread_join(th, NULL);
	close(lfd);

	/* nobody listens there now */
	c = OK(socket(AF_INET, SOCK_STREAM, 0));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	close(c);
	/* bad arguments */
	R(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
	R(bind(-1, (struct sockaddr *)&a, sizeof(a)));
	R(bind(0 + 99, (struct sockaddr *)&a, sizeof(a)));
	int fd = OK(open(".", O_RDONLY));
	R(listen(fd, 1));
	close(fd);
	return 0;
}
