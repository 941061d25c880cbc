/* cputime.c: CPU time is the time a thread or process really ran: a busy
 * loop's CPU time grows (never faster than the wall clock), a sleep's
 * does not; the same time through CLOCK_PROCESS_CPUTIME_ID,
 * CLOCK_THREAD_CPUTIME_ID, clock_getcpuclockid/pthread_getcpuclockid's
 * encoded clocks, getrusage (SELF, THREAD, CHILDREN), times(),
 * /proc/<pid>/stat and wait4's rusage; a child's time counts for the
 * parent once it is waited for. clock_nanosleep on a process's CPU clock
 * waits for that much CPU time. Bad clock ids: EINVAL (ESRCH from the
 * library calls). */
#include "abi.h"
#include <pthread.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>

#define MS 1000000LL

static long long ns(clockid_t c)
{
	struct timespec t;
	if (clock_gettime(c, &t))
		return -1;
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long tv_ns(struct timeval tv) { return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL; }

/* Spins until clock c has advanced by d ns. */
static void spin(clockid_t c, long long d)
{
	long long end = ns(c) + d;
	while (ns(c) < end)
		;
}

/* utime + stime of /proc/<pid>/stat, in clock ticks, or -1. */
static long stat_ticks(int pid, long *cticks)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	unsigned long u, s, cu, cs;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %lu %lu", &u,
			 &s, &cu, &cs) != 4)
		return -1;
	if (cticks)
		*cticks = (long)(cu + cs);
	return (long)(u + s);
}

static volatile int stop;

static void *busy(void *arg)
{
	(void)arg;
	while (!stop)
		;
	return NULL;
}

