/* io_uring_wait.c: the io_uring operations that wait (uring.h): POLL_ADD
 * on a pipe completing when it is written (and at once when ready),
 * POLL_REMOVE, ASYNC_CANCEL, a pipe WRITE bigger than the pipe (short),
 * a READ of an empty pipe completing when written, TIMEOUT expiring with
 * -ETIME or ended by a count of completions, TIMEOUT_REMOVE,
 * IOSQE_IO_DRAIN holding requests back until a poll ends, a chain
 * waiting in its middle, ACCEPT/CONNECT/SEND/RECV/SENDMSG/RECVMSG over
 * loopback TCP (a RECV waiting for its SEND; a refused CONNECT), a child
 * writing while the parent waits in io_uring_enter, poll() on the ring
 * seeing a completion that waited for a pipe or a timeout, and
 * IORING_ENTER_GETEVENTS's EXT_ARG timeout (-ETIME), signal mask and
 * argument checks. */
#include "uring.h"
#include <arpa/inet.h>
#include <poll.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

struct kts {
	int64_t sec, nsec;
};

struct getevents_arg {
	uint64_t sigmask;
	uint32_t sigmask_sz, pad;
	uint64_t ts;
};

#define SUBMIT(r, n, what) \
	do { \
		R(ring_submit(r, n, 0)); \
		ring_print(r, what); \
	} while (0)

