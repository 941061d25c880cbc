/* syscall_bench: the cost of a few system calls and thread round trips,
 * measured inside the guest (htux or Linux) by bench/syscall.
 *
 * Usage: syscall_bench [SECONDS]   (the time each measurement aims at,
 * default 0.3). It first prints "vdso yes" or "vdso no": whether the
 * kernel gave it a vDSO (AT_SYSINFO_EHDR), which glibc's clock_gettime uses
 * instead of a system call. For each test it calibrates N (doubling until a run takes
 * 20 ms, which also warms up), times N operations with
 * clock_gettime(CLOCK_MONOTONIC) and prints one line:
 *
 *     NAME NS_PER_OP ns n=N
 *
 * or "NAME unsupported" when the kernel answers ENOSYS, or
 * "NAME FAILED: why" when an operation did not do what it should (the
 * results are checked, not only timed). The last line is "done T s": the
 * time all the tests took by CLOCK_MONOTONIC, which bench/syscall compares
 * with QEMU's wall time to catch a guest clock that runs fast. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/auxv.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double target = 0.3; /* seconds per measurement */
static char failure[160];   /* why the current test failed, or "" */

static void fail(const char *fmt, const char *what, long v)
{
	if (!failure[0])
		snprintf(failure, sizeof(failure), fmt, what, v);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* run(n) performs n operations; measure calibrates, times and prints. */
static void measure(const char *name, void (*run)(long))
{
	long n = 16;
	double t, dt;

	failure[0] = 0;
	for (;;) {
		t = now();
		run(n);
		dt = now() - t;
		if (failure[0] || dt >= 0.02 || n >= (1L << 40))
			break;
		n *= 2;
	}
	if (!failure[0]) {
		if (dt <= 0)
			dt = 1e-9;
		n = (long)(n * (target / dt));
		if (n < 1)
			n = 1;
		t = now();
		run(n);
		dt = now() - t;
	}
	if (failure[0])
		printf("%s FAILED: %s\n", name, failure);
	else if (dt <= 0)
		printf("%s FAILED: the clock did not advance over %ld operations\n", name, n);
	else
		printf("%s %.1f ns n=%ld\n", name, dt * 1e9 / n, n);
	fflush(stdout);
}

/* ------------------------------------------------------------ getpid */

static long pid;

static void run_getpid(long n)
{
	for (long i = 0; i < n; i++) {
		long r = syscall(SYS_getpid);
		if (r != pid) {
			fail("%s returned %ld", "getpid", r);
			return;
		}
	}
}

/* ------------------------------------------------------------ clock_gettime */

static void run_clock(long n)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		if (clock_gettime(CLOCK_MONOTONIC, &b) != 0) {
			fail("%s failed, errno %ld", "clock_gettime", errno);
			return;
		}
		if (b.tv_sec < a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec < a.tv_nsec)) {
			fail("%s went backwards by %ld ns", "CLOCK_MONOTONIC",
			     (a.tv_sec - b.tv_sec) * 1000000000L + (a.tv_nsec - b.tv_nsec));
			return;
		}
		a = b;
	}
}

/* ------------------------------------------------------------ sites */

/* The same calls made at "mov $N,%eax; syscall" sites, the shape htux
 * --fast-syscalls rewrites into calls to the kernel (glibc's syscall()
 * wrapper loads the number from a register and stays on the trap path):
 * getpid, a 1-byte write to /dev/null, FUTEX_WAKE with no waiter,
 * clock_gettime as a system call (not the vDSO). */
#define SITE(name, nr) \
	static __attribute__((noinline)) long name(long a, long b, long c) \
	{ \
		long r; \
		__asm__ volatile("movl $" #nr ", %%eax\n\tsyscall" \
				 : "=a"(r) \
				 : "D"(a), "S"(b), "d"(c) \
				 : "rcx", "r10", "r11", "memory"); \
		return r; \
	}
SITE(site_getpid, 39)
SITE(site_write, 1)
SITE(site_futex, 202)
SITE(site_clock, 228)

static int null_fd;
static int futex_word;

static void run_getpid_site(long n)
{
	for (long i = 0; i < n; i++)
		if (site_getpid(0, 0, 0) != pid) {
			fail("%s returned %ld", "getpid", site_getpid(0, 0, 0));
			return;
		}
}

static void run_write_site(long n)
{
	for (long i = 0; i < n; i++) {
		long r = site_write(null_fd, (long)"x", 1);
		if (r != 1) {
			fail("%s returned %ld", "write", r);
			return;
		}
	}
}

static void run_futex_site(long n)
{
	for (long i = 0; i < n; i++) {
		long r = site_futex((long)&futex_word, FUTEX_WAKE_PRIVATE, 1);
		if (r != 0) {
			fail("%s returned %ld", "futex wake", r);
			return;
		}
	}
}

static void run_clock_site(long n)
{
	struct timespec ts;
	for (long i = 0; i < n; i++) {
		long r = site_clock(CLOCK_MONOTONIC, (long)&ts, 0);
		if (r != 0) {
			fail("%s returned %ld", "clock_gettime", r);
			return;
		}
	}
}

