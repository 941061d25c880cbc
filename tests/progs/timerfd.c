/* timerfd.c: one-shot and periodic timers, absolute times on the
 * monotonic and real-time clocks, blocking and nonblocking reads, poll,
 * gettime and the old value of settime, and the errors. Counts that
 * depend on timing are printed as comparisons. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "show.h"

#define MS 1000000L

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long ns(const struct timespec *ts) { return ts->tv_sec * 1000000000LL + ts->tv_nsec; }

static struct itimerspec its(long value_ns, long interval_ns)
{
	struct itimerspec t;
	t.it_value.tv_sec = value_ns / 1000000000L;
	t.it_value.tv_nsec = value_ns % 1000000000L;
	t.it_interval.tv_sec = interval_ns / 1000000000L;
	t.it_interval.tv_nsec = interval_ns % 1000000000L;
	return t;
}

static uint64_t rd(int fd, const char *what)
{
	uint64_t v = 0;
	ssize_t r = read(fd, &v, sizeof(v));
	if (r < 0)
		show(what, r);
	return r < 0 ? 0 : v;
}

int main(void)
{
	struct itimerspec t, old;
	uint64_t v;

	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	show("timerfd_create", fd >= 0 ? 0 : -1);
	show("F_GETFL", fcntl(fd, F_GETFL));
	rd(fd, "read unarmed");
	timerfd_gettime(fd, &t);
	printf("unarmed: value %lld interval %lld\n", ns(&t.it_value), ns(&t.it_interval));

	/* one-shot, 30 ms: timed from before the arming, so that a delay
	 * between it and poll (a busy host) does not count */
	t = its(30 * MS, 0);
	long long t0 = now_ns();
	show("settime 30 ms", timerfd_settime(fd, 0, &t, NULL));
	timerfd_gettime(fd, &t);
	printf("gettime: 0 < value <= 30 ms %d, interval %lld\n",
	       ns(&t.it_value) > 0 && ns(&t.it_value) <= 30 * MS, ns(&t.it_interval));
	rd(fd, "read before expiry");
	struct pollfd p = { fd, POLLIN, 0 };
	int r = poll(&p, 1, 5000);
	printf("poll: %d revents %#x after >= 25 ms %d\n", r, p.revents, now_ns() - t0 >= 25 * MS);
	printf("one-shot read: %llu\n", (unsigned long long)rd(fd, "one-shot read"));
	rd(fd, "read again");
	timerfd_gettime(fd, &t);
	printf("expired: value %lld interval %lld\n", ns(&t.it_value), ns(&t.it_interval));

	/* periodic, every 10 ms */
	t = its(10 * MS, 10 * MS);
	timerfd_settime(fd, 0, &t, NULL);
	usleep(55000);
	v = rd(fd, "periodic read");
	printf("expirations>=3: %d\n", v >= 3);
	timerfd_gettime(fd, &t);
	printf("periodic gettime: 0 < value <= 10 ms %d, interval %lld\n",
	       ns(&t.it_value) > 0 && ns(&t.it_value) <= 10 * MS, ns(&t.it_interval));
	t = its(0, 0);
	show("disarm", timerfd_settime(fd, 0, &t, &old));
	printf("old interval %lld\n", ns(&old.it_interval));
	usleep(20000);
	rd(fd, "read disarmed");
	close(fd);

	/* blocking reads */
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	show("F_GETFD", fcntl(fd, F_GETFD));
	t = its(5 * MS, 5 * MS);
	timerfd_settime(fd, 0, &t, NULL);
	v = rd(fd, "blocking periodic read");
	printf("blocking periodic read >= 1: %d\n", v >= 1);
	struct timespec abs;
	t0 = now_ns();
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 20 * MS;
	if (abs.tv_nsec >= 1000000000L) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000L;
	}
	t.it_value = abs;
	t.it_interval.tv_sec = t.it_interval.tv_nsec = 0;
	show("settime absolute", timerfd_settime(fd, TFD_TIMER_ABSTIME, &t, NULL));
	printf("absolute read: %llu\n", (unsigned long long)rd(fd, "absolute read"));
	printf("waited >= 15 ms: %d\n", now_ns() - t0 >= 15 * MS);
	close(fd);

	/* the real-time clock, a time in the past */
	fd = timerfd_create(CLOCK_REALTIME, 0);
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_sec -= 1;
	t.it_value = abs;
	show("settime realtime past", timerfd_settime(fd, TFD_TIMER_ABSTIME, &t, NULL));
	printf("realtime read: %llu\n", (unsigned long long)rd(fd, "realtime read"));
	close(fd);

	fd = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK);
	show("boottime", fd >= 0 ? 0 : -1);
	t = its(0, 0);
	t.it_value.tv_nsec = 1000000000L;
	show("settime bad nsec", timerfd_settime(fd, 0, &t, NULL));
	show("settime bad flags", timerfd_settime(fd, 4, &t, NULL));
	show("write", write(fd, &v, sizeof(v)));
	show("read 4 bytes", read(fd, &v, 4));
	close(fd);
	show("create bad clock", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
	show("create bad flags", timerfd_create(CLOCK_MONOTONIC, 1));
	int efd = eventfd(0, 0);
	show("settime on an eventfd", timerfd_settime(efd, 0, &t, NULL));
	show("gettime on a bad fd", timerfd_gettime(99, &t));
	return 0;
}
