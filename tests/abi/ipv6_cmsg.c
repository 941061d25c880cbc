/* ipv6_cmsg.c: IPv6 ancillary data on UDP over ::1: IPV6_RECVHOPLIMIT,
 * IPV6_RECVTCLASS and IPV6_RECVPKTINFO set and read back, the
 * IPV6_HOPLIMIT, IPV6_TCLASS and IPV6_PKTINFO messages recvmsg gives (in
 * Linux's order), a control buffer too small (MSG_CTRUNC), none asked
 * for, an IPv4 datagram on a dual socket, and the options' errors. */
#include "abi.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static void show(int fd, size_t room)
{
	char data[16];
	union {
		char b[256];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = room
	};
	memset(ctl.b, 0, sizeof(ctl.b));
	long n = R(recvmsg(fd, &mh, MSG_DONTWAIT));
	if (n < 0)
		return;
	printf("  controllen %zu, MSG_CTRUNC %d\n", (size_t)mh.msg_controllen,
	       !!(mh.msg_flags & MSG_CTRUNC));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		printf("  cmsg level %d type %d len %zu", c->cmsg_level, c->cmsg_type,
		       (size_t)c->cmsg_len);
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_len >= CMSG_LEN(sizeof(int)) &&
		    (c->cmsg_type == IPV6_HOPLIMIT || c->cmsg_type == IPV6_TCLASS))
			printf(" value %d", *(int *)CMSG_DATA(c));
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo *pi = (void *)CMSG_DATA(c);
			char t[INET6_ADDRSTRLEN];
			inet_ntop(AF_INET6, &pi->ipi6_addr, t, sizeof(t));
			printf(" dst %s ifindex %d", t, pi->ipi6_ifindex);
		}
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int r = socket(AF_INET6, SOCK_DGRAM, 0);
	int s = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t al = sizeof(a);
	if (r < 0 || s < 0 || bind(r, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(r, (struct sockaddr *)&a, &al)) {
		perror("setup");
		return 1;
	}
	int on = 1, v = 7;
	socklen_t vl = sizeof(v);
	R(getsockopt(r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &v, &vl));
	printf("IPV6_RECVHOPLIMIT %d\n", v);
	R(setsockopt(r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, 2));

	printf("nothing asked for:\n");
	R(sendto(s, "one", 3, 0, (struct sockaddr *)&a, sizeof(a)));
	show(r, 256);

	R(setsockopt(r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)));
	vl = sizeof(v);
	R(getsockopt(r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &v, &vl));
	printf("IPV6_RECVHOPLIMIT %d len %d\n", v, (int)vl);
	printf("hop limit:\n");
	R(sendto(s, "two", 3, 0, (struct sockaddr *)&a, sizeof(a)));
	show(r, 256);

	R(setsockopt(r, IPPROTO_IPV6, IPV6_RECVTCLASS, &on, sizeof(on)));
	R(setsockopt(r, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)));
	vl = sizeof(v);
	R(getsockopt(r, IPPROTO_IPV6, IPV6_RECVTCLASS, &v, &vl));
	printf("IPV6_RECVTCLASS %d\n", v);
	printf("all three:\n");
	R(sendto(s, "three", 5, 0, (struct sockaddr *)&a, sizeof(a)));
	show(r, 256);
	printf("room for one and a half:\n");
	R(sendto(s, "four", 4, 0, (struct sockaddr *)&a, sizeof(a)));
	show(r, CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_LEN(2));
	printf("room for less than a header:\n");
	R(sendto(s, "five", 4, 0, (struct sockaddr *)&a, sizeof(a)));
	show(r, 8);

	/* an IPv4 datagram on a dual socket: no IPv6 messages */
	int d = socket(AF_INET6, SOCK_DGRAM, 0);
	int s4 = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in6 any = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	al = sizeof(any);
	if (d < 0 || s4 < 0 || bind(d, (struct sockaddr *)&any, sizeof(any)) ||
	    getsockname(d, (struct sockaddr *)&any, &al)) {
		perror("dual");
		return 1;
	}
	R(setsockopt(d, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)));
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_port = any.sin6_port,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	printf("IPv4 on a dual socket:\n");
	R(sendto(s4, "six", 3, 0, (struct sockaddr *)&a4, sizeof(a4)));
	show(d, 256);
	/* an IPv4 socket knows no IPv6 level */
	R(setsockopt(s4, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)));
	return 0;
}