static void bench_sites(void)
{
	null_fd = open("/dev/null", O_WRONLY);
	if (null_fd < 0) {
		printf("write_site FAILED: cannot open /dev/null\n");
		return;
	}
	measure("getpid_site", run_getpid_site);
	measure("write_site", run_write_site);
	measure("futex_wake_site", run_futex_site);
	measure("clock_gettime_site", run_clock_site);
	close(null_fd);
}

/* ------------------------------------------------------------ futex */

/* turn: 0 = the main thread's, 1 = the partner's, 2 = the partner stops.
 * Both sides always wake and always wait (no spinning), so a round trip is
 * two FUTEX_WAKEs, two FUTEX_WAITs and two context switches. */
static atomic_int turn;
static atomic_long partner_rounds;

static long futex(atomic_int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static void futex_wait_while(int v)
{
	while (atomic_load(&turn) == v) {
		long r = futex(&turn, FUTEX_WAIT_PRIVATE, v);
		if (r != 0 && errno != EAGAIN && errno != EINTR) {
			fail("%s FUTEX_WAIT failed, errno %ld", "futex", errno);
			return;
		}
	}
}

static void *futex_partner(void *arg)
{
	(void)arg;
	for (;;) {
		futex_wait_while(0);
		if (atomic_load(&turn) == 2)
			return NULL;
		atomic_fetch_add(&partner_rounds, 1);
		atomic_store(&turn, 0);
		futex(&turn, FUTEX_WAKE_PRIVATE, 1);
	}
}

static void run_futex(long n)
{
	long before = atomic_load(&partner_rounds);
	for (long i = 0; i < n && !failure[0]; i++) {
		atomic_store(&turn, 1);
		if (futex(&turn, FUTEX_WAKE_PRIVATE, 1) < 0) {
			fail("%s FUTEX_WAKE failed, errno %ld", "futex", errno);
			return;
		}
		futex_wait_while(1);
	}
	if (!failure[0] && atomic_load(&partner_rounds) - before != n)
		fail("%s: the partner answered %ld times", "futex",
		     atomic_load(&partner_rounds) - before);
}

static void bench_futex(void)
{
	pthread_t t;
	int e = pthread_create(&t, NULL, futex_partner, NULL);
	if (e) {
		printf("futex_roundtrip FAILED: pthread_create: %s\n", strerror(e));
		fflush(stdout);
		return;
	}
	measure("futex_roundtrip", run_futex);
	atomic_store(&turn, 2);
	futex(&turn, FUTEX_WAKE_PRIVATE, 1);
	pthread_join(t, NULL);
}

/* ------------------------------------------------------------ pipes */

/* The main thread writes one byte to ping, the partner reads it and writes
 * it back plus one to pong; it stops at end of file on ping. */
static int ping[2], pong[2];

static void *pipe_partner(void *arg)
{
	unsigned char c;
	long r;
	(void)arg;
	while ((r = read(ping[0], &c, 1)) == 1) {
		c++;
		if (write(pong[1], &c, 1) != 1)
			break;
	}
	close(pong[1]);
	return NULL;
}

static void run_pipe(long n)
{
	for (long i = 0; i < n; i++) {
		unsigned char c = (unsigned char)i, d = 0;
		long r = write(ping[1], &c, 1);
		if (r != 1) {
			fail("%s write returned %ld", "pipe", r < 0 ? -errno : r);
			return;
		}
		r = read(pong[0], &d, 1);
		if (r != 1) {
			fail("%s read returned %ld", "pipe", r < 0 ? -errno : r);
			return;
		}
		if (d != (unsigned char)(c + 1)) {
			fail("%s: the partner sent back %ld", "pipe", d);
			return;
		}
	}
}

static void bench_pipe(void)
{
	pthread_t t;
	int e;
	if (pipe(ping) != 0) {
		if (errno == ENOSYS)
			printf("pipe_roundtrip unsupported\n");
		else
			printf("pipe_roundtrip FAILED: pipe: %s\n", strerror(errno));
		fflush(stdout);
		return;
	}
	if (pipe(pong) != 0) {
		printf("pipe_roundtrip FAILED: second pipe: %s\n", strerror(errno));
		fflush(stdout);
		return;
	}
	e = pthread_create(&t, NULL, pipe_partner, NULL);
	if (e) {
		printf("pipe_roundtrip FAILED: pthread_create: %s\n", strerror(e));
		fflush(stdout);
		return;
	}
	measure("pipe_roundtrip", run_pipe);
	close(ping[1]);
	pthread_join(t, NULL);
	close(ping[0]);
	close(pong[0]);
}

/* The same with 8 processes beside it asleep in epoll_wait (or, with
 * use_poll, in poll), each on a pipe of its own that nobody writes: a
 * kernel that woke every poller on every pipe or socket event pays for
 * them at each round trip. With many (and not use_poll), one process
 * asleep in epoll_wait on MANY idle pipes instead, as a server's idle
 * connections: a kernel that looked at every epoll item at each event
 * pays for them. */
#define IDLE 8
#define MANY 400

static void bench_pipe_idle(bool use_poll, bool many)
{
	const char *name = use_poll ? "pipe_roundtrip_pollidle"
			   : many   ? "pipe_roundtrip_epollmany"
				    : "pipe_roundtrip_idle";
	pid_t kids[IDLE];
	int ready[2], n = 0, nkids = many ? 1 : IDLE;
	if (pipe(ready) != 0) {
		printf("%s FAILED: pipe: %s\n", name, strerror(errno));
		fflush(stdout);
		return;
	}
	for (; n < nkids; n++) {
		kids[n] = fork();
		if (kids[n] < 0)
			break;
		if (kids[n] == 0) {
			int p[2], ep = use_poll ? 0 : epoll_create1(0);
			struct epoll_event ev = { .events = EPOLLIN }, got;
			for (int k = 0; k < (many ? MANY : 1); k++)
				if (ep < 0 || pipe(p) != 0 ||
				    (!use_poll && epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) != 0))
					_exit(1);
			if (write(ready[1], "k", 1) != 1)
				_exit(1);
			struct pollfd pf = { .fd = p[0], .events = POLLIN };
			for (;;)
				if (use_poll)
					poll(&pf, 1, -1);
				else
					epoll_wait(ep, &got, 1, -1);
		}
	}
	char c;
	for (int i = 0; i < n; i++)
		if (read(ready[0], &c, 1) != 1)
			break;
	if (n == nkids) {
		/* bench_pipe's partner thread and pipes, under another name */
		pthread_t t;
		if (pipe(ping) == 0 && pipe(pong) == 0 &&
		    pthread_create(&t, NULL, pipe_partner, NULL) == 0) {
			measure(name, run_pipe);
			close(ping[1]);
			pthread_join(t, NULL);
			close(ping[0]);
			close(pong[0]);
		} else {
			printf("%s FAILED: pipe or thread: %s\n", name, strerror(errno));
		}
	} else {
		printf("%s FAILED: fork: %s\n", name, strerror(errno));
	}
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	close(ready[0]);
	close(ready[1]);
}