static void polls(struct ring *r)
{
	int p[2];
	char b[16] = "";
	R(pipe(p));
	sqe_get(r, OP_POLL_ADD, p[0], 1)->op_flags = POLLIN;
	R(ring_submit(r, 0, 0));
	printf("ready before the write: %u\n", ring_ready(r));
	R(write(p[1], "x", 1));
	R(u_enter(r->fd, 0, 1, ENTER_GETEVENTS, NULL, 8));
	ring_print(r, "poll after the write");
	sqe_get(r, OP_POLL_ADD, p[1], 2)->op_flags = POLLOUT;
	sqe_get(r, OP_POLL_ADD, p[0], 3)->op_flags = POLLIN | POLLOUT;
	SUBMIT(r, 2, "polls ready at once");
	R(read(p[0], b, 1));
	sqe_get(r, OP_POLL_ADD, p[0], 4)->op_flags = POLLIN;
	R(ring_submit(r, 0, 0));
	sqe_get(r, OP_POLL_REMOVE, -1, 5)->addr = 4;
	SUBMIT(r, 2, "poll removed");
	sqe_get(r, OP_POLL_REMOVE, -1, 6)->addr = 4;
	SUBMIT(r, 1, "nothing to remove");
	sqe_get(r, OP_POLL_ADD, p[0], 7)->len = 1 << 5;
	SUBMIT(r, 1, "poll with unknown flags");

	/* ASYNC_CANCEL: by user_data, all of one user_data, any */
	sqe_get(r, OP_POLL_ADD, p[0], 20)->op_flags = POLLIN;
	sqe_get(r, OP_POLL_ADD, p[0], 21)->op_flags = POLLIN;
	sqe_get(r, OP_POLL_ADD, p[0], 21)->op_flags = POLLIN;
	sqe_get(r, OP_POLL_ADD, p[0], 22)->op_flags = POLLIN;
	sqe_get(r, OP_POLL_ADD, p[0], 23)->op_flags = POLLIN;
	R(ring_submit(r, 0, 0));
	sqe_get(r, OP_ASYNC_CANCEL, -1, 24)->addr = 20;
	SUBMIT(r, 2, "cancel");
	sqe_get(r, OP_ASYNC_CANCEL, -1, 25)->addr = 20;
	SUBMIT(r, 1, "cancel of nothing");
	struct sqe *c = sqe_get(r, OP_ASYNC_CANCEL, -1, 26);
	c->addr = 21;
	c->op_flags = 1; /* IORING_ASYNC_CANCEL_ALL */
	SUBMIT(r, 3, "cancel all of 21");
	sqe_get(r, OP_ASYNC_CANCEL, -1, 27)->op_flags = 4; /* ANY */
	SUBMIT(r, 3, "cancel any");
	sqe_get(r, OP_ASYNC_CANCEL, -1, 28)->op_flags = 1u << 20;
	SUBMIT(r, 1, "cancel with bad flags");
	sqe_get(r, OP_POLL_ADD, p[0], 29)->flags = SQE_IO_HARDLINK;
	r->sqes[(r->tail - 1) & *ring_u32(r, r->p.sq_mask)].op_flags = POLLIN;
	sqe_get(r, OP_NOP, -1, 30);
	sqe_get(r, OP_POLL_ADD, p[0], 31)->flags = SQE_IO_LINK;
	r->sqes[(r->tail - 1) & *ring_u32(r, r->p.sq_mask)].op_flags = POLLIN;
	sqe_get(r, OP_NOP, -1, 32);
	R(ring_submit(r, 0, 0));
	sqe_get(r, OP_ASYNC_CANCEL, -1, 33)->addr = 29;
	sqe_get(r, OP_ASYNC_CANCEL, -1, 34)->addr = 31;
	SUBMIT(r, 6, "cancel in a hard and a soft chain");

	/* a read of an empty pipe waits for the data */
	sqe_rw(r, OP_READ, p[0], 8, b, sizeof(b), 0);
	R(ring_submit(r, 0, 0));
	printf("ready before the write: %u\n", ring_ready(r));
	R(write(p[1], "hello", 5));
	R(u_enter(r->fd, 0, 1, ENTER_GETEVENTS, NULL, 8));
	ring_print(r, "read after the write");
	printf("%.5s\n", b);

	/* a write bigger than the pipe is short, as on Linux (no worker
	 * thread finishing it as a blocking write would) */
	static char big[100000];
	sqe_rw(r, OP_WRITE, p[1], 17, big, sizeof(big), 0);
	SUBMIT(r, 1, "big write");
	size_t have = 0;
	while (have < 65536) {
		ssize_t k = read(p[0], big, sizeof(big));
		if (k <= 0)
			break;
		have += (size_t)k;
	}
	printf("read %zu\n", have);

	/* the writer is another process, the waiter sleeps in io_uring_enter */
	memset(b, 0, sizeof(b));
	sqe_rw(r, OP_READ, p[0], 9, b, sizeof(b), 0);
	R(ring_submit(r, 0, 0));
	pid_t pid = fork();
	if (pid == 0) {
		usleep(50000);
		_exit(write(p[1], "child", 5) == 5 ? 0 : 1);
	}
	R(u_enter(r->fd, 0, 1, ENTER_GETEVENTS, NULL, 8));
	ring_print(r, "read of the child's write");
	printf("%.5s\n", b);
	int st;
	waitpid(pid, &st, 0);

	/* a program waiting in poll() on the ring itself */
	sqe_get(r, OP_POLL_ADD, p[0], 16)->op_flags = POLLIN;
	R(ring_submit(r, 0, 0));
	R(write(p[1], "z", 1));
	struct pollfd pf = { r->fd, POLLIN, 0 };
	R(poll(&pf, 1, 2000));
	printf("revents %#x\n", pf.revents);
	ring_print(r, "poll on the ring");
	R(read(p[0], b, 1));

	/* drain: held back until the poll ends, with what follows */
	sqe_get(r, OP_POLL_ADD, p[0], 10)->op_flags = POLLIN;
	sqe_get(r, OP_NOP, -1, 11)->flags = SQE_IO_DRAIN;
	sqe_get(r, OP_NOP, -1, 12);
	R(ring_submit(r, 0, 0));
	printf("ready before the write: %u\n", ring_ready(r));
	R(write(p[1], "y", 1));
	R(u_enter(r->fd, 0, 3, ENTER_GETEVENTS, NULL, 8));
	ring_print(r, "drain");
	R(read(p[0], b, 1));

	/* a chain waiting in its middle */
	memset(b, 0, sizeof(b));
	sqe_get(r, OP_NOP, -1, 13)->flags = SQE_IO_LINK;
	sqe_rw(r, OP_READ, p[0], 14, b, 3, 0)->flags = SQE_IO_LINK;
	sqe_rw(r, OP_WRITE, p[1], 15, "end", 3, 0);
	SUBMIT(r, 1, "chain before the write");
	R(write(p[1], "abc", 3));
	R(u_enter(r->fd, 0, 2, ENTER_GETEVENTS, NULL, 8));
	ring_print(r, "chain after the write");
	R(read(p[0], b, 3));
	printf("%.3s\n", b);
	close(p[0]);
	close(p[1]);
}

