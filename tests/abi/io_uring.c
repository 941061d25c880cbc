/* io_uring.c: io_uring by raw system calls (uring.h): io_uring_setup's
 * checks and sizes (CQSIZE, CLAMP, reserved fields, bad pointers), the
 * mmap offsets, io_uring_enter's and io_uring_register's errors, and the
 * operations that complete at once: NOP, READ/WRITE (at an offset and at
 * the file position), READV/WRITEV, READ_FIXED/WRITE_FIXED on registered
 * buffers, IOSQE_FIXED_FILE, FSYNC, OPENAT, STATX, CLOSE, SPLICE, the
 * path calls (MKDIRAT, RENAMEAT, LINKAT, SYMLINKAT, UNLINKAT), FALLOCATE,
 * FADVISE, MADVISE, SYNC_FILE_RANGE, OPENAT2, EPOLL_CTL, SOCKET, SHUTDOWN,
 * probe, an eventfd signalled per completion, garbage SQEs (bad fd,
 * opcode 200, a bad address, unknown flags) and linked SQEs (a failure
 * and a short read cancelling the rest; IOSQE_IO_HARDLINK going on).
 * io_uring_wait.c has the operations that wait. */
#include "uring.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>

static void setup_checks(void)
{
	struct params p;
	memset(&p, 0, sizeof(p));
	R(u_setup(0, &p));
	R(u_setup(40000, &p));
	R(u_setup(4, (struct params *)8));
	p.resv[1] = 1;
	R(u_setup(4, &p));
	memset(&p, 0, sizeof(p));
	p.flags = 1u << 31;
	R(u_setup(4, &p));
	memset(&p, 0, sizeof(p));
	p.flags = SETUP_CQSIZE;
	R(u_setup(4, &p));
	p.cq_entries = 2;
	R(u_setup(4, &p));
	p.cq_entries = 100;
	int fd = (int)OK(u_setup(5, &p));
	printf("CQSIZE 100, 5 entries: sq %u cq %u\n", p.sq_entries, p.cq_entries);
	close(fd);
	memset(&p, 0, sizeof(p));
	p.flags = SETUP_CLAMP | SETUP_CQSIZE;
	p.cq_entries = 1000000;
	fd = (int)OK(u_setup(40000, &p));
	printf("CLAMP: sq %u cq %u\n", p.sq_entries, p.cq_entries);
	close(fd);
	memset(&p, 0, sizeof(p));
	fd = (int)OK(u_setup(3, &p));
	printf("3 entries: sq %u cq %u, single mmap %d\n", p.sq_entries, p.cq_entries,
	       !!(p.features & FEAT_SINGLE_MMAP));
	printf("cloexec %d\n", fcntl(fd, F_GETFD) & FD_CLOEXEC);
	R(u_enter(fd, 0, 0, 1u << 20, NULL, 8));
	R(u_enter(fd, 0, 0, 0, NULL, 8));
	R(u_register(fd, 200, NULL, 0));
	R(u_register(fd, 3, NULL, 0)); /* unregister files: none */
	close(fd);
	R(u_enter(0, 0, 0, 0, NULL, 8));
	R(u_enter(-1, 0, 0, 0, NULL, 8));
	R(u_register(1, 0, NULL, 0));
}

/* Submits what is queued and waits for n CQEs. */
#define SUBMIT(r, n, what) \
	do { \
		R(ring_submit(r, n, 0)); \
		ring_print(r, what); \
	} while (0)

