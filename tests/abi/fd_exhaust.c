/* fd_exhaust.c: descriptor exhaustion at a low RLIMIT_NOFILE: every call
 * that makes descriptors fails with EMFILE once the table is full (one
 * free slot is not enough for pipe or socketpair), dup2/dup3 and F_DUPFD
 * at or beyond the limit give EBADF and EINVAL, accept leaves the
 * connection queued, SCM_RIGHTS descriptors that do not fit are dropped
 * with MSG_CTRUNC, and a limit of 0 refuses even open. */
#include "abi.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>

#define LIMIT 32

static int fill(void)
{
	int n = 0;
	while (open(".", O_RDONLY) >= 0)
		n++;
	printf("opened %d more: %s\n", n, abi_errname(errno));
	return n;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	(void)abi_put;
	(void)abi_child;
	(void)abi_get;
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "sock" };
	R(bind(ls, (void *)&sa, sizeof(sa)));
	R(listen(ls, 4));
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	R(connect(c, (void *)&sa, sizeof(sa)));
	int sp[2];
	R(socketpair(AF_UNIX, SOCK_DGRAM, 0, sp));
	struct rlimit rl = { LIMIT, LIMIT };
	R(setrlimit(RLIMIT_NOFILE, &rl));
	fill();
	int p[2];
	R(open(".", O_RDONLY));
	R(pipe(p));
	R(socket(AF_UNIX, SOCK_STREAM, 0));
	R(socketpair(AF_UNIX, SOCK_STREAM, 0, p));
	R(dup(0));
	R(fcntl(0, F_DUPFD, 0));
	R(fcntl(0, F_DUPFD, LIMIT - 1));
	R(fcntl(0, F_DUPFD, LIMIT));
	R(fcntl(0, F_DUPFD_CLOEXEC, LIMIT));
	R(dup2(0, LIMIT));
	R(dup2(0, LIMIT - 1) == LIMIT - 1);
	R(dup3(0, LIMIT, 0));
	R(epoll_create1(0));
	R(eventfd(0, 0));
	R(timerfd_create(CLOCK_MONOTONIC, 0));
	R(inotify_init1(0));
	R(syscall(SYS_memfd_create, "m", 0));
	R(accept(ls, NULL, NULL));
	/* a descriptor passed when none is free: dropped, MSG_CTRUNC */
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof(u));
	char x = 'x';
	struct iovec io = { &x, 1 };
	struct msghdr m = {
		.msg_iov = &io, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b)
	};
	struct cmsghdr *ch = CMSG_FIRSTHDR(&m);
	ch->cmsg_level = SOL_SOCKET;
	ch->cmsg_type = SCM_RIGHTS;
	ch->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(ch), &sp[0], sizeof(int));
	R(sendmsg(sp[0], &m, 0));
	memset(&u, 0, sizeof(u));
	m.msg_controllen = sizeof(u.b);
	R(recvmsg(sp[1], &m, 0));
	printf("MSG_CTRUNC: %s, controllen %d\n", m.msg_flags & MSG_CTRUNC ? "yes" : "no",
	       (int)m.msg_controllen);
	/* one free slot: open yes, pipe and socketpair no */
	R(close(LIMIT - 1));
	R(pipe(p));
	R(socketpair(AF_UNIX, SOCK_STREAM, 0, p));
	R(accept(ls, NULL, NULL) == LIMIT - 1); /* the connection was kept */
	R(close(LIMIT - 1));
	R(open(".", O_RDONLY) == LIMIT - 1);
	/* lowered below what is open: new ones refused, old ones kept */
	rl.rlim_cur = 8;
	R(setrlimit(RLIMIT_NOFILE, &rl));
	R(open(".", O_RDONLY));
	R(fcntl(20, F_GETFD));
	R(dup2(0, 20));
	R(dup2(0, 8));
	rl.rlim_cur = 0;
	R(setrlimit(RLIMIT_NOFILE, &rl));
	R(open(".", O_RDONLY));
	R(dup(0));
	R(fcntl(0, F_DUPFD, 0));
	return 0;
}