static void timeouts(struct ring *r)
{
	struct kts t = { 0, 20000000 }, longer = { 10, 0 }, bad = { 0, -1 };
	sqe_rw(r, OP_TIMEOUT, -1, 1, &t, 1, 0);
	SUBMIT(r, 1, "timeout");
	sqe_rw(r, OP_TIMEOUT, -1, 2, &longer, 1, 1); /* one completion */
	sqe_get(r, OP_NOP, -1, 3);
	SUBMIT(r, 2, "timeout by count");
	sqe_rw(r, OP_TIMEOUT, -1, 4, &longer, 1, 0);
	R(ring_submit(r, 0, 0));
	sqe_get(r, OP_TIMEOUT_REMOVE, -1, 5)->addr = 4;
	SUBMIT(r, 2, "timeout removed");
	sqe_get(r, OP_TIMEOUT_REMOVE, -1, 6)->addr = 4;
	SUBMIT(r, 1, "nothing to remove");
	sqe_rw(r, OP_TIMEOUT, -1, 7, &t, 2, 0);
	SUBMIT(r, 1, "timeout of 2");
	sqe_rw(r, OP_TIMEOUT, -1, 8, &bad, 1, 0);
	SUBMIT(r, 1, "bad timespec");
	sqe_rw(r, OP_TIMEOUT, -1, 9, (void *)16, 1, 0);
	SUBMIT(r, 1, "timespec at a bad address");
	sqe_rw(r, OP_TIMEOUT, -1, 10, &t, 1, 0)->op_flags = 1u << 10;
	SUBMIT(r, 1, "bad timeout flags");
	/* a timeout failing its chain, and ETIME_SUCCESS not failing it */
	sqe_rw(r, OP_TIMEOUT, -1, 11, &t, 1, 0)->flags = SQE_IO_LINK;
	sqe_get(r, OP_NOP, -1, 12);
	SUBMIT(r, 2, "timeout in a chain");
	struct sqe *s = sqe_rw(r, OP_TIMEOUT, -1, 13, &t, 1, 0);
	s->flags = SQE_IO_LINK;
	s->op_flags = 1u << 5;
	sqe_get(r, OP_NOP, -1, 14);
	SUBMIT(r, 2, "ETIME_SUCCESS in a chain");

	/* a program waiting in poll() on the ring wakes for its timeout */
	sqe_rw(r, OP_TIMEOUT, -1, 15, &t, 1, 0);
	R(ring_submit(r, 0, 0));
	struct pollfd pf = { r->fd, POLLIN, 0 };
	R(poll(&pf, 1, 5000));
	ring_print(r, "timeout seen by poll");

	/* io_uring_enter's own timeout and arguments */
	struct getevents_arg a = { 0, 8, 0, (uint64_t)(uintptr_t)&t };
	R(u_enter(r->fd, 0, 1, ENTER_GETEVENTS | ENTER_EXT_ARG, &a, sizeof(a)));
	R(u_enter(r->fd, 0, 1, ENTER_GETEVENTS | ENTER_EXT_ARG, &a, sizeof(a) - 1));
	R(u_enter(r->fd, 0, 1, ENTER_GETEVENTS | ENTER_EXT_ARG, (void *)16, sizeof(a)));
	a.ts = (uint64_t)(uintptr_t)&bad;
	R(u_enter(r->fd, 0, 1, ENTER_GETEVENTS | ENTER_EXT_ARG, &a, sizeof(a)));
	sigset_t m;
	sigemptyset(&m);
	R(u_enter(r->fd, 0, 1, ENTER_GETEVENTS, &m, 4));
	R(u_enter(r->fd, 0, 0, ENTER_GETEVENTS, &m, 8));
}

static void on_alarm(int sig) { (void)sig; }

