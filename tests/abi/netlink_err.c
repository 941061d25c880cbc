/* netlink_err.c: AF_NETLINK's deterministic paths: the protocols and
 * types refused, bind/connect/send address checks, port ids, receiving
 * with nothing queued, malformed and unknown requests (NLMSG_ERROR, acks,
 * MSG_TRUNC), one interface asked for by index, and the SOL_NETLINK
 * options. (musl has no <linux/netlink.h>: the layouts are here.) */
#include "abi.h"
#include <sys/socket.h>

#ifndef AF_NETLINK
#define AF_NETLINK 16
#endif
#define NETLINK_ROUTE 0
#define SOL_NETLINK_ 270
#define NLM_F_REQUEST 1
#define NLM_F_ACK 4
#define NLM_F_CAPPED 0x100
#define NLMSG_NOOP 1
#define NLMSG_ERROR 2
#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define IFLA_IFNAME 3

struct nl_addr {
	unsigned short family, pad;
	unsigned pid, groups;
};
struct nl_hdr {
	unsigned len;
	unsigned short type, flags;
	unsigned seq, pid;
};
struct ifi {
	unsigned char family, pad;
	unsigned short type;
	int index;
	unsigned flags, change;
};

static int nl(void) { return socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE); }

/* Sends a request of type/flags with a payload of n bytes, then reports
 * the first reply's type, flags, length, error and echoed type. */
