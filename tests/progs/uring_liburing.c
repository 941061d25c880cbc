/* uring_liburing.c: Debian's liburing over htux's io_uring, for
 * tests/boot/io_uring.sh (which compares the output with the host's):
 * io_uring_queue_init and its mappings, the probe, file writes and reads
 * (plain, vectored, fixed buffers, fixed files), a linked write/fsync/
 * read chain and a failing one, a poll and a pipe read completed by a
 * write, a timeout, io_uring_wait_cqe_timeout, and a TCP echo over
 * loopback with accept, connect, send and recv all on the ring; then a
 * batch of 64 NOPs through a ring of 8 CQEs (the overflow kept, never
 * dropped). Prints results, never descriptors or addresses. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static struct io_uring ring;

/* Waits for n CQEs and prints them by user_data (sorted: completions
 * that end together may come in any order). ANY: print res >= 0 as ok. */
#define ANY 0x1000u
static int last_res[64];
static void reap(const char *what, unsigned n)
{
	struct {
		unsigned long long ud;
		int res;
	} v[64];
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *c;
		int e = io_uring_wait_cqe(&ring, &c);
		if (e) {
			printf("%s: wait %s\n", what, strerror(-e));
			exit(1);
		}
		v[i].ud = c->user_data;
		v[i].res = c->res;
		io_uring_cqe_seen(&ring, c);
	}
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			if (v[j].ud < v[i].ud) {
				__typeof__(v[0]) t = v[i];
				v[i] = v[j];
				v[j] = t;
			}
	printf("%s:", what);
	for (unsigned i = 0; i < n; i++) {
		unsigned ud = (unsigned)v[i].ud & ~ANY;
		last_res[ud % 64] = v[i].res;
		if (v[i].res < 0)
			printf(" %u=%s", ud, strerror(-v[i].res));
		else if (v[i].ud & ANY)
			printf(" %u=ok", ud);
		else
			printf(" %u=%d", ud, v[i].res);
	}
	printf("\n");
}

static struct io_uring_sqe *sqe(unsigned long long ud)
{
	struct io_uring_sqe *s = io_uring_get_sqe(&ring);
	io_uring_sqe_set_data64(s, ud);
	return s;
}

