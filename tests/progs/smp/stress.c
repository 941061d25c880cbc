/* stress.c: an SMP stress program (issue 16). Usage: smp_stress SECONDS [-v].
 * Many threads and a few processes hammer the kernel at once for SECONDS:
 * futex and condvar ping-pong, a contended mutex, pipes (several writers,
 * atomic records) (this file); fork/exit/waitpid, tgkill to busy threads
 * (stress_sig.c);
 * mmap/mprotect under readers, shared memory and futexes between
 * processes, pipes to a child (stress_mem.c); AF_UNIX socketpairs and TCP
 * on loopback (stress_io.c). Every worker checks what it gets. Stdout is
 * one "ok PART" (or "FAIL PART: why") line per part, in a fixed order, so
 * it is the same on every run and kernel; with -v the rounds each part
 * made follow on stderr (htux's console mixes them in). Exit status
 * 0: all verified; 1: something failed; 3: a part stopped making progress
 * (the watchdog names it) or did not finish in time. */
#include "stress.h"
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const part_name[NPART] = {
	"futex", "condvar",  "mutex", "pipe",   "pipe-proc", "futex-proc",
	"mmap",  "mprotect", "fork",  "signal", "unix",      "tcp",
};

atomic_int stop, stop_targets;
static atomic_ulong rounds[NPART];
static atomic_int alive[NPART], errors[NPART];
static char why[NPART][160];
static pthread_mutex_t why_lock = PTHREAD_MUTEX_INITIALIZER;

/* A part that makes no progress for STALL_S while running, or threads
 * still running GRACE_S after the end, is stuck. */
#define STALL_S 30
#define GRACE_S 40
#define STR_(x) #x
#define STR(x) STR_(x)

void progress(int part) { atomic_fetch_add(&rounds[part], 1); }

void fail(int part, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&why_lock);
	if (atomic_fetch_add(&errors[part], 1) == 0) {
		va_start(ap, fmt);
		vsnprintf(why[part], sizeof(why[part]), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&why_lock);
}

struct start {
	int part;
	void *(*fn)(void *);
	void *arg;
};

static void *trampoline(void *p)
{
	struct start s = *(struct start *)p;

	free(p);
	s.fn(s.arg);
	atomic_fetch_sub(&alive[s.part], 1);
	return NULL;
}

void spawn(int part, void *(*fn)(void *), void *arg)
{
	struct start *s = malloc(sizeof(*s));
	pthread_attr_t a;
	pthread_t t;

	if (!s) {
		fail(part, "malloc");
		return;
	}
	*s = (struct start){ part, fn, arg };
	atomic_fetch_add(&alive[part], 1);
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 256 << 10);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &a, trampoline, s)) {
		atomic_fetch_sub(&alive[part], 1);
		fail(part, "pthread_create");
		free(s);
	}
	pthread_attr_destroy(&a);
}

