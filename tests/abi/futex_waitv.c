/* futex_waitv.c: waiting on several futexes at once: the index of the
 * one woken (by a thread, or by another process on a shared word),
 * EAGAIN when a word differs, absolute timeouts on CLOCK_MONOTONIC and
 * CLOCK_REALTIME, a signal (EINTR), and the argument errors (flags,
 * counts, clock, per-word flags and reserved field, alignment, bad
 * pointers). */
#include "abi.h"
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#define FUTEX_WAKE 1
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | 128)
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif

struct futex_waitv {
	uint64_t val, uaddr;
	uint32_t flags, __reserved;
};

#define F32 2
#define FPRIV 128

static uint32_t words[4];
static struct futex_waitv v[129];

static long waitv(struct futex_waitv *w, unsigned n, unsigned flags, struct timespec *ts, int clk)
{
	return syscall(SYS_futex_waitv, w, n, flags, ts, clk);
}

static void set(struct futex_waitv *w, uint32_t *addr, uint64_t val, uint32_t flags)
{
	memset(w, 0, sizeof(*w));
	w->uaddr = (uintptr_t)addr;
	w->val = val;
	w->flags = flags;
}

static struct timespec in_ms(int clk, long ms)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	ts.tv_nsec += ms * 1000000;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return ts;
}

static long thread_result;

static void *waiter(void *arg)
{
	(void)arg;
	struct futex_waitv w[3];
	for (int i = 0; i < 3; i++)
		set(&w[i], &words[i], 0, F32 | FPRIV);
	thread_result = waitv(w, 3, 0, NULL, 0);
	return NULL;
}

static void on_alarm(int sig) { (void)sig; }

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct timespec ts;

	for (int i = 0; i < 129; i++)
		set(&v[i], &words[i % 4], 0, F32 | FPRIV);
	R(waitv(v, 1, 1, NULL, 0));
	R(waitv(v, 0, 0, NULL, 0));
	R(waitv(v, 129, 0, NULL, 0));
	R(waitv(NULL, 1, 0, NULL, 0));
	ts = in_ms(CLOCK_MONOTONIC, 10);
	R(waitv(v, 1, 0, &ts, CLOCK_BOOTTIME));
	R(waitv(v, 1, 0, (void *)8, CLOCK_MONOTONIC));
	ts.tv_nsec = 1000000000;
	R(waitv(v, 1, 0, &ts, CLOCK_MONOTONIC));
	R(waitv((void *)8, 1, 0, NULL, 0));

	set(&v[0], &words[0], 0, 1 | FPRIV); /* 8-bit words */
	R(waitv(v, 1, 0, NULL, 0));
	set(&v[0], &words[0], 0, F32 | FPRIV | 0x40);
	R(waitv(v, 1, 0, NULL, 0));
	set(&v[0], &words[0], 0, F32 | FPRIV);
	v[0].__reserved = 1;
	R(waitv(v, 1, 0, NULL, 0));
	set(&v[0], &words[0], 1ull << 32, F32 | FPRIV);
	R(waitv(v, 1, 0, NULL, 0));
	set(&v[0], (uint32_t *)((char *)&words[0] + 2), 0, F32 | FPRIV);
	R(waitv(v, 1, 0, NULL, 0));
	set(&v[0], (uint32_t *)8, 0, F32 | FPRIV);
	R(waitv(v, 1, 0, NULL, 0));
	set(&v[0], (uint32_t *)8, 0, F32);
	R(waitv(v, 1, 0, NULL, 0));

	/* values: one differs */
	set(&v[0], &words[0], 0, F32 | FPRIV);
	set(&v[1], &words[1], 7, F32 | FPRIV);
	R(waitv(v, 2, 0, NULL, 0));
	/* the second word's check comes after the first word's key: EINVAL */
	set(&v[1], (uint32_t *)((char *)&words[1] + 1), 7, F32 | FPRIV);
	R(waitv(v, 2, 0, NULL, 0));

	/* timeouts, absolute */
	set(&v[1], &words[1], 0, F32 | FPRIV);
	ts = in_ms(CLOCK_MONOTONIC, 20);
	R(waitv(v, 2, 0, &ts, CLOCK_MONOTONIC));
	ts = in_ms(CLOCK_REALTIME, 20);
	R(waitv(v, 2, 0, &ts, CLOCK_REALTIME));
	ts.tv_sec = 1;
	ts.tv_nsec = 0;
	R(waitv(v, 128, 0, &ts, CLOCK_MONOTONIC));

	/* a signal */
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	ualarm(20000, 0);
	R(waitv(v, 2, 0, NULL, 0));

	/* a thread waits on words 0..2; word 2 is woken */
	pthread_t t;
	pthread_create(&t, NULL, waiter, NULL);
	while (syscall(SYS_futex, &words[2], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0)
		usleep(1000);
	pthread_join(t, NULL);
	printf("thread woken: index %ld\n", thread_result);

	/* a child waits on shared words; the parent wakes the second */
	uint32_t *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t c = fork();
	if (c == 0) {
		struct futex_waitv w[2];
		set(&w[0], &sh[0], 0, F32);
		set(&w[1], &sh[1], 0, F32);
		long r = waitv(w, 2, 0, NULL, 0);
		_exit(r < 0 ? 100 : (int)r);
	}
	while (syscall(SYS_futex, &sh[1], FUTEX_WAKE, 1, NULL, NULL, 0) == 0)
		usleep(1000);
	int st;
	waitpid(c, &st, 0);
	printf("child woken: index %d\n", WEXITSTATUS(st));
	return 0;
}