static void rw_ops(struct ring *r)
{
	int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char a[16] = "0123456789", b[16] = "", c[16] = "";
	sqe_get(r, OP_NOP, -1, 7);
	SUBMIT(r, 1, "nop");
	sqe_rw(r, OP_WRITE, fd, 1, a, 10, 0);
	SUBMIT(r, 1, "write");
	sqe_rw(r, OP_READ, fd, 2, b, 4, 3);
	SUBMIT(r, 1, "read at 3");
	sqe_rw(r, OP_READ, fd, 3, c, 3, UINT64_MAX); /* the file position */
	SUBMIT(r, 1, "read at the position");
	printf("%.4s %.3s pos %ld\n", b, c, (long)lseek(fd, 0, SEEK_CUR));
	struct iovec v[2] = { { a, 2 }, { a + 5, 3 } }, w[2] = { { b, 1 }, { c, 4 } };
	sqe_rw(r, OP_WRITEV, fd, 4, v, 2, 10);
	SUBMIT(r, 1, "writev");
	sqe_rw(r, OP_READV, fd, 5, w, 2, 9);
	SUBMIT(r, 1, "readv");
	printf("%.1s %.4s\n", b, c);
	sqe_get(r, OP_FSYNC, fd, 6);
	sqe_get(r, OP_FSYNC, fd, 7)->op_flags = 1; /* DATASYNC */
	SUBMIT(r, 2, "fsync");

	/* fixed buffers and files */
	static char big[8192];
	struct iovec reg[2] = { { big, 4096 }, { big + 4096, 4096 } };
	R(u_register(r->fd, 1, NULL, 0)); /* none yet */
	R(u_register(r->fd, 0, reg, 2));
	R(u_register(r->fd, 0, reg, 2));
	memcpy(big + 4096, "fixed", 5);
	sqe_rw(r, OP_WRITE_FIXED, fd, 1, big + 4096, 5, 20)->buf_index = 1;
	SUBMIT(r, 1, "write fixed");
	sqe_rw(r, OP_READ_FIXED, fd, 2, big + 10, 5, 20)->buf_index = 0;
	SUBMIT(r, 1, "read fixed");
	printf("%.5s\n", big + 10);
	sqe_rw(r, OP_READ_FIXED, fd, 3, big + 4090, 10, 0)->buf_index = 0;
	SUBMIT(r, 1, "read fixed past the buffer");
	sqe_rw(r, OP_READ_FIXED, fd, 4, big, 10, 0)->buf_index = 2;
	SUBMIT(r, 1, "read fixed, no such buffer");
	R(u_register(r->fd, 1, NULL, 0));
	int fds[3] = { -1, fd, 100 };
	R(u_register(r->fd, 2, fds, 3));
	R(u_register(r->fd, 2, fds, 2));
	R(u_register(r->fd, 2, fds, 2));
	sqe_rw(r, OP_READ, 1, 1, b, 5, 20)->flags = SQE_FIXED_FILE;
	sqe_rw(r, OP_READ, 0, 2, b, 5, 20)->flags = SQE_FIXED_FILE;
	sqe_rw(r, OP_READ, 2, 3, b, 5, 20)->flags = SQE_FIXED_FILE;
	SUBMIT(r, 3, "fixed files");
	R(u_register(r->fd, 3, NULL, 0));
	R(u_register(r->fd, 3, NULL, 0));

	/* garbage, one at a time (a bad one ends the submission) */
	sqe_rw(r, OP_READ, 99, 1, b, 5, 0);
	SUBMIT(r, 1, "bad fd");
	sqe_get(r, 200, fd, 2);
	SUBMIT(r, 1, "opcode 200");
	sqe_rw(r, OP_READ, fd, 3, (void *)16, 5, 0);
	SUBMIT(r, 1, "read to a bad address");
	sqe_rw(r, OP_WRITE, fd, 4, (void *)16, 5, 0);
	SUBMIT(r, 1, "write from a bad address");
	sqe_rw(r, OP_READ, fd, 5, b, 5, 0)->flags = 0x80;
	SUBMIT(r, 1, "bad flags");
	sqe_rw(r, OP_READV, fd, 6, (void *)16, 1, 0);
	SUBMIT(r, 1, "bad iovec");
	sqe_rw(r, OP_READ, fd, 7, b, 5, 0)->personality = 9;
	SUBMIT(r, 1, "bad personality");
	sqe_get(r, OP_FSYNC, fd, 8)->op_flags = 2;
	SUBMIT(r, 1, "bad fsync flags");
	/* a bad one ends the submission: the rest stays queued */
	sqe_get(r, 200, fd, 9);
	sqe_get(r, OP_NOP, -1, 10);
	SUBMIT(r, 1, "opcode 200, nop");
	R(u_enter(r->fd, 1, 1, ENTER_GETEVENTS, NULL, 8));
	ring_print(r, "nop");
	close(fd);
}

