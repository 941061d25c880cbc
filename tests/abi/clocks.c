/* clocks.c: clock_gettime advances, nanosleep sleeps at least as long as
 * asked, clock_getres, and the errors. */
#include "abi.h"
#include <time.h>
#include <sys/time.h>
#include <sys/syscall.h>

static long long ns(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct timespec t, rem;
	long long a = ns(CLOCK_MONOTONIC);
	long long b = ns(CLOCK_MONOTONIC);
	SAY(b >= a);
	t = (struct timespec){ 0, 10000000 };
	R(nanosleep(&t, &rem));
	long long c = ns(CLOCK_MONOTONIC);
	SAY(c - b >= 10000000);
	SAY(c - b < 2000000000);
	t = (struct timespec){ 0, 1000000000 };
	R(nanosleep(&t, NULL));
	t = (struct timespec){ -1, 0 };
	R(nanosleep(&t, NULL));
	R(clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){ 0, 5000000 }, NULL));
	long long d = ns(CLOCK_MONOTONIC);
	R(clock_nanosleep(
		CLOCK_MONOTONIC, TIMER_ABSTIME,
		&(struct timespec){ (d + 5000000) / 1000000000, (d + 5000000) % 1000000000 },
		NULL));
	SAY(ns(CLOCK_MONOTONIC) >= d + 5000000);
	R(syscall(SYS_clock_nanosleep, 12345, 0, &t, NULL));
	R(syscall(SYS_clock_gettime, 12345, &t));
	R(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL));
	R(clock_getres(CLOCK_MONOTONIC, &t));
	printf("res %ld.%09ld\n", (long)t.tv_sec, t.tv_nsec);
	R(clock_getres(CLOCK_REALTIME, &t));
	printf("res %ld.%09ld\n", (long)t.tv_sec, t.tv_nsec);
	R(syscall(SYS_clock_getres, 12345, &t));
	R(clock_getres(CLOCK_BOOTTIME, NULL));
	long long r = ns(CLOCK_REALTIME);
	SAY(r > 1600000000LL * 1000000000LL);
	struct timeval tv;
	R(gettimeofday(&tv, NULL));
	SAY(tv.tv_sec - r / 1000000000 <= 2 && tv.tv_sec - r / 1000000000 >= 0);
	time_t now = time(NULL);
	SAY(now - r / 1000000000 <= 2 && now - r / 1000000000 >= 0);
	/* read in this order: the two operands of one >= were read in either
	 * order, and a vCPU descheduled 1 ms between them (-smp 2 under load)
	 * made the line "no" */
	long long mono = ns(CLOCK_MONOTONIC);
	SAY(ns(CLOCK_BOOTTIME) >= mono);
	long long p0 = ns(CLOCK_PROCESS_CPUTIME_ID);
	SAY(p0 >= 0);
	return 0;
}
