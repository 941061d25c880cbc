/* signal_timer.c: alarm + pause, a periodic setitimer counted with
 * sigsuspend, getitimer, and POSIX timers (SIGEV_SIGNAL with a value,
 * timer_gettime, disarming, SIGEV_NONE, SIGEV_THREAD_ID). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms, ticks, timer_hits, timer_value, timer_code;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}
static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}
static void on_timer(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	timer_hits++;
	timer_value = si->si_value.sival_int;
	timer_code = si->si_code;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGALRM, on_alarm);
	printf("alarm(0) = %u\n", alarm(0));
	alarm(5);
	printf("alarm(1) after alarm(5) = %u\n", alarm(1));
	int r = pause();
	printf("pause: %d %s, alarms %d\n", r, errno == EINTR ? "EINTR" : "?", (int)alarms);

	/* A periodic timer: 3 ticks, each waited for with sigsuspend. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tick;
	sigaction(SIGALRM, &sa, NULL);
	sigset_t block, old, none;
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, cur;
	setitimer(ITIMER_REAL, &it, NULL);
	getitimer(ITIMER_REAL, &cur);
	printf("getitimer: interval %ld.%06ld armed %d\n", (long)cur.it_interval.tv_sec,
	       (long)cur.it_interval.tv_usec, cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0);
	sigemptyset(&none);
	while (ticks < 3) {
		r = sigsuspend(&none);
		printf("sigsuspend: %d %s ticks %d\n", r, errno == EINTR ? "EINTR" : "?",
		       (int)ticks);
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, &cur);
	getitimer(ITIMER_REAL, &cur);
	printf("disarmed: %ld %ld\n", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
	sigprocmask(SIG_SETMASK, &old, NULL);

	/* POSIX timer: SIGRTMIN with a value, one shot after 30 ms. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_timer;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGRTMIN, &sa, NULL);
	struct sigevent sev;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGRTMIN;
	sev.sigev_value.sival_int = 1234;
	timer_t t;
	if (timer_create(CLOCK_MONOTONIC, &sev, &t) != 0)
		perror("timer_create");
	struct itimerspec its = { { 0, 0 }, { 0, 30 * 1000 * 1000 } }, got;
	timer_settime(t, 0, &its, NULL);
	timer_gettime(t, &got);
	printf("timer armed: %d\n", got.it_value.tv_sec == 0 && got.it_value.tv_nsec > 0);
	while (!timer_hits)
		pause();
	printf("timer: hits %d value %d code %d overrun %d\n", (int)timer_hits, (int)timer_value,
	       (int)timer_code, timer_getoverrun(t));
	timer_gettime(t, &got);
	printf("after expiry: %ld %ld\n", (long)got.it_value.tv_sec, got.it_value.tv_nsec);

	/* Periodic, absolute start on CLOCK_REALTIME, then deleted. */
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	its.it_interval.tv_nsec = 10 * 1000 * 1000;
	its.it_value = now;
	its.it_value.tv_nsec += 10 * 1000 * 1000;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000;
	}
	timer_hits = 0;
	timer_settime(t, TIMER_ABSTIME, &its, NULL);
	while (timer_hits < 3)
		pause();
	printf("periodic: at least 3 hits\n");
	timer_delete(t);
	r = timer_settime(t, 0, &its, NULL);
	printf("deleted: settime %d %s\n", r, errno == EINVAL ? "EINVAL" : "?");

	/* SIGEV_NONE: nothing is sent, the time still runs down. */
	sev.sigev_notify = SIGEV_NONE;
	timer_create(CLOCK_REALTIME, &sev, &t);
	its.it_interval.tv_nsec = 0;
	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 5 * 1000 * 1000;
	timer_hits = 0;
	timer_settime(t, 0, &its, NULL);
	struct timespec nap = { 0, 30 * 1000 * 1000 };
	nanosleep(&nap, NULL);
	timer_gettime(t, &got);
	printf("SIGEV_NONE: hits %d left %ld\n", (int)timer_hits, got.it_value.tv_nsec);
	timer_delete(t);

	/* SIGEV_THREAD_ID to this thread. */
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGRTMIN;
	sev.sigev_value.sival_int = 77;
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif
	sev.sigev_notify_thread_id = (int)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &t) != 0)
		perror("timer_create thread");
	its.it_value.tv_nsec = 10 * 1000 * 1000;
	timer_settime(t, 0, &its, NULL);
	while (!timer_hits)
		pause();
	printf("SIGEV_THREAD_ID: value %d\n", (int)timer_value);
	return 0;
}