static void files(void)
{
	int fd = open("u.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char buf[64] = "";
	io_uring_prep_write(sqe(1), fd, "hello, ring\n", 12, 0);
	io_uring_submit(&ring);
	reap("write", 1);
	io_uring_prep_read(sqe(2), fd, buf, sizeof(buf), 0);
	io_uring_submit(&ring);
	reap("read", 1);
	printf("%s", buf);
	char a[4] = "", b[8] = "";
	struct iovec v[2] = { { a, 3 }, { b, 5 } };
	io_uring_prep_readv(sqe(3), fd, v, 2, 2);
	io_uring_submit(&ring);
	reap("readv", 1);
	printf("%.3s|%.5s\n", a, b);

	static char fixed[4096];
	struct iovec reg = { fixed, sizeof(fixed) };
	printf("register buffers %d\n", io_uring_register_buffers(&ring, &reg, 1));
	printf("register files %d\n", io_uring_register_files(&ring, &fd, 1));
	strcpy(fixed, "FIXED");
	io_uring_prep_write_fixed(sqe(4), fd, fixed, 5, 20, 0);
	io_uring_submit(&ring);
	reap("write fixed", 1);
	struct io_uring_sqe *s = sqe(6);
	io_uring_prep_read_fixed(s, 0, fixed + 100, 5, 20, 0);
	s->flags |= IOSQE_FIXED_FILE;
	io_uring_submit(&ring);
	reap("read fixed on a fixed file", 1);
	printf("%.5s\n", fixed + 100);
	io_uring_unregister_buffers(&ring);
	io_uring_unregister_files(&ring);

	/* a chain: write, fsync, read; then one failing at its head */
	memset(buf, 0, sizeof(buf));
	s = sqe(7);
	io_uring_prep_write(s, fd, "chained", 7, 30);
	s->flags |= IOSQE_IO_LINK;
	s = sqe(8);
	io_uring_prep_fsync(s, fd, 0);
	s->flags |= IOSQE_IO_LINK;
	io_uring_prep_read(sqe(9), fd, buf, 7, 30);
	io_uring_submit(&ring);
	reap("write, fsync, read", 3);
	printf("%s\n", buf);
	s = sqe(10);
	io_uring_prep_read(s, 999, buf, 4, 0);
	s->flags |= IOSQE_IO_LINK;
	io_uring_prep_nop(sqe(11));
	io_uring_submit(&ring);
	reap("failing chain", 2);
	close(fd);
}

static void waits(void)
{
	int p[2];
	char buf[16] = "";
	if (pipe(p))
		exit(1);
	io_uring_prep_poll_add(sqe(20), p[0], POLLIN);
	io_uring_prep_read(sqe(21), p[0], buf, sizeof(buf), 0);
	io_uring_submit(&ring);
	struct io_uring_cqe *c;
	printf("peek before the write: %s\n", strerror(-io_uring_peek_cqe(&ring, &c)));
	if (write(p[1], "data", 4) != 4)
		exit(1);
	reap("poll, read", 2);
	printf("%s\n", buf);

	struct __kernel_timespec ts = { 0, 10000000 };
	io_uring_prep_timeout(sqe(22), &ts, 0, 0);
	io_uring_submit(&ring);
	reap("timeout", 1);
	printf("wait with timeout: %s\n", strerror(-io_uring_wait_cqe_timeout(&ring, &c, &ts)));
	close(p[0]);
	close(p[1]);
}

static void tcp(void)
{
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	if (bind(l, (struct sockaddr *)&sa, len) || getsockname(l, (struct sockaddr *)&sa, &len) ||
	    listen(l, 1))
		exit(1);
	io_uring_prep_accept(sqe(30 | ANY), l, NULL, NULL, 0);
	io_uring_prep_connect(sqe(31), c, (struct sockaddr *)&sa, sizeof(sa));
	io_uring_submit(&ring);
	reap("accept, connect", 2);
	int s = last_res[30];
	char buf[32] = "";
	io_uring_prep_recv(sqe(32), s, buf, sizeof(buf), 0);
	io_uring_prep_send(sqe(33), c, "ping", 4, 0);
	io_uring_submit(&ring);
	reap("recv, send", 2);
	printf("server got %s\n", buf);
	memset(buf, 0, sizeof(buf));
	io_uring_prep_send(sqe(34), s, "pong", 4, 0);
	io_uring_prep_recv(sqe(35), c, buf, sizeof(buf), 0);
	io_uring_submit(&ring);
	reap("send, recv", 2);
	printf("client got %s\n", buf);
	io_uring_prep_close(sqe(36), s);
	io_uring_submit(&ring);
	reap("close", 1);
	close(c);
	close(l);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int e = io_uring_queue_init(8, &ring, 0);
	if (e) {
		printf("io_uring_queue_init: %s\n", strerror(-e));
		return 1;
	}
	printf("sq %u cq %u\n", ring.sq.ring_entries, ring.cq.ring_entries);
	struct io_uring_probe *pr = io_uring_get_probe_ring(&ring);
	static const int ops[] = { IORING_OP_NOP,      IORING_OP_READ,    IORING_OP_WRITE,
				   IORING_OP_POLL_ADD, IORING_OP_TIMEOUT, IORING_OP_ACCEPT,
				   IORING_OP_CONNECT,  IORING_OP_SEND,    IORING_OP_RECV,
				   IORING_OP_SPLICE };
	printf("probe:");
	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		printf(" %d", pr && io_uring_opcode_supported(pr, ops[i]));
	printf("\n");
	io_uring_free_probe(pr);
	files();
	waits();
	tcp();
	io_uring_queue_exit(&ring);

	/* more completions than the CQ ring holds: kept, none dropped */
	struct io_uring_params p = { 0 };
	if (io_uring_queue_init_params(4, &ring, &p))
		return 1;
	unsigned total = 0;
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < 4; i++)
			io_uring_prep_nop(sqe(100 + round * 4 + i));
		io_uring_submit(&ring);
	}
	struct io_uring_cqe *c;
	while (io_uring_peek_cqe(&ring, &c) == 0 || io_uring_wait_cqe_nr(&ring, &c, 1) == 0) {
		total++;
		io_uring_cqe_seen(&ring, c);
		if (total == 16)
			break;
	}
	printf("nops completed: %u, overflow %u\n", total, *ring.cq.koverflow);
	io_uring_queue_exit(&ring);
	return 0;
}
