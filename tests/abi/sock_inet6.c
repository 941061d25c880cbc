/* sock_inet6.c: AF_INET6 over ::1: TCP with a server thread (echo, then
 * 256 KiB one way), UDP datagrams, the names (printed with inet_ntop);
 * a :: listener taking an IPv4 client as ::ffff:127.0.0.1, the same with
 * IPV6_V6ONLY refusing it, a UDP :: socket hearing IPv4 and answering to
 * an AF_INET name, and the errors of the usual mistakes. */
#include "abi.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <sys/socket.h>

static int lfd;
static struct sockaddr_in6 accepted[2]; /* printed after the join: no races */
static socklen_t accepted_len[2];

/* A sockaddr_in6 (or sockaddr_in) as "family len addr port?". */
static void show(const char *what, const void *sa, socklen_t len)
{
	char text[INET6_ADDRSTRLEN] = "?";
	const struct sockaddr_in6 *s6 = sa;
	const struct sockaddr_in *s4 = sa;
	if (s6->sin6_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, text, sizeof(text));
		printf("%s: AF_INET6 len %u %s port %s flow %u scope %u\n", what, (unsigned)len,
		       text, s6->sin6_port ? "set" : "0", s6->sin6_flowinfo, s6->sin6_scope_id);
	} else if (s4->sin_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, text, sizeof(text));
		printf("%s: AF_INET len %u %s port %s\n", what, (unsigned)len, text,
		       s4->sin_port ? "set" : "0");
	} else {
		printf("%s: family %d len %u\n", what, s6->sin6_family, (unsigned)len);
	}
}

static void names(const char *what, int fd)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	char tag[64];
	memset(&ss, 0xee, sizeof(ss));
	snprintf(tag, sizeof(tag), "%s local", what);
	if (getsockname(fd, (struct sockaddr *)&ss, &l) == 0)
		show(tag, &ss, l);
	else
		printf("%s: getsockname %s\n", tag, abi_errname(errno));
	l = sizeof(ss);
	snprintf(tag, sizeof(tag), "%s peer", what);
	if (getpeername(fd, (struct sockaddr *)&ss, &l) == 0)
		show(tag, &ss, l);
	else
		printf("%s: getpeername %s\n", tag, abi_errname(errno));
}

