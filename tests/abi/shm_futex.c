/* shm_futex.c: futexes between processes. A shared futex is the word of
 * the object under it (shared anonymous memory, a memfd, a regular file),
 * found by every process mapping it, at any address: WAKE, WAIT_BITSET
 * with WAKE_BITSET, CMP_REQUEUE, WAKE_OP and the PI lock ops work across
 * fork. A private futex (FUTEX_PRIVATE_FLAG, or MAP_PRIVATE memory) is
 * per address space: it does not meet the other process's waiter. */
#include "abi.h"
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define PG 4096L

/* <linux/futex.h>'s (musl has no kernel headers) */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_TID_MASK 0x3fffffffu
#define FUTEX_OP_SET 0
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP(op, oparg, cmp, cmparg) \
	(((op & 0xf) << 28) | ((cmp & 0xf) << 24) | ((oparg & 0xfff) << 12) | (cmparg & 0xfff))

static long fx(volatile uint32_t *a, int op, uint32_t val, long val2, volatile uint32_t *a2,
	       uint32_t val3)
{
	return syscall(SYS_futex, a, op, val, val2, a2, val3);
}

static void status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else
		printf("%s: killed by %d\n", what, WTERMSIG(st));
}

/* A child that waits on w (op, while it is 0) and exits 0 when woken,
 * 1 for anything else; never more than 20 seconds. */
static pid_t waiter(volatile uint32_t *w, int op, uint32_t bitset)
{
	pid_t c = fork();
	if (c == 0) {
		alarm(20);
		long r = fx(w, op, 0, 0, NULL, bitset);
		_exit(r == 0 ? 0 : 1);
	}
	return c;
}

/* Wakes with op until n waiters were woken (they may not sleep yet). */
static long wake_all(volatile uint32_t *w, int op, int n, uint32_t bitset)
{
	long got = 0;
	for (int i = 0; i < 20000 && got < n; i++) {
		long r = fx(w, op, (uint32_t)(n - got), 0, NULL, bitset);
		if (r < 0)
			return r;
		got += r;
		if (got < n)
			usleep(1000);
	}
	return got;
}

static void reap(const char *what, pid_t c)
{
	int st;
	waitpid(c, &st, 0);
	status(what, st);
}

/* WAKE to a child waiting at the same place in the same object. */
static void wake_test(const char *what, volatile uint32_t *w)
{
	pid_t c = waiter(w, FUTEX_WAIT, 0);
	printf("%s: woken %ld\n", what, wake_all(w, FUTEX_WAKE, 1, 0));
	reap(what, c);
}

/* The file fd (2 pages): the child maps only its second page, so its
 * word has another address than the parent's. */
