/* clock.c: 100000 monotonic clock reads never go backwards; realtime,
 * gettimeofday and time agree with a sane wall clock. */
#include <stdio.h>
#include <time.h>
#include <sys/time.h>
int main(void)
{
	struct timespec a, b;
	long prev = 0;
	int mono = 1;
	for (int i = 0; i < 100000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		long ns = a.tv_sec * 1000000000L + a.tv_nsec;
		if (ns < prev)
			mono = 0;
		prev = ns;
	}
	clock_gettime(CLOCK_REALTIME, &b);
	struct timeval tv;
	gettimeofday(&tv, 0);
	time_t t = time(0);
	printf("monotonic=%d realtime_sane=%d tod_sane=%d time_sane=%d\n", mono,
	       b.tv_sec > 1700000000, tv.tv_sec > 1700000000, t > 1700000000);
	return 0;
}