static void *server(void *arg)
{
	(void)arg;
	for (int round = 0; round < 2; round++) {
		accepted_len[round] = sizeof(accepted[round]);
		int c = accept(lfd, (struct sockaddr *)&accepted[round], &accepted_len[round]);
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
			if (round == 0 && write(c, buf, (size_t)n) != n)
				break;
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

/* Connects an IPv4 client to 127.0.0.1:port; the result. */
static int connect4(unsigned short port, int *out)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int c = OK(socket(AF_INET, SOCK_STREAM, 0));
	int r = (int)R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	*out = c;
	return r;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int one = 1, zero = 0, v;
	socklen_t vl;
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t al = sizeof(a);

	/* TCP over ::1 */
	lfd = OK(socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
	names("unbound", lfd);
	v = -1;
	vl = sizeof(v);
	R(getsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &vl));
	printf("v6only %d len %u\n", v, (unsigned)vl);
	R(getsockopt(lfd, SOL_SOCKET, SO_DOMAIN, &v, &vl));
	printf("domain %d\n", v);
	R(getsockopt(lfd, SOL_SOCKET, SO_PROTOCOL, &v, &vl));
	printf("protocol %d\n", v);
	R(setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	R(bind(lfd, (struct sockaddr *)&a, sizeof(a)));
	R(getsockname(lfd, (struct sockaddr *)&a, &al));
	names("listener", lfd);
	R(listen(lfd, 16));
	R(setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)));

	pthread_t th;
	pthread_create(&th, NULL, server, NULL);
	int c = OK(socket(AF_INET6, SOCK_STREAM, 0));
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	names("client", c);
	R(write(c, "hello, ipv6", 11));
	char buf[64] = { 0 };
	R(recv(c, buf, 11, MSG_WAITALL));
	printf("echo: %s\n", buf);
	R(shutdown(c, SHUT_WR));
	R(read(c, buf, sizeof(buf)));
	close(c);

	/* :: as the address to connect to is this host; 256 KiB one way */
	struct sockaddr_in6 any = a;
	any.sin6_addr = in6addr_any;
	c = OK(socket(AF_INET6, SOCK_STREAM, 0));
	R(connect(c, (struct sockaddr *)&any, sizeof(any)));
	static char big[256 << 10];
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
	size_t got = 0;
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
	show("accepted from", &accepted[0], accepted_len[0]);
	show("accepted from", &accepted[1], accepted_len[1]);
	close(lfd);
	c = OK(socket(AF_INET6, SOCK_STREAM, 0));
	R(connect(c, (struct sockaddr *)&a, sizeof(a))); /* nobody listens now */
	close(c);

	/* UDP over ::1 */
	struct sockaddr_in6 ua = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in6 ub = ua, from;
	socklen_t ul = sizeof(ua), fl;
	int x = OK(socket(AF_INET6, SOCK_DGRAM, 0));
	int y = OK(socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP));
	R(bind(x, (struct sockaddr *)&ua, sizeof(ua)));
	R(getsockname(x, (struct sockaddr *)&ua, &ul));
	R(bind(y, (struct sockaddr *)&ub, sizeof(ub)));
	ul = sizeof(ub);
	R(getsockname(y, (struct sockaddr *)&ub, &ul));
	R(sendto(x, "datagram", 8, 0, (struct sockaddr *)&ub, sizeof(ub)));
	fl = sizeof(from);
	memset(buf, 0, sizeof(buf));
	R(recvfrom(y, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl));
	show("udp from", &from, fl);
	SAY(from.sin6_port == ua.sin6_port);
	R(connect(y, (struct sockaddr *)&ua, sizeof(ua)));
	names("udp connected", y);
	R(send(y, "reply", 5, 0));
	R(recv(x, buf, sizeof(buf), 0));
	close(x);
	close(y);

	/* a :: listener takes IPv4 as ::ffff:127.0.0.1 */
	lfd = OK(socket(AF_INET6, SOCK_STREAM, 0));
	struct sockaddr_in6 wild = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	R(bind(lfd, (struct sockaddr *)&wild, sizeof(wild)));
	R(listen(lfd, 4));
	names("dual listener", lfd);
	al = sizeof(wild);
	R(getsockname(lfd, (struct sockaddr *)&wild, &al));
	unsigned short port = ntohs(wild.sin6_port);
	connect4(port, &c);
	struct sockaddr_in6 peer;
	socklen_t pl = sizeof(peer);
	int s = OK(accept(lfd, (struct sockaddr *)&peer, &pl));
	show("dual accepted from", &peer, pl);
	SAY(peer.sin6_port != 0);
	names("dual server side", s);
	names("ipv4 client", c);
	R(write(c, "four", 4));
	memset(buf, 0, sizeof(buf));
	R(recv(s, buf, 4, MSG_WAITALL));
	printf("got %s\n", buf);
	close(s);
	close(c);
	/* an AF_INET6 client to ::ffff:127.0.0.1 speaks IPv4 */
	struct sockaddr_in6 mapped = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	R(inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped.sin6_addr));
	c = OK(socket(AF_INET6, SOCK_STREAM, 0));
	R(connect(c, (struct sockaddr *)&mapped, sizeof(mapped)));
	s = OK(accept(lfd, NULL, NULL));
	names("mapped client", c);
	close(s);
	close(c);
	close(lfd);

	/* IPV6_V6ONLY: the same listener refuses IPv4 */
	lfd = OK(socket(AF_INET6, SOCK_STREAM, 0));
	R(setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)));
	v = -1;
	vl = sizeof(v);
	R(getsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &vl));
	printf("v6only %d\n", v);
	wild.sin6_port = 0;
	R(bind(lfd, (struct sockaddr *)&wild, sizeof(wild)));
	R(setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)));
	R(listen(lfd, 4));
	al = sizeof(wild);
	R(getsockname(lfd, (struct sockaddr *)&wild, &al));
	port = ntohs(wild.sin6_port);
	connect4(port, &c);
	close(c);
	a.sin6_port = htons(port);
	c = OK(socket(AF_INET6, SOCK_STREAM, 0));
	R(connect(c, (struct sockaddr *)&a, sizeof(a))); /* ::1 still reaches it */
	close(c);
	s = OK(accept(lfd, NULL, NULL));
	close(s);
	close(lfd);

	/* UDP on :: hears an IPv4 sender */
	x = OK(socket(AF_INET6, SOCK_DGRAM, 0));
	wild.sin6_port = 0;
	R(bind(x, (struct sockaddr *)&wild, sizeof(wild)));
	al = sizeof(wild);
	R(getsockname(x, (struct sockaddr *)&wild, &al));
	y = OK(socket(AF_INET, SOCK_DGRAM, 0));
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = wild.sin6_port,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	R(sendto(y, "v4", 2, 0, (struct sockaddr *)&to, sizeof(to)));
	fl = sizeof(from);
	R(recvfrom(x, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl));
	show("udp v4 from", &from, fl);
	struct sockaddr_in back = { .sin_family = AF_INET,
				    .sin_port = from.sin6_port,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	R(sendto(x, "back", 4, 0, (struct sockaddr *)&back, sizeof(back))); /* an AF_INET name */
	memset(buf, 0, sizeof(buf));
	R(recv(y, buf, sizeof(buf), 0));
	printf("got %s\n", buf);
	R(sendto(x, "back", 4, 0, (struct sockaddr *)&back, 8));
	close(x);
	close(y);

	/* mistakes */
	x = OK(socket(AF_INET6, SOCK_STREAM, 0));
	R(bind(x, (struct sockaddr *)&to, sizeof(to))); /* a sockaddr_in: too short */
	struct sockaddr_in6 fam = a;
	fam.sin6_family = AF_INET;
	R(bind(x, (struct sockaddr *)&fam, sizeof(fam)));
	R(bind(x, (struct sockaddr *)&a, 20));
	R(setsockopt(x, IPPROTO_IPV6, IPV6_V6ONLY, &one, 2));
	close(x);
	x = OK(socket(AF_INET, SOCK_STREAM, 0));
	R(setsockopt(x, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)));
	R(getsockopt(x, IPPROTO_IPV6, IPV6_V6ONLY, &v, &vl));
	close(x);
	R(socket(AF_INET6, SOCK_STREAM, IPPROTO_UDP));
	int sv[2];
	R(socketpair(AF_INET6, SOCK_STREAM, 0, sv));
	return 0;
}
