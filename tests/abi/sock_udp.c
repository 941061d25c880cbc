/* sock_udp.c: UDP over 127.0.0.1: sendto/recvfrom with addresses,
 * connected sockets, datagram boundaries, MSG_TRUNC and MSG_PEEK,
 * sendmsg/recvmsg with several iovecs, sendmmsg/recvmmsg, FIONREAD,
 * a 60000-byte datagram, and the errors of the usual mistakes. */
#include "abi.h"
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/ioctl.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in b = a, from;
	socklen_t l = sizeof(a), fl;
	char buf[65536];
	int x = OK(socket(AF_INET, SOCK_DGRAM, 0));
	int y = OK(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDP));
	R(bind(x, (struct sockaddr *)&a, sizeof(a)));
	R(getsockname(x, (struct sockaddr *)&a, &l));
	R(bind(y, (struct sockaddr *)&b, sizeof(b)));
	l = sizeof(b);
	R(getsockname(y, (struct sockaddr *)&b, &l));
	R(recv(y, buf, sizeof(buf), 0));
	R(send(x, "no peer", 7, 0));
	R(sendto(x, "first", 5, 0, (struct sockaddr *)&b, sizeof(b)));
	R(sendto(x, "second!", 7, 0, (struct sockaddr *)&b, sizeof(b)));
	int n = 0;
	R(ioctl(y, FIONREAD, &n));
	printf("FIONREAD %d\n", n);
	fl = sizeof(from);
	R(recvfrom(y, buf, 3, 0, (struct sockaddr *)&from, &fl));
	SAY(fl == sizeof(from) && from.sin_port == a.sin_port &&
	    from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	R(recv(y, buf, 1, MSG_PEEK | MSG_TRUNC));
	struct iovec iov[2] = { { buf, 2 }, { buf + 100, 10 } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	R(recvmsg(y, &mh, 0));
	printf("parts %.2s %.5s flags %d\n", buf, buf + 100, mh.msg_flags);

	/* connected */
	R(connect(y, (struct sockaddr *)&a, sizeof(a)));
	R(send(y, "reply", 5, 0));
	memset(buf, 0, 16);
	R(recv(x, buf, sizeof(buf), 0));
	printf("got %s\n", buf);
	struct sockaddr_in p;
	l = sizeof(p);
	R(getpeername(y, (struct sockaddr *)&p, &l));
	SAY(p.sin_port == a.sin_port);
	l = sizeof(p);
	R(getpeername(x, (struct sockaddr *)&p, &l));

	/* gathered send: one datagram */
	struct iovec siov[3] = { { "ab", 2 }, { "", 0 }, { "cdef", 4 } };
	struct msghdr sh = {
		.msg_name = &b, .msg_namelen = sizeof(b), .msg_iov = siov, .msg_iovlen = 3
	};
	R(sendmsg(x, &sh, 0));
	R(recv(y, buf, sizeof(buf), 0));

	/* big datagram */
	static char big[70000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i % 251);
	R(sendto(x, big, 60000, 0, (struct sockaddr *)&b, sizeof(b)));
	usleep(10000);
	memset(buf, 0, sizeof(buf));
	R(recv(y, buf, sizeof(buf), 0));
	SAY(memcmp(buf, big, 60000) == 0);
	R(sendto(x, big, 70000, 0, (struct sockaddr *)&b, sizeof(b)));

	/* several at once */
	struct mmsghdr mm[3];
	struct iovec mi[3] = { { "m1", 2 }, { "mm2", 3 }, { "mmm3", 4 } };
	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 3; i++) {
		mm[i].msg_hdr.msg_iov = &mi[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_name = &b;
		mm[i].msg_hdr.msg_namelen = sizeof(b);
	}
	R(sendmmsg(x, mm, 3, 0));
	char rb[3][8];
	struct iovec ri[3] = { { rb[0], 8 }, { rb[1], 8 }, { rb[2], 8 } };
	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 3; i++) {
		mm[i].msg_hdr.msg_iov = &ri[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	usleep(10000);
	R(recvmmsg(y, mm, 3, 0, NULL));
	printf("lens %u %u %u\n", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);

	/* mistakes */
	R(sendto(x, "x", 1, 0, (struct sockaddr *)&b, 3));
	struct sockaddr_in bad = b;
	bad.sin_family = AF_UNIX;
	R(sendto(x, "x", 1, 0, (struct sockaddr *)&bad, sizeof(bad)));
	R(listen(x, 1));
	R(accept(x, NULL, NULL));
	R(bind(x, (struct sockaddr *)&b, sizeof(b)));
	struct sockaddr_in far = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x01020304) };
	int z = OK(socket(AF_INET, SOCK_DGRAM, 0));
	R(bind(z, (struct sockaddr *)&far, sizeof(far)));
	R(shutdown(z, SHUT_RD));
	close(z);
	close(x);
	close(y);
	return 0;
}