static void file_test(const char *what, int fd)
{
	volatile uint32_t *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pid_t c = fork();
	if (c == 0) {
		alarm(20);
		volatile uint32_t *q = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PG);
		q[1] = 5;
		/* woken, or the parent's 9 came first (EAGAIN): both end well */
		long r = fx(q + 2, FUTEX_WAIT, 0, 0, NULL, 0);
		_exit((r == 0 || errno == EAGAIN) && q[2] == 9 ? 0 : 1);
	}
	while (p[PG / 4 + 1] != 5)
		usleep(1000);
	p[PG / 4 + 2] = 9;
	long r = fx(p + PG / 4 + 2, FUTEX_WAKE, 1, 0, NULL, 0);
	/* the child may see 9 and not sleep: either way it ends */
	printf("%s: wake ok %d\n", what, r == 0 || r == 1);
	reap(what, c);
	munmap((void *)p, 2 * PG);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	volatile uint32_t *w = P(
		mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));

	/* WAKE, untouched word; then WAKE_BITSET: only a meeting bitset. */
	wake_test("shared anon", w + PG / 4);
	pid_t c = waiter(w + 8, FUTEX_WAIT_BITSET, 2);
	usleep(100000);
	R(fx(w + 8, FUTEX_WAKE_BITSET, 1, 0, NULL, 1));
	printf("bitset: woken %ld\n", wake_all(w + 8, FUTEX_WAKE_BITSET, 1, 6));
	reap("bitset", c);

	/* CMP_REQUEUE two waiters from w[16] to w[20], then WAKE w[20]. */
	pid_t c1 = waiter(w + 16, FUTEX_WAIT, 0), c2 = waiter(w + 16, FUTEX_WAIT, 0);
	long moved = 0;
	for (int i = 0; i < 20000 && moved < 2; i++) {
		long r = fx(w + 16, FUTEX_CMP_REQUEUE, 0, INT_MAX, w + 20, 0);
		if (r < 0) {
			printf("requeue: %s\n", abi_errname(errno));
			break;
		}
		moved += r;
		if (moved < 2)
			usleep(1000);
	}
	printf("requeue: moved %ld\n", moved);
	R(fx(w + 16, FUTEX_CMP_REQUEUE, 0, INT_MAX, w + 20, 1));
	R(fx(w + 16, FUTEX_WAKE, INT_MAX, 0, NULL, 0));
	printf("requeue: woken %ld\n", wake_all(w + 20, FUTEX_WAKE, 2, 0));
	reap("requeued 1", c1);
	reap("requeued 2", c2);

	/* WAKE_OP: w[40] set to 7, nobody woken; then w[24]'s waiter woken
	 * as that word was 0 (and stays 0). */
	w[40] = 5;
	R(fx(w + 28, FUTEX_WAKE_OP, 1, 1, w + 40, FUTEX_OP(FUTEX_OP_SET, 7, FUTEX_OP_CMP_EQ, 5)));
	printf("wake_op: word %u\n", w[40]);
	c = waiter(w + 24, FUTEX_WAIT, 0);
	long got = 0;
	for (int i = 0; i < 20000 && !got; i++) {
		got = fx(w + 28, FUTEX_WAKE_OP, 1, 1, w + 24,
			 FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_EQ, 0));
		if (!got)
			usleep(1000);
	}
	printf("wake_op: woken %ld\n", got);
	reap("wake_op", c);

	/* Private: neither a private nor a shared wake meets a private
	 * waiter of the other process; nor on MAP_PRIVATE memory. */
	c = fork();
	if (c == 0) {
		struct timespec ts = { 0, 400000000 };
		long r = fx(w + 32, FUTEX_WAIT_PRIVATE, 0, (long)&ts, NULL, 0);
		_exit(r == -1 && errno == ETIMEDOUT ? 0 : 1);
	}
	usleep(100000);
	R(fx(w + 32, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0));
	R(fx(w + 32, FUTEX_WAKE, 1, 0, NULL, 0));
	reap("private waiter timed out", c);
	static uint32_t priv;
	c = fork();
	if (c == 0) {
		struct timespec ts = { 0, 400000000 };
		long r = fx(&priv, FUTEX_WAIT, 0, (long)&ts, NULL, 0);
		_exit(r == -1 && errno == ETIMEDOUT ? 0 : 1);
	}
	usleep(100000);
	R(fx(&priv, FUTEX_WAKE, 1, 0, NULL, 0));
	reap("MAP_PRIVATE waiter timed out", c);

	/* PI: the parent holds the lock; the child's TRYLOCK fails, its
	 * LOCK_PI waits and gets it from UNLOCK_PI. */
	volatile uint32_t *m = w + 64;
	R(fx(m, FUTEX_LOCK_PI, 0, 0, NULL, 0));
	SAY(*m == (uint32_t)getpid());
	R(fx(m, FUTEX_LOCK_PI, 0, 0, NULL, 0));
	c = fork();
	if (c == 0) {
		alarm(20);
		if (fx(m, FUTEX_TRYLOCK_PI, 0, 0, NULL, 0) != -1 || errno != EAGAIN)
			_exit(2);
		if (fx(m, FUTEX_UNLOCK_PI, 0, 0, NULL, 0) != -1 || errno != EPERM)
			_exit(3);
		if (fx(m, FUTEX_LOCK_PI, 0, 0, NULL, 0) != 0)
			_exit(4);
		if ((*m & FUTEX_TID_MASK) != (uint32_t)getpid())
			_exit(5);
		_exit(fx(m, FUTEX_UNLOCK_PI, 0, 0, NULL, 0) == 0 ? 0 : 6);
	}
	for (int i = 0; i < 20000 && !(*m & FUTEX_WAITERS); i++)
		usleep(1000);
	SAY(*m == ((uint32_t)getpid() | FUTEX_WAITERS));
	R(fx(m, FUTEX_UNLOCK_PI, 0, 0, NULL, 0));
	reap("pi child", c);
	SAY(*m == 0);
	R(fx(m, FUTEX_TRYLOCK_PI, 0, 0, NULL, 0));
	R(fx(m, FUTEX_UNLOCK_PI, 0, 0, NULL, 0));
	SAY(*m == 0);

	/* memfd and a regular file: the child maps the file itself. */
	int fd = OK(memfd_create("fx", 0));
	R(ftruncate(fd, 2 * PG));
	file_test("memfd", fd);
	close(fd);
	fd = OK(open("fx.dat", O_RDWR | O_CREAT | O_TRUNC, 0600));
	R(ftruncate(fd, 2 * PG));
	file_test("file", fd);
	close(fd);
	unlink("fx.dat");
	return 0;
}
