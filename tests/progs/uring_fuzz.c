/* uring_fuzz.c: garbage SQEs for htux's io_uring (tests/boot/io_uring.sh):
 * a fixed-seed stream of random opcodes (known and not), flags (links,
 * drain, fixed files), descriptors (scratch ones, bad ones, the ring),
 * addresses (a scratch buffer, NULL, low, kernel and unmapped ones),
 * lengths and offsets, submitted in batches; the kernel must answer each
 * with a CQE and neither crash nor hang. At the end the waiting ones are
 * cancelled and the ring closed. Prints "done N" (N: SQEs submitted);
 * the CQE results differ between systems and are not printed. Runs in
 * the directory given (it makes files there); a second argument picks
 * another seed and runs longer. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

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

struct params {
	uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd;
	uint32_t resv[3];
	uint32_t sq_head, sq_tail, sq_mask, sq_ring_entries, sq_flags, sq_dropped, sq_array, r1;
	uint64_t r2;
	uint32_t cq_head, cq_tail, cq_mask, cq_ring_entries, cq_overflow, cq_cqes, cq_flags, r3;
	uint64_t r4;
};

static uint64_t seed = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static char scratch[65536] __attribute__((aligned(4096)));

static uint64_t any_addr(void)
{
	switch (rnd() % 8) {
	case 0: return 0;
	case 1: return 16;
	case 2: return 0xffff800000000000ull;
	case 3: return 0x700000000000ull;                        /* unmapped */
	case 4: return (uint64_t)(uintptr_t)scratch + 65536 - 8; /* runs off its end */
	default: return (uint64_t)(uintptr_t)scratch + (rnd() % 60000);
	}
}

static uint32_t any_len(void)
{
	switch (rnd() % 6) {
	case 0: return 0;
	case 1: return 0xffffffffu;
	case 2: return (uint32_t)rnd();
	default: return (uint32_t)(rnd() % 4096);
	}
}

static int any_fd(int ring, int lo, int hi)
{
	switch (rnd() % 8) {
	case 0: return -1;
	case 1: return 1000;
	case 2: return ring;
	default: return lo + (int)(rnd() % (uint64_t)(hi - lo));
	}
}

int main(int argc, char **argv)
{
	if (argc < 2 || (mkdir(argv[1], 0777) && errno != EEXIST) || chdir(argv[1]))
		return 2;
	int rounds = 60;
	if (argc > 2) { /* another seed, and more rounds: for hunting by hand */
		seed += strtoull(argv[2], NULL, 0) * 0x1000193;
		rounds = 400;
	}
	/* scratch descriptors 10..19: files, pipes, sockets */
	int lo = 10, hi = 20;
	for (int fd = lo; fd < hi; fd += 2) {
		int p[2];
		if (pipe(p) || dup2(p[0], fd) < 0 || dup2(p[1], fd + 1) < 0)
			return 3;
		close(p[0]);
		close(p[1]);
	}
	int f = open("scratch", O_RDWR | O_CREAT | O_TRUNC, 0644);
	dup2(f, 12);
	close(f);
	memset(scratch, 'x', sizeof(scratch));
	struct params p;
	memset(&p, 0, sizeof(p));
	int ring = (int)syscall(SYS_io_uring_setup, 64, &p);
	if (ring < 0)
		return 4;
	size_t rl = p.cq_cqes + p.cq_entries * 16;
	if (rl < p.sq_array + p.sq_entries * 4)
		rl = p.sq_array + p.sq_entries * 4;
	uint8_t *rings = mmap(NULL, rl, PROT_READ | PROT_WRITE, MAP_SHARED, ring, 0);
	struct sqe *sqes = mmap(NULL, p.sq_entries * sizeof(struct sqe), PROT_READ | PROT_WRITE,
				MAP_SHARED, ring, 0x10000000);
	if (rings == MAP_FAILED || sqes == MAP_FAILED)
		return 5;
	uint32_t *sq_tail = (uint32_t *)(rings + p.sq_tail),
		 *array = (uint32_t *)(rings + p.sq_array);
	uint32_t *cq_head = (uint32_t *)(rings + p.cq_head),
		 *cq_tail = (uint32_t *)(rings + p.cq_tail);
	int regfds[4] = { 10, 12, -1, 14 };
	syscall(SYS_io_uring_register, ring, 2, regfds, 4);
	long total = 0;
	for (int round = 0; round < rounds; round++) {
		unsigned n = 1 + (unsigned)(rnd() % 16), tail = *sq_tail;
		for (unsigned i = 0; i < n; i++) {
			unsigned idx = (tail + i) & (p.sq_entries - 1);
			struct sqe *s = &sqes[idx];
			memset(s, 0, sizeof(*s));
			s->opcode = (uint8_t)(rnd() % 64);
			if (s->opcode == 25 || s->opcode == 17)
				s->opcode =
					0; /* MADVISE, FALLOCATE: could harm the program itself */
			s->flags = (uint8_t)(rnd() % 4 == 0 ? rnd() : rnd() & 0xd);
			s->fd = s->flags & 1 ? (int)(rnd() % 6) - 1 : any_fd(ring, lo, hi);
			s->addr = any_addr();
			s->len = any_len();
			s->off = rnd() % 3 == 0 ? rnd() : rnd() % 8192;
			s->op_flags = rnd() % 3 == 0 ? (uint32_t)rnd() : 0;
			if (rnd() % 8 == 0)
				s->file_index = (int)(rnd() % 24) - 2;
			if (rnd() % 10 == 0)
				s->ioprio = (uint16_t)rnd();
			s->user_data = rnd();
			array[idx] = idx;
		}
		__atomic_store_n(sq_tail, tail + n, __ATOMIC_RELEASE);
		long r = syscall(SYS_io_uring_enter, ring, n, 0, 0, NULL, 8);
		if (r > 0)
			total += r;
		/* whatever was not taken (a bad SQE ends a submission) is
		 * taken by the next call */
		__atomic_store_n(cq_head, __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE),
				 __ATOMIC_RELEASE);
	}
	/* what still waits (polls, reads, timeouts) is cancelled */
	unsigned tail = *sq_tail, idx = tail & (p.sq_entries - 1);
	memset(&sqes[idx], 0, sizeof(sqes[idx]));
	sqes[idx].opcode = 14;  /* ASYNC_CANCEL */
	sqes[idx].op_flags = 4; /* ANY */
	array[idx] = idx;
	__atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);
	syscall(SYS_io_uring_enter, ring, 1, 0, 0, NULL, 8);
	close(ring);
	printf("done %s\n", total > 0 ? "ok" : "nothing submitted");
	return 0;
}