uint32_t checksum(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

void fill(unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t s = seed * 2654435761u + 1;

	while (n--)
		*p++ = (unsigned char)rnd(&s);
}

int read_full(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int write_full(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

long futex(atomic_int *uaddr, int op, int val, long timeout_ms)
{
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000 };

	return syscall(SYS_futex, uaddr, op, val, timeout_ms ? &ts : NULL, NULL, 0);
}

long gettid_(void) { return syscall(SYS_gettid); }

/* ---- futex: raw FUTEX_WAIT/WAKE ping-pong between two threads */

struct pingpong {
	atomic_int turn; /* 0: A's, 1: B's, 2: quit */
	atomic_uint data;
	uint64_t seed;
};

static void wait_while(atomic_int *w, int v)
{
	while (atomic_load(w) == v)
		futex(w, FUTEX_WAIT_PRIVATE, v, 0);
}

static void *futex_a(void *arg)
{
	struct pingpong *pp = arg;
	unsigned seq = 0;

	while (!atomic_load(&stop)) {
		seq = (unsigned)rnd(&pp->seed);
		atomic_store(&pp->data, seq);
		atomic_store(&pp->turn, 1);
		futex(&pp->turn, FUTEX_WAKE_PRIVATE, 1, 0);
		wait_while(&pp->turn, 1);
		if (atomic_load(&pp->data) != seq * 3 + 1)
			fail(P_FUTEX, "got %u for %u", atomic_load(&pp->data), seq);
		progress(P_FUTEX);
	}
	atomic_store(&pp->turn, 2);
	futex(&pp->turn, FUTEX_WAKE_PRIVATE, 1, 0);
	return NULL;
}

static void *futex_b(void *arg)
{
	struct pingpong *pp = arg;

	for (;;) {
		wait_while(&pp->turn, 0);
		if (atomic_load(&pp->turn) == 2)
			return NULL;
		atomic_store(&pp->data, atomic_load(&pp->data) * 3 + 1);
		atomic_store(&pp->turn, 0);
		futex(&pp->turn, FUTEX_WAKE_PRIVATE, 1, 0);
	}
}

void start_futex(void)
{
	for (int i = 0; i < 2; i++) {
		struct pingpong *pp = calloc(1, sizeof(*pp));

		pp->seed = 77 + (uint64_t)i;
		spawn(P_FUTEX, futex_b, pp);
		spawn(P_FUTEX, futex_a, pp);
	}
}

/* ---- condvar: the same with a pthread mutex and condition variable */

struct cvpp {
	pthread_mutex_t m;
	pthread_cond_t c;
	int turn;
	unsigned data;
};

static void *cv_a(void *arg)
{
	struct cvpp *p = arg;
	uint64_t s = 99;

	while (!atomic_load(&stop)) {
		unsigned v = (unsigned)rnd(&s);

		pthread_mutex_lock(&p->m);
		p->data = v;
		p->turn = 1;
		pthread_cond_broadcast(&p->c);
		while (p->turn == 1)
			pthread_cond_wait(&p->c, &p->m);
		if (p->data != ~v)
			fail(P_CONDVAR, "got %u for %u", p->data, v);
		pthread_mutex_unlock(&p->m);
		progress(P_CONDVAR);
	}
	pthread_mutex_lock(&p->m);
	p->turn = 2;
	pthread_cond_broadcast(&p->c);
	pthread_mutex_unlock(&p->m);
	return NULL;
}

static void *cv_b(void *arg)
{
	struct cvpp *p = arg;

	pthread_mutex_lock(&p->m);
	for (;;) {
		while (p->turn == 0)
			pthread_cond_wait(&p->c, &p->m);
		if (p->turn == 2)
			break;
		p->data = ~p->data;
		p->turn = 0;
		pthread_cond_broadcast(&p->c);
	}
	pthread_mutex_unlock(&p->m);
	return NULL;
}

void start_condvar(void)
{
	static struct cvpp p = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };

	spawn(P_CONDVAR, cv_b, &p);
	spawn(P_CONDVAR, cv_a, &p);
}

/* ---- mutex: 4 threads increment a plain counter under one mutex */

#define MUTEX_THREADS 4
static pthread_mutex_t mx = PTHREAD_MUTEX_INITIALIZER;
static long mx_counter, mx_owner;
static atomic_long mx_done;
static atomic_int mx_left = MUTEX_THREADS;

static void *mutex_worker(void *arg)
{
	long me = (long)arg + 1, mine = 0;

	while (!atomic_load(&stop)) {
		for (int i = 0; i < 100; i++) {
			pthread_mutex_lock(&mx);
			if (mx_owner)
				fail(P_MUTEX, "thread %ld inside with %ld", me, mx_owner);
			mx_owner = me;
			mx_counter++;
			mine++;
			mx_owner = 0;
			pthread_mutex_unlock(&mx);
		}
		progress(P_MUTEX);
	}
	atomic_fetch_add(&mx_done, mine);
	if (atomic_fetch_sub(&mx_left, 1) == 1) {
		pthread_mutex_lock(&mx);
		if (mx_counter != atomic_load(&mx_done))
			fail(P_MUTEX, "counter %ld, increments %ld", mx_counter,
			     atomic_load(&mx_done));
		pthread_mutex_unlock(&mx);
	}
	return NULL;
}

void start_mutex(void)
{
	for (long i = 0; i < MUTEX_THREADS; i++)
		spawn(P_MUTEX, mutex_worker, (void *)i);
}

/* ---- pipe: 2 writers, 1 reader; records of at most PIPE_BUF bytes each
 * arrive whole, each writer's in order */

struct rec {
	uint32_t writer, seq, len, sum;
	unsigned char data[480];
};
static int pipe_fds[2];

static void *pipe_writer(void *arg)
{
	uint32_t w = (uint32_t)(long)arg, seq = 0;
	uint64_t s = 5 + w;
	struct rec r;

	while (!atomic_load(&stop)) {
		r.writer = w;
		r.seq = seq++;
		r.len = (uint32_t)(rnd(&s) % sizeof(r.data));
		fill(r.data, r.len, s);
		r.sum = checksum(r.data, r.len);
		if (write(pipe_fds[1], &r, sizeof(r)) != sizeof(r))
			fail(P_PIPE, "short write");
		progress(P_PIPE);
	}
	r.writer = w;
	r.seq = UINT32_MAX;
	if (write(pipe_fds[1], &r, sizeof(r)) != sizeof(r))
		fail(P_PIPE, "short write");
	return NULL;
}

static void *pipe_reader(void *arg)
{
	uint32_t next[2] = { 0, 0 };
	int open = 2;
	struct rec r;

	(void)arg;
	while (open) {
		if (read_full(pipe_fds[0], &r, sizeof(r))) {
			fail(P_PIPE, "read failed");
			return NULL;
		}
		if (r.writer > 1) {
			fail(P_PIPE, "bad writer %u", r.writer);
			return NULL;
		}
		if (r.seq == UINT32_MAX) {
			open--;
			continue;
		}
		if (r.seq != next[r.writer] || r.len > sizeof(r.data) ||
		    checksum(r.data, r.len) != r.sum)
			fail(P_PIPE, "writer %u record %u (want %u) bad", r.writer, r.seq,
			     next[r.writer]);
		next[r.writer] = r.seq + 1;
	}
	return NULL;
}

void start_pipe(void)
{
	_Static_assert(sizeof(struct rec) <= 512, "PIPE_BUF");
	if (pipe(pipe_fds)) {
		fail(P_PIPE, "pipe");
		return;
	}
	spawn(P_PIPE, pipe_reader, NULL);
	spawn(P_PIPE, pipe_writer, (void *)0L);
	spawn(P_PIPE, pipe_writer, (void *)1L);
}

/* ---- watchdog, main */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* stuck: prints "stuck PART (WHAT)" for each part marked in WHICH (or,
 * without WHICH, each with threads left), the counts on stderr; exit 3 */
static void stuck(const int *which, const char *what)
{
	fflush(stdout);
	for (int p = 0; p < NPART; p++) {
		if (which ? which[p] : atomic_load(&alive[p]) > 0)
			printf("stuck %s (%s)\n", part_name[p], what);
		fprintf(stderr, "%s: %lu rounds, %d threads left\n", part_name[p],
			atomic_load(&rounds[p]), atomic_load(&alive[p]));
	}
	fflush(stdout);
	_exit(3);
}

static double end_time;

static void *watchdog(void *arg)
{
	unsigned long last[NPART] = { 0 };
	double changed[NPART], t;
	int stalled[NPART], any;

	(void)arg;
	for (int p = 0; p < NPART; p++)
		changed[p] = now();
	for (;;) {
		struct timespec ts = { 0, 250000000 };

		nanosleep(&ts, NULL);
		t = now();
		any = 0;
		for (int p = 0; p < NPART; p++) {
			unsigned long r = atomic_load(&rounds[p]);

			stalled[p] = 0;
			if (r != last[p] || !atomic_load(&alive[p])) {
				last[p] = r;
				changed[p] = t;
			} else if (!atomic_load(&stop) && t - changed[p] > STALL_S) {
				stalled[p] = any = 1;
			}
		}
		if (any)
			stuck(stalled, "no progress for " STR(STALL_S) " s");
		if (atomic_load(&stop) && t > end_time + GRACE_S)
			stuck(NULL, "still running " STR(GRACE_S) " s after the end");
	}
	return NULL;
}

static void on_alarm(int sig)
{
	static const char msg[] = "stuck (alarm: the watchdog did not run)\n";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 5, t0;
	int bad = 0, left, verbose = argc > 2 && !strcmp(argv[2], "-v");
	struct sigaction sa;
	pthread_t wd;

	if (argc > 3 || (argc > 2 && !verbose) || secs <= 0 || secs > 100000) {
		fprintf(stderr, "usage: smp_stress SECONDS [-v]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = segv_handler;
	sigaction(SIGSEGV, &sa, NULL);
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned)secs + STALL_S + GRACE_S + 20);

	t0 = now();
	end_time = t0 + secs;
	pthread_create(&wd, NULL, watchdog, NULL);
	start_futex();
	start_condvar();
	start_mutex();
	start_pipe();
	start_pipe_proc();
	start_futex_proc();
	start_mmap();
	start_mprotect();
	start_fork();
	start_signal();
	start_unix();
	start_tcp();

	/* Past the time asked, until every part has done a round: on a
	 * host with fewer cores than vCPUs a part can take seconds for its
	 * first; one that makes no progress at all the watchdog reports. */
	for (;;) {
		struct timespec ts = { 0, 100000000 };
		int idle_parts = 0;

		for (int p = 0; p < NPART; p++)
			idle_parts += !atomic_load(&rounds[p]) && !atomic_load(&errors[p]);
		if (now() >= end_time && !idle_parts)
			break;
		nanosleep(&ts, NULL);
	}
	end_time = now();
	atomic_store(&stop, 1);
	/* the signal targets outlive their senders' last batch */
	while (atomic_load(&alive[P_SIGNAL]) > SIG_TARGETS)
		usleep(10000);
	atomic_store(&stop_targets, 1);
	do {
		left = 0;
		for (int p = 0; p < NPART; p++)
			left += atomic_load(&alive[p]);
		usleep(10000);
	} while (left);

	if (signal_stray())
		fail(P_SIGNAL, "%d signals ran on another thread", signal_stray());
	for (int p = 0; p < NPART; p++) {
		unsigned long r = atomic_load(&rounds[p]);

		if (!atomic_load(&errors[p]) && !r)
			fail(p, "no round finished");
		if (atomic_load(&errors[p])) {
			printf("FAIL %s: %s (%d errors)\n", part_name[p], why[p],
			       atomic_load(&errors[p]));
			bad = 1;
		} else {
			printf("ok %s\n", part_name[p]);
		}
		if (verbose)
			fprintf(stderr, "%s: %lu rounds\n", part_name[p], r);
	}
	if (verbose)
		fprintf(stderr, "%.1f s\n", now() - t0);
	return bad;
}
