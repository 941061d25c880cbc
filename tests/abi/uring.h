/* uring.h: a small io_uring ring by raw system calls for the ABI programs
 * io_uring.c and io_uring_wait.c (musl has no <linux/io_uring.h> and
 * liburing is glibc's): the ABI structs, mapping the rings as
 * <linux/io_uring.h> describes, queueing SQEs, submitting, and printing
 * the CQEs sorted by user_data (the order of completions that end
 * together is not the same everywhere). */
#include "abi.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

struct sqe {
	uint8_t opcode, flags;
	uint16_t ioprio;
	int32_t fd;
	uint64_t off, addr;
	uint32_t len, op_flags;
	uint64_t user_data;
	uint16_t buf_index, personality;
	int32_t file_index;
	uint64_t addr3, pad2;
};

struct cqe {
	uint64_t user_data;
	int32_t res;
	uint32_t flags;
};

struct params {
	uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd;
	uint32_t resv[3];
	uint32_t sq_head, sq_tail, sq_mask, sq_ring_entries, sq_flags, sq_dropped, sq_array, r1;
	uint64_t r2;
	uint32_t cq_head, cq_tail, cq_mask, cq_ring_entries, cq_overflow, cq_cqes, cq_flags, r3;
	uint64_t r4;
};

enum {
	OP_NOP,
	OP_READV,
	OP_WRITEV,
	OP_FSYNC,
	OP_READ_FIXED,
	OP_WRITE_FIXED,
	OP_POLL_ADD,
	OP_POLL_REMOVE,
	OP_SYNC_FILE_RANGE,
	OP_SENDMSG,
	OP_RECVMSG,
	OP_TIMEOUT,
	OP_TIMEOUT_REMOVE,
	OP_ACCEPT,
	OP_ASYNC_CANCEL,
	OP_LINK_TIMEOUT,
	OP_CONNECT,
	OP_FALLOCATE,
	OP_OPENAT,
	OP_CLOSE,
	OP_FILES_UPDATE,
	OP_STATX,
	OP_READ,
	OP_WRITE,
	OP_FADVISE,
	OP_MADVISE,
	OP_SEND,
	OP_RECV,
	OP_OPENAT2,
	OP_EPOLL_CTL,
	OP_SPLICE,
	OP_PROVIDE_BUFFERS,
	OP_REMOVE_BUFFERS,
	OP_TEE,
	OP_SHUTDOWN,
	OP_RENAMEAT,
	OP_UNLINKAT,
	OP_MKDIRAT,
	OP_SYMLINKAT,
	OP_LINKAT,
	OP_MSG_RING,
	OP_FSETXATTR,
	OP_SETXATTR,
	OP_FGETXATTR,
	OP_GETXATTR,
	OP_SOCKET
};

#define SQE_FIXED_FILE 1u
#define SQE_IO_DRAIN 2u
#define SQE_IO_LINK 4u
#define SQE_IO_HARDLINK 8u
#define SETUP_CQSIZE 8u
#define SETUP_CLAMP 16u
#define FEAT_SINGLE_MMAP 1u
#define ENTER_GETEVENTS 1u
#define ENTER_EXT_ARG 8u
#define OFF_SQ_RING 0ull
#define OFF_SQES 0x10000000ull

static long u_setup(unsigned n, struct params *p) { return syscall(SYS_io_uring_setup, n, p); }
static long u_enter(int fd, unsigned n, unsigned min, unsigned fl, const void *arg, size_t sz)
{
	return syscall(SYS_io_uring_enter, fd, n, min, fl, arg, sz);
}
static long u_register(int fd, unsigned op, const void *arg, unsigned nr)
{
	return syscall(SYS_io_uring_register, fd, op, arg, nr);
}

struct ring {
	int fd;
	struct params p;
	uint8_t *rings;
	size_t rings_len;
	struct sqe *sqes;
	unsigned tail; /* SQEs queued, not yet published */
};