/* ------------------------------------------------------------ epoll_ctl */

/* EPOLL_CTL_ADD then DEL of one pipe in an epoll set of MANY idle pipes,
 * as a server's accept and close beside its open connections: a kernel
 * that walks the set to find an item pays for each of them. */
static int ctl_ep, ctl_fd;

static void run_epoll_ctl(long n)
{
	struct epoll_event ev = { .events = EPOLLIN };
	for (long i = 0; i < n; i++)
		if (epoll_ctl(ctl_ep, EPOLL_CTL_ADD, ctl_fd, &ev) != 0 ||
		    epoll_ctl(ctl_ep, EPOLL_CTL_DEL, ctl_fd, NULL) != 0) {
			fail("%s failed, errno %ld", "epoll_ctl", errno);
			return;
		}
}

static void bench_epoll_ctl(void)
{
	int p[2], fds[2 * MANY], n = 0;
	struct epoll_event ev = { .events = EPOLLIN };
	ctl_ep = epoll_create1(0);
	for (; n < 2 * MANY && ctl_ep >= 0 && pipe(p) == 0; n += 2) {
		fds[n] = p[0];
		fds[n + 1] = p[1];
		if (epoll_ctl(ctl_ep, EPOLL_CTL_ADD, p[0], &ev) != 0)
			break;
	}
	if (ctl_ep < 0 || n < 2 * MANY || pipe(p) != 0) {
		printf("epoll_ctl_many FAILED: %s\n", strerror(errno));
	} else {
		ctl_fd = p[0];
		measure("epoll_ctl_many", run_epoll_ctl);
		close(p[0]);
		close(p[1]);
	}
	fflush(stdout);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	if (ctl_ep >= 0)
		close(ctl_ep);
}

/* ------------------------------------------------------------ fork */

static void run_fork(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0)
			_exit(7);
		int st = 0;
		if (p < 0) {
			fail("%s failed, errno %ld", "fork", errno);
			return;
		}
		if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 7) {
			fail("%s: the child's wait status is %#lx", "fork", st);
			return;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		target = atof(argv[1]);
		if (target <= 0 || target > 60) {
			fprintf(stderr, "usage: syscall_bench [SECONDS]\n");
			return 2;
		}
	}
	double start = now();
	printf("vdso %s\n", getauxval(AT_SYSINFO_EHDR) ? "yes" : "no");
	pid = syscall(SYS_getpid);
	measure("getpid", run_getpid);
	measure("clock_gettime", run_clock);
	bench_sites();
	bench_futex();
	bench_pipe();
	bench_pipe_idle(false, false);
	bench_pipe_idle(true, false);
	bench_pipe_idle(false, true);
	measure("fork_exit_wait", run_fork);
	bench_epoll_ctl(); /* last: its 800 descriptors would make fork's table larger */
	printf("done %.3f s\n", now() - start);
	return 0;
}
