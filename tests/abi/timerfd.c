/* timerfd.c: timerfd_create flags and errors, a disarmed timer's
 * gettime, a one-shot and an interval timer read as expiration counts,
 * an absolute time in the past, EAGAIN, and the settime errors. */
#include "abi.h"
#include <poll.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>

static void rd(int fd)
{
	uint64_t v = 0;
	errno = 0;
	long n = read(fd, &v, sizeof(v));
	if (n < 0)
		printf("read: %s\n", abi_errname(errno));
	else
		printf("read: %ld, expirations %s\n", n, v >= 1 ? ">= 1" : "0");
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int fd = OK(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
	R(fcntl(fd, F_GETFD));
	struct itimerspec cur, old;
	R(timerfd_gettime(fd, &cur));
	printf("disarmed: %ld %ld %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec,
	       (long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec);
	rd(fd);
	struct itimerspec its = { { 0, 0 }, { 0, 20 * 1000000 } };
	R(timerfd_settime(fd, 0, &its, &old));
	printf("old value %ld\n", old.it_value.tv_nsec);
	R(timerfd_gettime(fd, &cur));
	SAY(cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 20 * 1000000);
	struct pollfd pf = { fd, POLLIN, 0 };
	R(poll(&pf, 1, 1000));
	rd(fd);
	rd(fd);
	R(timerfd_gettime(fd, &cur));
	printf("after: %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
	/* an absolute time in the past fires at once */
	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 1;
	R(timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL));
	R(poll(&pf, 1, 0));
	rd(fd);
	/* an interval timer, read blocking */
	int bfd = OK(timerfd_create(CLOCK_REALTIME, 0));
	struct itimerspec iv = { { 0, 10 * 1000000 }, { 0, 10 * 1000000 } };
	R(timerfd_settime(bfd, 0, &iv, NULL));
	rd(bfd);
	rd(bfd);
	R(timerfd_gettime(bfd, &cur));
	printf("interval %ld\n", cur.it_interval.tv_nsec);
	/* disarm */
	struct itimerspec zero = { { 0, 0 }, { 0, 0 } };
	R(timerfd_settime(bfd, 0, &zero, &old));
	printf("old interval %ld\n", old.it_interval.tv_nsec);
	R(timerfd_gettime(bfd, &cur));
	printf("disarmed: %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
	/* errors */
	R(timerfd_create(12345, 0));
	R(timerfd_create(CLOCK_MONOTONIC, 0x1234));
	its.it_value.tv_nsec = 1000000000;
	R(timerfd_settime(fd, 0, &its, NULL));
	R(timerfd_settime(fd, 0x1234, &zero, NULL));
	R(timerfd_settime(99, 0, &zero, NULL));
	int p[2];
	R(pipe(p));
	R(timerfd_settime(p[0], 0, &zero, NULL));
	R(timerfd_gettime(p[0], &cur));
	char small[4];
	R(read(fd, small, 4));
	return 0;
}