static int ring_init(struct ring *r, unsigned entries)
{
	memset(r, 0, sizeof(*r));
	r->fd = (int)u_setup(entries, &r->p);
	if (r->fd < 0)
		return -1;
	size_t sq = r->p.sq_array + r->p.sq_entries * 4, cq = r->p.cq_cqes + r->p.cq_entries * 16;
	r->rings_len = sq > cq ? sq : cq;
	r->rings = mmap(NULL, r->rings_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			r->fd, OFF_SQ_RING);
	r->sqes = mmap(NULL, r->p.sq_entries * sizeof(struct sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, OFF_SQES);
	if (r->rings == MAP_FAILED || r->sqes == MAP_FAILED)
		return -1;
	r->tail = *(uint32_t *)(r->rings + r->p.sq_tail);
	return 0;
}

static void ring_exit(struct ring *r)
{
	munmap(r->rings, r->rings_len);
	munmap(r->sqes, r->p.sq_entries * sizeof(struct sqe));
	close(r->fd);
}

static uint32_t *ring_u32(struct ring *r, uint32_t off) { return (uint32_t *)(r->rings + off); }

/* A zeroed SQE of opcode op on fd, user_data ud, queued. */
static struct sqe *sqe_get(struct ring *r, uint8_t op, int fd, uint64_t ud)
{
	unsigned i = r->tail & *ring_u32(r, r->p.sq_mask);
	struct sqe *s = &r->sqes[i];
	memset(s, 0, sizeof(*s));
	s->opcode = op;
	s->fd = fd;
	s->user_data = ud;
	ring_u32(r, r->p.sq_array)[i] = i;
	r->tail++;
	return s;
}

static struct sqe *sqe_rw(struct ring *r, uint8_t op, int fd, uint64_t ud, const void *buf,
			  unsigned len, uint64_t off)
{
	struct sqe *s = sqe_get(r, op, fd, ud);
	s->addr = (uint64_t)(uintptr_t)buf;
	s->len = len;
	s->off = off;
	return s;
}

/* Publishes the queued SQEs and enters: io_uring_enter's result. */
static long ring_submit(struct ring *r, unsigned min, unsigned fl)
{
	uint32_t *t = ring_u32(r, r->p.sq_tail);
	unsigned n = r->tail - *t;
	__atomic_store_n(t, r->tail, __ATOMIC_RELEASE);
	return u_enter(r->fd, n, min, fl | (min ? ENTER_GETEVENTS : 0), NULL, 8);
}

static unsigned ring_ready(struct ring *r)
{
	return __atomic_load_n(ring_u32(r, r->p.cq_tail), __ATOMIC_ACQUIRE) -
	       *ring_u32(r, r->p.cq_head);
}

static int cqe_cmp(const void *a, const void *b)
{
	const struct cqe *x = a, *y = b;
	return x->user_data < y->user_data ? -1 : x->user_data > y->user_data;
}

/* Takes every CQE there and prints them by user_data: the result, an
 * errno name, or "ok" for user_data of bit 63 (a result that differs
 * between systems: a descriptor). Returns how many. */
static unsigned ring_print(struct ring *r, const char *what)
{
	struct cqe v[64] = { { 0, 0, 0 } };
	unsigned n = 0, mask = *ring_u32(r, r->p.cq_mask);
	uint32_t *h = ring_u32(r, r->p.cq_head);
	while (ring_ready(r) && n < 64) {
		v[n++] = ((struct cqe *)(r->rings + r->p.cq_cqes))[*h & mask];
		__atomic_store_n(h, *h + 1, __ATOMIC_RELEASE);
	}
	qsort(v, n, sizeof(v[0]), cqe_cmp);
	printf("%s:", what);
	for (unsigned i = 0; i < n; i++) {
		uint64_t ud = v[i].user_data & ~(1ull << 63);
		if (v[i].res < 0)
			printf(" %llu=%s", (unsigned long long)ud, abi_errname(-v[i].res));
		else if (v[i].user_data >> 63)
			printf(" %llu=ok", (unsigned long long)ud);
		else
			printf(" %llu=%d", (unsigned long long)ud, v[i].res);
	}
	printf("\n");
	return n;
}

#define ANY (1ull << 63) /* user_data flag: print a result >= 0 as "ok" */
