/* sock_unix.c: AF_UNIX sockets: socketpair (stream, datagram, seqpacket),
 * a named stream server and client, abstract names, datagrams with
 * sender addresses, shutdown and EPIPE, SCM_RIGHTS, MSG_PEEK, MSG_TRUNC,
 * socket inodes in the filesystem and the errors of the usual mistakes. */
#include "abi.h"
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/ioctl.h>

static socklen_t mkaddr(struct sockaddr_un *a, const char *path, int abstract)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	size_t n = strlen(path);
	memcpy(a->sun_path + (abstract ? 1 : 0), path, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (abstract ? 1 : 1));
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	int sv[2];
	char buf[256];

	/* stream pair */
	R(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	R(write(sv[0], "abc", 3));
	R(write(sv[0], "def", 3));
	int n = 0;
	R(ioctl(sv[1], FIONREAD, &n));
	printf("FIONREAD %d\n", n);
	R(recv(sv[1], buf, sizeof(buf), MSG_PEEK));
	R(read(sv[1], buf, 4));
	R(read(sv[1], buf, sizeof(buf)));
	R(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
	R(shutdown(sv[0], SHUT_WR));
	R(read(sv[1], buf, sizeof(buf)));
	R(write(sv[0], "x", 1));
	R(write(sv[1], "back", 4));
	R(read(sv[0], buf, sizeof(buf)));
	R(close(sv[1]));
	R(read(sv[0], buf, sizeof(buf)));
	R(close(sv[0]));

	/* datagram pair: boundaries and truncation */
	R(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	R(send(sv[0], "one", 3, 0));
	R(send(sv[0], "three", 5, 0));
	R(send(sv[0], "", 0, 0));
	R(recv(sv[1], buf, 2, 0));
	R(recv(sv[1], buf, 2, MSG_TRUNC | MSG_PEEK));
	R(recv(sv[1], buf, sizeof(buf), 0));
	R(recv(sv[1], buf, sizeof(buf), 0));
	R(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
	close(sv[0]);
	close(sv[1]);

	/* seqpacket pair */
	R(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
	R(write(sv[0], "ab", 2));
	R(write(sv[0], "cd", 2));
	R(read(sv[1], buf, sizeof(buf)));
	close(sv[0]);
	R(read(sv[1], buf, sizeof(buf)));
	R(read(sv[1], buf, sizeof(buf)));
	close(sv[1]);

	/* a named stream server */
	struct sockaddr_un a, b;
	socklen_t al = mkaddr(&a, "srv.sock", 0);
	int l = OK(socket(AF_UNIX, SOCK_STREAM, 0));
	R(bind(l, (struct sockaddr *)&a, al));
	struct stat st;
	R(stat("srv.sock", &st));
	SAY(S_ISSOCK(st.st_mode));
	int l2 = OK(socket(AF_UNIX, SOCK_STREAM, 0));
	R(bind(l2, (struct sockaddr *)&a, al));
	R(connect(l2, (struct sockaddr *)&a, al));
	R(listen(l, 4));
	int c = OK(socket(AF_UNIX, SOCK_STREAM, 0));
	R(connect(c, (struct sockaddr *)&a, al));
	socklen_t bl = sizeof(b);
	R(getpeername(c, (struct sockaddr *)&b, &bl));
	printf("peer %s len %d\n", b.sun_path, (int)bl);
	bl = sizeof(b);
	R(getsockname(c, (struct sockaddr *)&b, &bl));
	printf("own len %d\n", (int)bl);
	bl = sizeof(b);
	int s = OK(accept4(l, (struct sockaddr *)&b, &bl, SOCK_NONBLOCK));
	printf("accepted from len %d\n", (int)bl);
	R(fcntl(l, F_SETFL, O_NONBLOCK));
	R(accept4(l, NULL, NULL, 0));
	R(fcntl(s, F_GETFL) & O_NONBLOCK ? 1 : 0);
	R(read(s, buf, 1));
	R(write(c, "ping", 4));
	R(read(s, buf, sizeof(buf)));
	int ac = 0;
	socklen_t vl = sizeof(ac);
	R(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &ac, &vl));
	printf("acceptconn %d\n", ac);
	int ty = 0;
	R(getsockopt(s, SOL_SOCKET, SO_TYPE, &ty, &vl));
	printf("type %d\n", ty);

	/* pass a descriptor: a pipe's read end */
	int p[2];
	R(pipe(p));
	R(write(p[1], "through", 7));
	struct msghdr mh = { 0 };
	struct iovec iov = { .iov_base = "F", .iov_len = 1 };
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr h;
	} cb;
	memset(&cb, 0, sizeof(cb));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cb.b;
	mh.msg_controllen = sizeof(cb.b);
	struct cmsghdr *ch = CMSG_FIRSTHDR(&mh);
	ch->cmsg_level = SOL_SOCKET;
	ch->cmsg_type = SCM_RIGHTS;
	ch->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(ch), &p[0], sizeof(int));
	R(sendmsg(c, &mh, 0));
	close(p[0]);
	char one;
	struct iovec riov = { .iov_base = &one, .iov_len = 1 };
	struct msghdr rh = { .msg_iov = &riov,
			     .msg_iovlen = 1,
			     .msg_control = cb.b,
			     .msg_controllen = sizeof(cb.b) };
	memset(&cb, 0, sizeof(cb));
	R(recvmsg(s, &rh, MSG_CMSG_CLOEXEC));
	ch = CMSG_FIRSTHDR(&rh);
	SAY(ch && ch->cmsg_type == SCM_RIGHTS && ch->cmsg_len == CMSG_LEN(sizeof(int)));
	int got = -1;
	if (ch)
		memcpy(&got, CMSG_DATA(ch), sizeof(int));
	memset(buf, 0, sizeof(buf));
	R(read(got, buf, sizeof(buf)));
	printf("via the passed fd: %s\n", buf);
	R(fcntl(got, F_GETFD));
	close(got);
	close(p[1]);
	close(c);
	R(read(s, buf, sizeof(buf)));
	R(write(s, "late", 4));
	close(s);
	close(l);
	close(l2);
	R(unlink("srv.sock"));

	/* abstract names and datagrams with addresses */
	struct sockaddr_un da, db, from;
	socklen_t dal = mkaddr(&da, "htux-abi-a", 1), dbl = mkaddr(&db, "htux-abi-b", 1);
	int x = OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	int y = OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	R(bind(x, (struct sockaddr *)&da, dal));
	R(bind(y, (struct sockaddr *)&db, dbl));
	R(sendto(x, "to-b", 4, 0, (struct sockaddr *)&db, dbl));
	socklen_t fl = sizeof(from);
	memset(&from, 0, sizeof(from));
	R(recvfrom(y, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl));
	printf("from abstract %s len %d\n", from.sun_path + 1, (int)fl);
	int z = OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	R(sendto(z, "anon", 4, 0, (struct sockaddr *)&db, dbl));
	fl = sizeof(from);
	R(recvfrom(y, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl));
	printf("from unbound len %d\n", (int)fl);
	R(send(z, "x", 1, 0));
	R(connect(z, (struct sockaddr *)&da, dal));
	R(send(z, "conn", 4, 0));
	R(recv(x, buf, sizeof(buf), 0));
	close(x);
	R(send(z, "gone", 4, 0));
	struct sockaddr_un none;
	socklen_t nl = mkaddr(&none, "nobody-here", 0);
	R(sendto(y, "?", 1, 0, (struct sockaddr *)&none, nl));
	int st2 = OK(socket(AF_UNIX, SOCK_STREAM, 0));
	R(connect(st2, (struct sockaddr *)&db, dbl));
	close(st2);
	close(y);
	close(z);

	/* mistakes */
	R(socket(AF_UNIX, SOCK_RAW, 0));
	R(socketpair(AF_INET, SOCK_STREAM, 0, sv));
	int u = OK(socket(AF_UNIX, SOCK_STREAM, 0));
	R(listen(u, 1));
	R(read(u, buf, 1));
	R(write(u, "x", 1));
	R(accept(u, NULL, NULL));
	R(connect(u, (struct sockaddr *)&none, nl));
	close(u);
	return 0;
}