static void link_ops(struct ring *r)
{
	int fd = open("g", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char b[16] = "";
	sqe_rw(r, OP_WRITE, fd, 1, "abcde", 5, 0)->flags = SQE_IO_LINK;
	sqe_rw(r, OP_READ, fd, 2, b, 5, 0)->flags = SQE_IO_LINK;
	sqe_get(r, OP_NOP, -1, 3);
	SUBMIT(r, 3, "chain");
	printf("%.5s\n", b);
	sqe_rw(r, OP_READ, 77, 1, b, 5, 0)->flags = SQE_IO_LINK;
	sqe_get(r, OP_NOP, -1, 2)->flags = SQE_IO_LINK;
	sqe_get(r, OP_NOP, -1, 3);
	sqe_get(r, OP_NOP, -1, 4);
	SUBMIT(r, 4, "failed chain");
	sqe_rw(r, OP_READ, fd, 1, b, 10, 0)->flags = SQE_IO_LINK;
	sqe_get(r, OP_NOP, -1, 2);
	SUBMIT(r, 2, "short read in a chain");
	sqe_rw(r, OP_READ, 77, 1, b, 5, 0)->flags = SQE_IO_HARDLINK;
	sqe_get(r, OP_NOP, -1, 2);
	SUBMIT(r, 2, "hard link");
	close(fd);
}

static void file_ops(struct ring *r)
{
	uint64_t sx[32]; /* a struct statx: musl 1.2.3 has none */
	memset(sx, 0, sizeof(sx));
	sqe_rw(r, OP_OPENAT, AT_FDCWD, 1 | ANY, "h", 0644, 0)->op_flags = O_CREAT | O_WRONLY |
									  O_EXCL;
	SUBMIT(r, 1, "openat");
	sqe_rw(r, OP_OPENAT, AT_FDCWD, 2, "h", 0644, 0)->op_flags = O_CREAT | O_WRONLY | O_EXCL;
	sqe_rw(r, OP_OPENAT, AT_FDCWD, 3, "nosuch/x", 0, 0);
	SUBMIT(r, 2, "openat again, openat of nothing");
	sqe_rw(r, OP_OPENAT, AT_FDCWD, 4, (void *)16, 0, 0);
	SUBMIT(r, 1, "openat of a bad path");
	int fd = open("h", O_RDWR);
	R(write(fd, "statx!", 6));
	sqe_rw(r, OP_STATX, AT_FDCWD, 1, "h", 0x200, (uint64_t)(uintptr_t)sx);
	sqe_rw(r, OP_STATX, AT_FDCWD, 2, "nosuch", 0x200, (uint64_t)(uintptr_t)sx);
	SUBMIT(r, 2, "statx");
	printf("size %llu\n", (unsigned long long)sx[5]); /* stx_size */
	sqe_rw(r, OP_STATX, AT_FDCWD, 3, "h", 0x200, 16);
	SUBMIT(r, 1, "statx to a bad address");

	/* splice: file -> pipe -> file */
	int p[2], out = open("i", O_RDWR | O_CREAT | O_TRUNC, 0644);
	R(pipe(p));
	struct sqe *s = sqe_rw(r, OP_SPLICE, p[1], 1, NULL, 4, UINT64_MAX);
	s->file_index = fd;
	s->addr = 1; /* off_in */
	SUBMIT(r, 1, "splice file to pipe");
	s = sqe_rw(r, OP_SPLICE, out, 2, NULL, 10, 0);
	s->file_index = p[0];
	s->addr = UINT64_MAX;
	SUBMIT(r, 1, "splice pipe to file");
	s = sqe_rw(r, OP_SPLICE, out, 3, NULL, 10, 0);
	s->file_index = 99;
	s->addr = UINT64_MAX;
	SUBMIT(r, 1, "splice from a bad fd");
	char b[16] = "";
	R(pread(out, b, sizeof(b), 0));
	printf("%s\n", b);

	sqe_get(r, OP_CLOSE, fd, 1);
	SUBMIT(r, 1, "close");
	sqe_get(r, OP_CLOSE, fd, 2);
	SUBMIT(r, 1, "close again");
	sqe_get(r, OP_CLOSE, r->fd, 3);
	SUBMIT(r, 1, "close the ring");
	sqe_get(r, OP_CLOSE, out, 4)->len = 1;
	SUBMIT(r, 1, "close with len");
	R(fcntl(fd, F_GETFD));
	close(out);
	close(p[0]);
	close(p[1]);
}

static void path_ops(struct ring *r)
{
	sqe_rw(r, OP_MKDIRAT, AT_FDCWD, 1, "d", 0755, 0);
	SUBMIT(r, 1, "mkdirat");
	sqe_rw(r, OP_MKDIRAT, AT_FDCWD, 2, "d", 0755, 0);
	SUBMIT(r, 1, "mkdirat again");
	abi_put("d/a", "file a");
	sqe_rw(r, OP_RENAMEAT, AT_FDCWD, 3, "d/a", AT_FDCWD, (uint64_t)(uintptr_t) "d/b");
	SUBMIT(r, 1, "renameat");
	sqe_rw(r, OP_LINKAT, AT_FDCWD, 4, "d/b", AT_FDCWD, (uint64_t)(uintptr_t) "d/c");
	SUBMIT(r, 1, "linkat");
	sqe_rw(r, OP_SYMLINKAT, AT_FDCWD, 5, "b", 0, (uint64_t)(uintptr_t) "d/s");
	SUBMIT(r, 1, "symlinkat");
	char b[32] = "";
	R(readlink("d/s", b, sizeof(b)));
	R(abi_get("d/c", b, sizeof(b)));
	printf("%s\n", b);
	sqe_rw(r, OP_UNLINKAT, AT_FDCWD, 6, "d", 0, 0);
	SUBMIT(r, 1, "unlinkat of a directory");
	sqe_rw(r, OP_UNLINKAT, AT_FDCWD, 7, "d/b", 0, 0)->op_flags = 1u << 20;
	SUBMIT(r, 1, "unlinkat, bad flags");
	const char *names[] = { "d/b", "d/c", "d/s" };
	for (int i = 0; i < 3; i++)
		sqe_rw(r, OP_UNLINKAT, AT_FDCWD, 8 + i, names[i], 0, 0);
	SUBMIT(r, 3, "unlinkat");
	sqe_rw(r, OP_UNLINKAT, AT_FDCWD, 11, "d", 0, 0)->op_flags = AT_REMOVEDIR;
	SUBMIT(r, 1, "unlinkat AT_REMOVEDIR");
	sqe_rw(r, OP_MKDIRAT, 0, 12, "x", 0755, 0)->flags = SQE_FIXED_FILE;
	SUBMIT(r, 1, "mkdirat, fixed file");

	int fd = open("fa", O_RDWR | O_CREAT | O_TRUNC, 0644);
	sqe_rw(r, OP_FALLOCATE, fd, 1, (void *)8192, 0, 0); /* addr: length */
	SUBMIT(r, 1, "fallocate");
	struct stat st;
	fstat(fd, &st);
	printf("size %lld\n", (long long)st.st_size);
	sqe_rw(r, OP_FADVISE, fd, 2, NULL, 100, 0)->op_flags = POSIX_FADV_DONTNEED;
	sqe_rw(r, OP_FADVISE, fd, 3, NULL, 100, 0)->op_flags = 99;
	sqe_rw(r, OP_SYNC_FILE_RANGE, fd, 4, NULL, 100, 0);
	SUBMIT(r, 3, "fadvise, bad advice, sync_file_range");
	static char page[8192] __attribute__((aligned(4096)));
	sqe_rw(r, OP_MADVISE, -1, 5, page, 4096, 0)->op_flags = MADV_DONTNEED;
	sqe_rw(r, OP_MADVISE, -1, 6, page + 1, 4096, 0)->op_flags = MADV_DONTNEED;
	SUBMIT(r, 2, "madvise, unaligned madvise");
	struct {
		uint64_t flags, mode, resolve;
	} how = { O_RDONLY, 0, 0 };
	sqe_rw(r, OP_OPENAT2, AT_FDCWD, 7 | ANY, "fa", sizeof(how), (uint64_t)(uintptr_t)&how);
	sqe_rw(r, OP_OPENAT2, AT_FDCWD, 8, "fa", 3, (uint64_t)(uintptr_t)&how);
	SUBMIT(r, 2, "openat2, bad size");
	close(fd);

	int ep = epoll_create1(0), p[2];
	R(pipe(p));
	struct epoll_event ev = { EPOLLIN, { .u64 = 42 } }, got;
	sqe_rw(r, OP_EPOLL_CTL, ep, 1, &ev, EPOLL_CTL_ADD, (uint64_t)p[0]);
	sqe_rw(r, OP_EPOLL_CTL, ep, 2, &ev, EPOLL_CTL_ADD, 99);
	SUBMIT(r, 2, "epoll_ctl");
	R(write(p[1], "e", 1));
	R(epoll_wait(ep, &got, 1, 0));
	printf("data %llu\n", (unsigned long long)got.data.u64);
	close(ep);
	close(p[0]);
	close(p[1]);

	sqe_rw(r, OP_SOCKET, AF_INET, 1 | ANY, NULL, 0, SOCK_STREAM);
	sqe_rw(r, OP_SOCKET, 12345, 2, NULL, 0, SOCK_STREAM);
	SUBMIT(r, 2, "socket, bad family");
	int sv[2];
	R(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	sqe_rw(r, OP_SHUTDOWN, sv[0], 3, NULL, SHUT_WR, 0);
	sqe_rw(r, OP_SHUTDOWN, sv[0], 4, NULL, 7, 0);
	sqe_rw(r, OP_SHUTDOWN, 99, 5, NULL, SHUT_WR, 0);
	SUBMIT(r, 3, "shutdown, bad how, bad fd");
	R(read(sv[1], b, 1));
	close(sv[0]);
	close(sv[1]);
}

static void misc(struct ring *r)
{
	struct {
		uint8_t last_op, ops_len;
		uint16_t resv;
		uint32_t resv2[3];
		struct {
			uint8_t op, resv;
			uint16_t flags;
			uint32_t resv2;
		} ops[64];
	} pr;
	memset(&pr, 0, sizeof(pr));
	R(u_register(r->fd, 8, &pr, 64));
	static const int want[] = { OP_NOP,        OP_READV,       OP_WRITEV,   OP_FSYNC,
				    OP_READ_FIXED, OP_WRITE_FIXED, OP_POLL_ADD, OP_POLL_REMOVE,
				    OP_SENDMSG,    OP_RECVMSG,     OP_TIMEOUT,  OP_TIMEOUT_REMOVE,
				    OP_ACCEPT,     OP_CONNECT,     OP_OPENAT,   OP_CLOSE,
				    OP_STATX,      OP_READ,        OP_WRITE,    OP_SEND,
				    OP_RECV,       OP_SPLICE };
	printf("probe:");
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		printf(" %d", pr.ops[want[i]].flags & 1);
	printf("\n");
	pr.resv = 1;
	R(u_register(r->fd, 8, &pr, 64));
	R(u_register(r->fd, 8, (void *)16, 64));

	int efd = eventfd(0, EFD_NONBLOCK), bad = 99;
	R(u_register(r->fd, 4, &bad, 1));
	R(u_register(r->fd, 4, &efd, 1));
	R(u_register(r->fd, 4, &efd, 1));
	sqe_get(r, OP_NOP, -1, 1);
	sqe_get(r, OP_NOP, -1, 2);
	SUBMIT(r, 2, "nops");
	uint64_t n = 0;
	R(read(efd, &n, 8));
	printf("eventfd signalled: %d\n", n > 0);
	R(u_register(r->fd, 5, NULL, 0));
	R(u_register(r->fd, 5, NULL, 0));
	close(efd);

	/* the ring polls ready for a CQE */
	struct pollfd pf = { r->fd, POLLIN, 0 };
	R(poll(&pf, 1, 0));
	sqe_get(r, OP_NOP, -1, 9);
	R(ring_submit(r, 1, 0));
	R(poll(&pf, 1, 1000));
	printf("revents %#x\n", pf.revents);
	ring_print(r, "nop");
	/* a bad SQ index is dropped */
	uint32_t *t = ring_u32(r, r->p.sq_tail);
	ring_u32(r, r->p.sq_array)[r->tail & *ring_u32(r, r->p.sq_mask)] = 1000;
	r->tail++;
	__atomic_store_n(t, r->tail, __ATOMIC_RELEASE);
	R(u_enter(r->fd, 1, 0, 0, NULL, 8));
	printf("dropped %u\n", *ring_u32(r, r->p.sq_dropped));
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	setup_checks();
	struct ring r;
	if (ring_init(&r, 16)) {
		printf("ring: %s\n", abi_errname(errno));
		return 1;
	}
	rw_ops(&r);
	link_ops(&r);
	file_ops(&r);
	path_ops(&r);
	misc(&r);
	ring_exit(&r);
	return 0;
}
