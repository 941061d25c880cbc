/* echo_server.c: a TCP and UDP echo server for tests/boot/net.sh and
 * tests/boot/harden_net.sh. It serves PORT with epoll (TCP: every
 * connection echoed until the client closes, or until it has not read for
 * 5 s; UDP: every datagram sent back), and exits 0 after a TCP client
 * sends the line "quit\n" alone; given a FILE too (echo_server PORT FILE),
 * it then copies FILE to stdout (harden_net.sh: /proc/net/snmp). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 7777;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
	int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int one = 1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || u < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) ||
	    bind(u, (struct sockaddr *)&a, sizeof(a)) || listen(l, 128)) {
		perror("echo_server: socket");
		return 1;
	}
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = l };
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	ev.data.fd = u;
	epoll_ctl(ep, EPOLL_CTL_ADD, u, &ev);
	printf("listening on %d\n", port);
	fflush(stdout);
	long conns = 0;
	static char buf[65536];
	for (;;) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, -1);
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == l) {
				int c;
				while ((c = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					conns++;
					ev.events = EPOLLIN;
					ev.data.fd = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			if (fd == u) {
				struct sockaddr_in from;
				socklen_t fl = sizeof(from);
				ssize_t k;
				while ((k = recvfrom(u, buf, sizeof(buf), 0,
						     (struct sockaddr *)&from, &fl)) >= 0)
					sendto(u, buf, (size_t)k, 0, (struct sockaddr *)&from, fl);
				continue;
			}
			ssize_t k = read(fd, buf, sizeof(buf));
			if (k > 0) {
				if (k == 5 && !memcmp(buf, "quit\n", 5)) {
					printf("served %ld connections\n", conns);
					fflush(stdout);
					int f = argc > 2 ? open(argv[2], O_RDONLY) : -1;
					ssize_t r;
					while (f >= 0 && (r = read(f, buf, sizeof(buf))) > 0)
						if (write(1, buf, (size_t)r) != r)
							return 1;
					return 0;
				}
				int stalled = 0;
				for (ssize_t off = 0; off < k;) {
					ssize_t w = write(fd, buf + off, (size_t)(k - off));
					if (w < 0 && errno == EAGAIN && ++stalled < 5000) {
						usleep(1000); /* the client reads slowly */
						continue;
					}
					if (w <= 0) { /* or it has not read for 5 s: it goes */
						epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
						close(fd);
						break;
					}
					stalled = 0;
					off += w;
				}
			} else if (k == 0 || errno != EAGAIN) {
				epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
				close(fd);
			}
		}
	}
}
