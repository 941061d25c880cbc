/* settime.c: the clock-setting calls refuse what Linux refuses (the
 * positive cases would change the host's clock): clock_settime,
 * settimeofday, adjtimex's read-only query and its checks. */
#include "abi.h"
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct timespec ts = { 1000, 0 };
	R(clock_settime(CLOCK_MONOTONIC, &ts));
	R(clock_settime(CLOCK_BOOTTIME, &ts));
	R(clock_settime(CLOCK_REALTIME_COARSE, &ts));
	R(clock_settime(12345, &ts));
	R(clock_settime(CLOCK_PROCESS_CPUTIME_ID, &ts));
	R(syscall(SYS_clock_settime, CLOCK_REALTIME, NULL));
	ts.tv_nsec = 1000000000;
	R(clock_settime(CLOCK_REALTIME, &ts));
	ts.tv_nsec = -1;
	R(clock_settime(CLOCK_REALTIME, &ts));
	ts.tv_sec = -5;
	ts.tv_nsec = 0;
	R(clock_settime(CLOCK_REALTIME, &ts));
	struct timeval tv = { 1000, 1000001 };
	R(settimeofday(&tv, NULL));
	tv.tv_usec = -1;
	R(settimeofday(&tv, NULL));
	tv.tv_sec = -1;
	tv.tv_usec = 0;
	R(settimeofday(&tv, NULL));
	struct timezone tz = { 16 * 60, 0 };
	R(syscall(SYS_settimeofday, NULL, &tz));
	tz.tz_minuteswest = -16 * 60;
	R(syscall(SYS_settimeofday, NULL, &tz));
	R(syscall(SYS_settimeofday, NULL, NULL));
	R(syscall(SYS_settimeofday, (void *)8, NULL));
	/* adjtimex: the fields that do not depend on NTP */
	struct timex t;
	memset(&t, 0, sizeof(t));
	long r = adjtimex(&t);
	SAY(r >= 0);
	printf("tick %ld precision %ld tolerance %ld\n", t.tick, t.precision, t.tolerance);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	SAY(t.time.tv_sec - now.tv_sec <= 1 && now.tv_sec - t.time.tv_sec <= 1);
	memset(&t, 0, sizeof(t));
	t.modes = ADJ_OFFSET_SS_READ;
	r = adjtimex(&t);
	SAY(r >= 0);
	printf("offset %ld\n", t.offset);
	memset(&t, 0, sizeof(t));
	t.modes = ADJ_TICK;
	t.tick = 1;
	R(adjtimex(&t));
	t.modes = 0x8000;
	R(adjtimex(&t));
	t.modes = ADJ_SETOFFSET;
	t.time.tv_sec = 0;
	t.time.tv_usec = 2000000;
	R(adjtimex(&t));
	t.time.tv_usec = -1;
	R(adjtimex(&t));
	R(syscall(SYS_adjtimex, NULL));
	R(syscall(SYS_clock_adjtime, CLOCK_MONOTONIC, &t));
	R(syscall(SYS_clock_adjtime, 12345, &t));
	return 0;
}