static void interrupted(struct ring *r)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	ualarm(30000, 0);
	R(u_enter(r->fd, 0, 1, ENTER_GETEVENTS, NULL, 8));
	/* blocked by the call's mask: the timeout ends the wait instead */
	sigset_t m, old;
	sigemptyset(&m);
	sigaddset(&m, SIGALRM);
	struct kts t = { 0, 80000000 };
	struct getevents_arg a = { (uint64_t)(uintptr_t)&m, 8, 0, (uint64_t)(uintptr_t)&t };
	sigprocmask(SIG_BLOCK, NULL, &old);
	ualarm(20000, 0);
	R(u_enter(r->fd, 0, 1, ENTER_GETEVENTS | ENTER_EXT_ARG, &a, sizeof(a)));
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	printf("mask restored: %d\n", sigismember(&now, SIGALRM) == sigismember(&old, SIGALRM));
}

static void sockets(struct ring *r)
{
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	R(bind(l, (struct sockaddr *)&sa, sizeof(sa)));
	R(getsockname(l, (struct sockaddr *)&sa, &len));
	R(listen(l, 4));
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);
	sqe_rw(r, OP_ACCEPT, l, 1 | ANY, &peer, 0, (uint64_t)(uintptr_t)&plen);
	R(ring_submit(r, 0, 0));
	printf("accept ready at once: %u\n", ring_ready(r));
	sqe_rw(r, OP_CONNECT, c, 2, &sa, 0, sizeof(sa));
	R(ring_submit(r, 2, 0));
	int s = -1;
	for (unsigned i = 0; i < 2; i++) {
		struct cqe *q = (struct cqe *)(r->rings + r->p.cq_cqes) +
				((*ring_u32(r, r->p.cq_head) + i) & *ring_u32(r, r->p.cq_mask));
		if (q->user_data == (1 | ANY))
			s = q->res;
	}
	ring_print(r, "accept, connect");
	printf("peer len %d family %d\n", (int)plen, peer.sin_family);
	char b[32] = "";
	sqe_rw(r, OP_RECV, s, 3, b, sizeof(b), 0);
	R(ring_submit(r, 0, 0));
	printf("recv ready at once: %u\n", ring_ready(r));
	sqe_rw(r, OP_SEND, c, 4, "hello", 5, 0);
	SUBMIT(r, 2, "send, recv");
	printf("%s\n", b);
	memset(b, 0, sizeof(b));
	struct iovec v[2] = { { "ab", 2 }, { "cde", 3 } }, w = { b, sizeof(b) };
	struct msghdr mo = { .msg_iov = v, .msg_iovlen = 2 },
		      mi = { .msg_iov = &w, .msg_iovlen = 1 };
	sqe_rw(r, OP_SENDMSG, s, 5, &mo, 1, 0);
	SUBMIT(r, 1, "sendmsg");
	sqe_rw(r, OP_RECVMSG, c, 6, &mi, 1, 0);
	SUBMIT(r, 1, "recvmsg");
	printf("%s\n", b);
	sqe_rw(r, OP_RECV, c, 7, b, sizeof(b), 0)->op_flags = MSG_DONTWAIT;
	SUBMIT(r, 1, "recv, MSG_DONTWAIT");
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	sqe_rw(r, OP_SEND, fd, 8, "x", 1, 0);
	sqe_rw(r, OP_RECV, 99, 9, b, 1, 0);
	sqe_rw(r, OP_ACCEPT, fd, 10, NULL, 0, 0);
	SUBMIT(r, 3, "not sockets");
	sqe_rw(r, OP_RECV, s, 11, (void *)16, 4, 0);
	R(ring_submit(r, 0, 0));
	R(send(c, "zz", 2, 0));
	R(u_enter(r->fd, 0, 1, ENTER_GETEVENTS, NULL, 8));
	ring_print(r, "recv to a bad address");
	close(fd);
	close(s);
	close(c);
	close(l);
	/* nobody listens there now */
	c = socket(AF_INET, SOCK_STREAM, 0);
	sqe_rw(r, OP_CONNECT, c, 12, &sa, 0, sizeof(sa));
	SUBMIT(r, 1, "connect refused");
	close(c);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct ring r;
	if (ring_init(&r, 16)) {
		printf("ring: %s\n", abi_errname(errno));
		return 1;
	}
	polls(&r);
	timeouts(&r);
	interrupted(&r);
	sockets(&r);
	ring_exit(&r);
	return 0;
}