static void *other(void *arg)
{
	clockid_t *c = arg;
	long long t = ns(*c);
	printf("other thread reads main's thread clock: %d\n", t > 0);
	return NULL;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct rusage ru;
	struct tms tm;
	long hz = sysconf(_SC_CLK_TCK);

	/* A busy loop of 200 ms of this thread's CPU time. */
	long long w0 = ns(CLOCK_MONOTONIC), p0 = ns(CLOCK_PROCESS_CPUTIME_ID);
	long long t0 = ns(CLOCK_THREAD_CPUTIME_ID);
	spin(CLOCK_THREAD_CPUTIME_ID, 200 * MS);
	long long t1 = ns(CLOCK_THREAD_CPUTIME_ID), p1 = ns(CLOCK_PROCESS_CPUTIME_ID);
	long long w1 = ns(CLOCK_MONOTONIC);
	SAY(t1 - t0 >= 200 * MS);
	SAY(p1 - p0 >= t1 - t0);
	SAY(p1 - p0 <= w1 - w0);
	SAY(p1 <= w1);

	/* Sleeping takes no CPU time (after a first sleep: under QEMU's
	 * emulator, running code for the first time costs translation). */
	R(nanosleep(&(struct timespec){ 0, 10 * MS }, NULL));
	p1 = ns(CLOCK_PROCESS_CPUTIME_ID);
	R(nanosleep(&(struct timespec){ 0, 100 * MS }, NULL));
	long long p2 = ns(CLOCK_PROCESS_CPUTIME_ID);
	SAY(p2 - ns(CLOCK_PROCESS_CPUTIME_ID) <= 0);
	SAY(p2 - p1 < 30 * MS);

	/* The same time by the other interfaces. */
	R(getrusage(RUSAGE_SELF, &ru));
	long long r = tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
	SAY(r >= 200 * MS && r <= ns(CLOCK_PROCESS_CPUTIME_ID));
	R(getrusage(RUSAGE_THREAD, &ru));
	r = tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
	SAY(r >= 200 * MS && r <= ns(CLOCK_THREAD_CPUTIME_ID));
	R(getrusage(RUSAGE_CHILDREN, &ru));
	SAY(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) == 0);
	R(getrusage(12345, &ru));
	times(&tm);
	SAY(tm.tms_utime + tm.tms_stime >= 15 * hz / 100);
	SAY(tm.tms_cutime + tm.tms_cstime == 0);
	SAY(stat_ticks(getpid(), NULL) >= 15 * hz / 100);

	/* A clock of our own process by pid, and of this thread by tid. */
	clockid_t pc, tc;
	R(clock_getcpuclockid(getpid(), &pc));
	SAY(ns(pc) >= p2);
	R(clock_getcpuclockid(0, &pc));
	R(pthread_getcpuclockid(pthread_self(), &tc));
	SAY(ns(tc) >= t1);
	pthread_t th;
	pthread_create(&th, NULL, other, &tc);
	pthread_join(th, NULL);
	struct timespec res;
	R(clock_getres(tc, &res));
	printf("thread clock res %ld.%09ld\n", (long)res.tv_sec, res.tv_nsec);
	R(clock_getres(CLOCK_PROCESS_CPUTIME_ID, &res));
	printf("process clock res %ld.%09ld\n", (long)res.tv_sec, res.tv_nsec);

	/* A child's 150 ms, seen by wait4 and then as our children's. */
	int pfd[2];
	if (pipe(pfd))
		return 1;
	pid_t c = fork();
	if (c == 0) {
		spin(CLOCK_PROCESS_CPUTIME_ID, 150 * MS);
		char b;
		read(pfd[0], &b, 1);
		_exit(0);
	}
	close(pfd[0]);
	clockid_t cc;
	R(clock_getcpuclockid(c, &cc));
	/* its process clock from here; its thread's is not ours to read */
	clockid_t ctc = (clockid_t)((~(unsigned)c << 3) | 6);
	R(syscall(SYS_clock_gettime, ctc, &res));
	while (ns(cc) < 150 * MS)
		usleep(10000);
	SAY(ns(cc) >= 150 * MS);
	write(pfd[1], "x", 1);
	siginfo_t si;
	R(waitid(P_PID, c, &si, WEXITED | WNOWAIT));
	long cticks;
	SAY(stat_ticks(c, &cticks) >= 12 * hz / 100); /* the zombie's */
	SAY(ns(cc) >= 150 * MS);
	R(getrusage(RUSAGE_CHILDREN, &ru));
	SAY(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) == 0);
	int st;
	memset(&ru, 0, sizeof(ru));
	R(wait4(c, &st, 0, &ru) == c);
	SAY(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) >= 150 * MS);
	R(getrusage(RUSAGE_CHILDREN, &ru));
	SAY(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) >= 150 * MS);
	times(&tm);
	SAY(tm.tms_cutime + tm.tms_cstime >= 12 * hz / 100);
	long self_cticks;
	stat_ticks(getpid(), &self_cticks);
	SAY(self_cticks >= 12 * hz / 100);
	R(syscall(SYS_clock_gettime, cc, &res)); /* reaped: gone */

	/* clock_nanosleep on our process's CPU clock while a thread spins. */
	pthread_create(&th, NULL, busy, NULL);
	long long q0 = ns(CLOCK_PROCESS_CPUTIME_ID), m0 = ns(CLOCK_MONOTONIC);
	R(clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &(struct timespec){ 0, 50 * MS }, NULL));
	long long q1 = ns(CLOCK_PROCESS_CPUTIME_ID), m1 = ns(CLOCK_MONOTONIC);
	stop = 1;
	pthread_join(th, NULL);
	SAY(q1 - q0 >= 50 * MS);
	SAY(m1 - m0 >= 50 * MS);

	/* Errors. */
	struct timespec t;
	R(syscall(SYS_clock_gettime, (clockid_t)((~0u << 3) | 3), &t)); /* which 3 */
	R(syscall(SYS_clock_getres, (clockid_t)((~0u << 3) | 3), &t));
	R(syscall(SYS_clock_gettime, (clockid_t)((~999999u << 3) | 2), &t));
	R(syscall(SYS_clock_gettime, (clockid_t)((~999999u << 3) | 6), &t));
	R(syscall(SYS_clock_gettime, 16, &t));
	R(syscall(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, NULL));
	R(clock_getcpuclockid(999999, &pc));
	R(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &(struct timespec){ 0, 1 },
		  NULL));
	R(syscall(SYS_clock_nanosleep, tc, 0, &(struct timespec){ 0, 1 }, NULL));
	R(syscall(SYS_clock_nanosleep, (clockid_t)((~0u << 3) | 6), 0, &(struct timespec){ 0, 1 },
		  NULL));
	return 0;
}
