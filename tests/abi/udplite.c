/* udplite.c: UDP-Lite (IPPROTO_UDPLITE) over loopback, IPv4 and IPv6:
 * the socket types it takes, SO_PROTOCOL, UDPLITE_SEND_CSCOV and
 * UDPLITE_RECV_CSCOV set (clamped to 8..65535) and read back, datagrams
 * of full and partial coverage, a receiver that asks for more coverage
 * than a datagram has (dropped), and the options on a plain UDP socket. */
#include "abi.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif
#define SOL_UDPLITE_ 136
#define SEND_CSCOV 10
#define RECV_CSCOV 11

static int cscov(int fd, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);
	if (getsockopt(fd, SOL_UDPLITE_, name, &v, &l))
		return -1;
	return v;
}

static void set(int fd, int name, int v)
{
	printf("set %s %d: ", name == SEND_CSCOV ? "SEND_CSCOV" : "RECV_CSCOV", v);
	R(setsockopt(fd, SOL_UDPLITE_, name, &v, sizeof(v)));
	printf("  now %d\n", cscov(fd, name));
}

static void run(int family)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t al;
	if (family == AF_INET) {
		struct sockaddr_in *a = (void *)&ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		al = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (void *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		al = sizeof(*a);
	}
	printf("family %s\n", family == AF_INET ? "inet" : "inet6");
	R(socket(family, SOCK_STREAM, IPPROTO_UDPLITE));
	int r = socket(family, SOCK_DGRAM, IPPROTO_UDPLITE);
	int s = socket(family, SOCK_DGRAM, IPPROTO_UDPLITE);
	if (r < 0 || s < 0 || bind(r, (struct sockaddr *)&ss, al) ||
	    getsockname(r, (struct sockaddr *)&ss, &al)) {
		perror("setup");
		exit(1);
	}
	int v;
	socklen_t vl = sizeof(v);
	R(getsockopt(r, SOL_SOCKET, SO_PROTOCOL, &v, &vl));
	printf("SO_PROTOCOL %d; SEND_CSCOV %d RECV_CSCOV %d\n", v, cscov(r, SEND_CSCOV),
	       cscov(r, RECV_CSCOV));
	char b[64];
	R(sendto(s, "full coverage", 13, 0, (struct sockaddr *)&ss, al));
	R(recv(r, b, sizeof(b), MSG_DONTWAIT));
	set(s, SEND_CSCOV, 3);
	set(s, SEND_CSCOV, 70000);
	set(s, SEND_CSCOV, 12);
	R(sendto(s, "header and 4 bytes", 18, 0, (struct sockaddr *)&ss, al));
	R(recv(r, b, sizeof(b), MSG_DONTWAIT));
	set(r, RECV_CSCOV, 20);
	R(sendto(s, "too little covered", 18, 0, (struct sockaddr *)&ss, al));
	R(recv(r, b, sizeof(b), MSG_DONTWAIT));
	set(s, SEND_CSCOV, 0);
	R(sendto(s, "covered again", 13, 0, (struct sockaddr *)&ss, al));
	R(recv(r, b, sizeof(b), MSG_DONTWAIT));
	set(r, RECV_CSCOV, 0);
	set(s, SEND_CSCOV, 16);
	R(sendto(s, "receiver wants all", 18, 0, (struct sockaddr *)&ss, al));
	R(recv(r, b, sizeof(b), MSG_DONTWAIT));
	R(setsockopt(s, SOL_UDPLITE_, SEND_CSCOV, &v, 2));
	close(r);
	close(s);
	int u = socket(family, SOCK_DGRAM, IPPROTO_UDP);
	printf("plain UDP:\n");
	set(u, SEND_CSCOV, 8);
	set(u, RECV_CSCOV, 8);
	close(u);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	run(AF_INET);
	run(AF_INET6);
	return 0;
}
