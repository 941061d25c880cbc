/* smp_bench: what several CPUs buy, measured inside the guest (htux or
 * Linux) by bench/smp.
 *
 * Usage: smp_bench WORK [SECONDS]. It prints
 *
 *     cpus N                  sysconf(_SC_NPROCESSORS_ONLN)
 *     cpu_1thread T s         one thread, WORK million rounds of an integer
 *                             hash (the reference for the next line)
 *     cpu_2threads T s sum=X  two threads, each WORK million rounds of an
 *                             integer hash, wall time from the first
 *                             thread's start to the second's join
 *                             (clock_gettime(CLOCK_MONOTONIC)); X is
 *                             checked against one thread's result
 *     futex_pinned NS ns n=N pinned|unpinned
 *     pipe_pinned NS ns n=N pinned|unpinned
 *                             a futex wake/wait or 1-byte pipe round trip
 *                             between two threads, each pinned with
 *                             sched_setaffinity to its own CPU (0 and 1);
 *                             "unpinned" when the kernel refused (one CPU)
 *     done T s                the time all of it took
 *
 * The round trips are calibrated (N doubles until a run takes SECONDS / 8,
 * then N is scaled to take SECONDS, default 0.5) and checked: a value goes
 * there and comes back changed. A failure prints "NAME FAILED: why". */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- CPU work */

static long work_rounds;

static uint64_t hash_work(uint64_t seed)
{
	uint64_t x = seed | 1, h = 0;

	for (long i = 0; i < work_rounds; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		h = (h ^ x) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	return h;
}

static void *cpu_thread(void *arg)
{
	*(uint64_t *)arg = hash_work(*(uint64_t *)arg);
	return NULL;
}

static uint64_t one;

static void cpu_1thread(void)
{
	double t0 = now();

	one = hash_work(7);
	printf("cpu_1thread %.3f s\n", now() - t0);
}

static void cpu_2threads(void)
{
	uint64_t r[2] = { 7, 7 };
	pthread_t t[2];
	double t0 = now(), dt;

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, cpu_thread, &r[i])) {
			printf("cpu_2threads FAILED: pthread_create\n");
			return;
		}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	dt = now() - t0;
	if (r[0] != one || r[1] != one)
		printf("cpu_2threads FAILED: the threads computed %llx and %llx, not %llx\n",
		       (unsigned long long)r[0], (unsigned long long)r[1], (unsigned long long)one);
	else
		printf("cpu_2threads %.3f s sum=%llx\n", dt, (unsigned long long)r[0]);
}

/* ---- pinned round trips */

static int pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return sched_setaffinity(0, sizeof(s), &s);
}

static atomic_int word;
static int p1[2], p2[2];
static long rt_n;
static int pinned, bad;
static atomic_int ready;

static void fwait(int v)
{
	while (atomic_load(&word) == v)
		syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

static void fwake(void) { syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0); }

/* the far side: CPU 1 */
static void *futex_peer(void *arg)
{
	(void)arg;
	if (pin(1))
		pinned = 0;
	atomic_store(&ready, 1);
	for (long i = 0; i < rt_n; i++) {
		fwait(0);
		atomic_store(&word, 0);
		fwake();
	}
	return NULL;
}

static void futex_rt(long n)
{
	for (long i = 0; i < n; i++) {
		atomic_store(&word, 1);
		fwake();
		fwait(1);
	}
}

static void *pipe_peer(void *arg)
{
	unsigned char c;

	(void)arg;
	if (pin(1))
		pinned = 0;
	atomic_store(&ready, 1);
	for (long i = 0; i < rt_n; i++) {
		if (read(p1[0], &c, 1) != 1)
			bad = 1;
		c++;
		if (write(p2[1], &c, 1) != 1)
			bad = 1;
	}
	return NULL;
}

static void pipe_rt(long n)
{
	for (long i = 0; i < n; i++) {
		unsigned char c = (unsigned char)i, d = 0;

		if (write(p1[1], &c, 1) != 1 || read(p2[0], &d, 1) != 1 ||
		    d != (unsigned char)(c + 1))
			bad = 1;
	}
}

/* timed: N round trips with a fresh peer; seconds */
static double timed(void *(*peer)(void *), void (*rt)(long), long n)
{
	pthread_t t;
	double t0;

	rt_n = n;
	atomic_store(&word, 0);
	atomic_store(&ready, 0);
	if (pthread_create(&t, NULL, peer, NULL)) {
		bad = 1;
		return 0;
	}
	while (!atomic_load(&ready))
		sched_yield();
	t0 = now();
	rt(n);
	t0 = now() - t0;
	pthread_join(t, NULL);
	return t0;
}

static void round_trip(const char *name, void *(*peer)(void *), void (*rt)(long), double secs)
{
	long n = 16;
	double dt;

	pinned = !pin(0);
	bad = 0;
	for (;;) {
		dt = timed(peer, rt, n);
		if (bad || dt >= secs / 8 || n >= (1L << 30))
			break;
		n *= 2;
	}
	if (!bad && dt < secs) {
		n = (long)((double)n * secs / (dt > 1e-6 ? dt : 1e-6));
		dt = timed(peer, rt, n);
	}
	if (bad)
		printf("%s FAILED: a round trip came back wrong\n", name);
	else
		printf("%s %.1f ns n=%ld %s\n", name, dt * 1e9 / (double)n, n,
		       pinned ? "pinned" : "unpinned");
}

int main(int argc, char **argv)
{
	double secs = argc > 2 ? atof(argv[2]) : 0.5, t0 = now();
	cpu_set_t all;

	if (argc < 2 || atol(argv[1]) <= 0 || secs <= 0) {
		fprintf(stderr, "usage: smp_bench WORK [SECONDS]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	work_rounds = atol(argv[1]) * 1000000;
	CPU_ZERO(&all);
	sched_getaffinity(0, sizeof(all), &all);
	printf("cpus %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	if (pipe(p1) || pipe(p2)) {
		printf("pipe FAILED: %s\n", strerror(errno));
		return 1;
	}
	cpu_1thread();
	cpu_2threads();
	round_trip("futex_pinned", futex_peer, futex_rt, secs);
	round_trip("pipe_pinned", pipe_peer, pipe_rt, secs);
	sched_setaffinity(0, sizeof(all), &all);
	printf("done %.3f s\n", now() - t0);
	return 0;
}