static void ask(int fd, const char *what, unsigned short type, unsigned short flags,
		const void *payload, unsigned n)
{
	unsigned char buf[256] = { 0 };
	struct nl_hdr *h = (void *)buf;
	h->len = 16 + n;
	h->type = type;
	h->flags = flags;
	h->seq = 42;
	memcpy(buf + 16, payload, n);
	printf("%s:\n", what);
	R(send(fd, buf, h->len, 0));
	unsigned char r[8192];
	struct nl_addr from;
	socklen_t fl = sizeof(from);
	errno = 0;
	long got = recvfrom(fd, r, sizeof(r), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
	if (got < 0)
		printf("  recvfrom = -1 %s\n", abi_errname(errno));
	if (got < 16)
		return;
	h = (void *)r;
	printf("  from pid %u len %d; reply type %u flags %#x seq %u\n", from.pid, (int)fl, h->type,
	       h->flags, h->seq);
	if (h->type == NLMSG_ERROR) {
		int e = *(int *)(r + 16);
		struct nl_hdr *o = (void *)(r + 20);
		printf("  error %s, echoed type %u len %u; reply len %ld\n",
		       e ? abi_errname(-e) : "0", o->type, o->len, got);
	} else if (h->type == RTM_NEWLINK) {
		struct ifi *i = (void *)(r + 16);
		unsigned char *a = r + 32;
		while (a + 4 <= r + h->len) {
			unsigned short alen = *(unsigned short *)a,
				       atype = *(unsigned short *)(a + 2);
			if (alen < 4)
				break;
			if (atype == IFLA_IFNAME)
				printf("  link index %d type %u flags %#x name %s\n", i->index,
				       i->type, i->flags, (char *)a + 4);
			a += (alen + 3) & ~3u;
		}
	}
}

int main(int argc, char **argv)
{
	struct nl_addr a = { AF_NETLINK, 0, 0, 0 }, got;
	socklen_t len;
	int v;
	socklen_t vl;

	abi_init(argc, argv);
	R(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE));
	R(socket(AF_NETLINK, SOCK_SEQPACKET, NETLINK_ROUTE));
	R(socket(AF_NETLINK, SOCK_RAW, 32));
	R(socket(AF_NETLINK, SOCK_RAW, -1));
	R(socket(AF_NETLINK, SOCK_RAW, 31));
	int d = OK(socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE));
	vl = sizeof(v);
	R(getsockopt(d, SOL_SOCKET, SO_TYPE, &v, &vl));
	printf("SO_TYPE %d\n", v);
	R(getsockopt(d, SOL_SOCKET, SO_DOMAIN, &v, &vl));
	printf("SO_DOMAIN %d\n", v);
	R(getsockopt(d, SOL_SOCKET, SO_PROTOCOL, &v, &vl));
	printf("SO_PROTOCOL %d\n", v);
	close(d);

	int fd = OK(nl());
	char c;
	R(recv(fd, &c, 1, MSG_DONTWAIT));
	len = sizeof(got);
	memset(&got, 0xff, sizeof(got));
	R(getsockname(fd, (struct sockaddr *)&got, &len));
	printf("unbound: family %u pid %u groups %u len %d\n", got.family, got.pid, got.groups,
	       (int)len);
	R(bind(fd, (struct sockaddr *)&a, 8));
	a.family = AF_INET;
	R(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	a.family = AF_NETLINK;
	R(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	len = sizeof(got);
	R(getsockname(fd, (struct sockaddr *)&got, &len));
	printf("bound: pid is getpid %d len %d\n", got.pid == (unsigned)getpid(), (int)len);
	a.pid = got.pid + 12345;
	R(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	a.pid = got.pid;
	R(bind(fd, (struct sockaddr *)&a, sizeof(a)));

	int fd2 = OK(nl());
	R(bind(fd2, (struct sockaddr *)&a, sizeof(a)));
	a.pid = 0x7ffff00d;
	R(bind(fd2, (struct sockaddr *)&a, sizeof(a)));
	len = sizeof(got);
	R(getsockname(fd2, (struct sockaddr *)&got, &len));
	printf("explicit pid %#x\n", got.pid);
	R(shutdown(fd2, SHUT_RDWR));
	R(listen(fd2, 1));
	R(accept(fd2, NULL, NULL));
	struct nl_addr un = { 0 };
	R(connect(fd2, (struct sockaddr *)&un, sizeof(un)));
	a.pid = 0x7ffff00e;
	R(sendto(fd2, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
	R(sendto(fd2, "x", 1, 0, (struct sockaddr *)&a, 4));
	R(send(fd2, "xxxxxxxxxxxxxxxx", 16, MSG_OOB));
	/* a message between two of our sockets */
	a.pid = 0x7ffff00d;
	R(sendto(fd, "hello", 5, 0, (struct sockaddr *)&a, sizeof(a)));
	char b[16];
	struct nl_addr from;
	socklen_t fl = sizeof(from);
	R(recvfrom(fd2, b, 2, MSG_TRUNC, (struct sockaddr *)&from, &fl));
	printf("from is fd's pid %d\n", from.pid == (unsigned)getpid());
	close(fd2);

	/* malformed: shorter than a header, or a length past the data */
	R(send(fd, "\x08\0\0\0\x12\0\x01\0", 8, 0));
	unsigned char bad[20] = { 200, 0, 0, 0, RTM_GETLINK, 0, NLM_F_REQUEST, 0 };
	R(send(fd, bad, sizeof(bad), 0));
	R(recv(fd, b, sizeof(b), MSG_DONTWAIT));

	ask(fd, "unknown type", 0x7ff, NLM_F_REQUEST, "\0\0\0\0", 4);
	ask(fd, "noop with ack", NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, "", 0);
	ask(fd, "no request flag, ack", RTM_GETLINK, NLM_F_ACK, "\0\0\0\0", 4);
	struct ifi q = { 0 };
	ask(fd, "getlink without index or name", RTM_GETLINK, NLM_F_REQUEST, &q, sizeof(q));
	q.index = 99999;
	ask(fd, "getlink of no interface", RTM_GETLINK, NLM_F_REQUEST, &q, sizeof(q));
	ask(fd, "getlink short", RTM_GETLINK, NLM_F_REQUEST, &q, 4);
	q.index = 1;
	ask(fd, "getlink of lo", RTM_GETLINK, NLM_F_REQUEST, &q, sizeof(q));
	unsigned char byname[16 + 8] = { 0 };
	memcpy(byname + 16, "\x07\0\x03\0lo\0", 7);
	ask(fd, "getlink of lo by name", RTM_GETLINK, NLM_F_REQUEST, byname, sizeof(byname));

	/* an ack read into a short buffer */
	struct {
		struct nl_hdr h;
	} noop = { { 16, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 1, 0 } };
	R(send(fd, &noop, 16, 0));
	R(recv(fd, b, 4, MSG_PEEK | MSG_TRUNC));
	struct iovec iov = { b, 4 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	R(recvmsg(fd, &mh, 0));
	printf("msg_flags MSG_TRUNC %d\n", !!(mh.msg_flags & MSG_TRUNC));

	/* options */
	v = 1;
	R(setsockopt(fd, SOL_NETLINK_, 12, &v, sizeof(v))); /* NETLINK_GET_STRICT_CHK */
	v = 5;
	vl = sizeof(v);
	R(getsockopt(fd, SOL_NETLINK_, 12, &v, &vl));
	printf("strict %d len %d\n", v, (int)vl);
	R(setsockopt(fd, SOL_NETLINK_, 10, &v, sizeof(v))); /* NETLINK_CAP_ACK */
	ask(fd, "unknown type, capped", 0x7ff, NLM_F_REQUEST, "\0\0\0\0", 4);
	v = 0;
	R(setsockopt(fd, SOL_NETLINK_, 1, &v, sizeof(v))); /* ADD_MEMBERSHIP 0 */
	v = 1;
	R(setsockopt(fd, SOL_NETLINK_, 1, &v, sizeof(v)));
	R(setsockopt(fd, SOL_NETLINK_, 99, &v, sizeof(v)));
	R(setsockopt(fd, 0, 1, &v, sizeof(v))); /* SOL_IP */
	len = sizeof(got);
	R(getsockname(fd, (struct sockaddr *)&got, &len));
	printf("groups %#x\n", got.groups);
	close(fd);
	return 0;
}
