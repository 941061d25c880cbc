/* itimer.c: alarm, setitimer/getitimer and POSIX timers: values read
 * back, expiry delivered as a signal (taken with sigwaitinfo), disarming,
 * and the errors. */
#include "abi.h"
#include <signal.h>
#include <sys/time.h>
#include <time.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGALRM);
	sigaddset(&m, SIGUSR1);
	sigprocmask(SIG_BLOCK, &m, NULL);
	R(alarm(100));
	R(alarm(50));
	R(alarm(0));
	struct itimerval v, old;
	R(getitimer(ITIMER_REAL, &v));
	printf("disarmed %ld %ld\n", (long)v.it_value.tv_sec, (long)v.it_value.tv_usec);
	v.it_interval.tv_sec = 0;
	v.it_interval.tv_usec = 0;
	v.it_value.tv_sec = 0;
	v.it_value.tv_usec = 20000;
	R(setitimer(ITIMER_REAL, &v, &old));
	R(getitimer(ITIMER_REAL, &v));
	SAY(v.it_value.tv_usec > 0 && v.it_value.tv_usec <= 20000);
	siginfo_t si;
	R(sigwaitinfo(&m, &si));
	printf("signo %d code %d\n", si.si_signo, si.si_code);
	R(getitimer(ITIMER_REAL, &v));
	printf("after %ld %ld\n", (long)v.it_value.tv_sec, (long)v.it_value.tv_usec);
	/* a POSIX timer with a value */
	struct sigevent sev;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	sev.sigev_value.sival_int = 77;
	timer_t t;
	R(timer_create(CLOCK_MONOTONIC, &sev, &t));
	struct itimerspec its = { { 0, 0 }, { 0, 10 * 1000000 } }, cur;
	R(timer_settime(t, 0, &its, NULL));
	R(sigwaitinfo(&m, &si));
	printf("signo %d code %d value %d\n", si.si_signo, si.si_code, si.si_value.sival_int);
	R(timer_getoverrun(t));
	R(timer_gettime(t, &cur));
	printf("after %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
	R(timer_delete(t));
	R(timer_delete(t));
	/* errors */
	R(setitimer(5, &v, NULL));
	R(getitimer(5, &v));
	v.it_value.tv_usec = 2000000;
	R(setitimer(ITIMER_REAL, &v, NULL));
	R(timer_create(12345, &sev, &t));
	sev.sigev_signo = 99;
	R(timer_create(CLOCK_MONOTONIC, &sev, &t));
	return 0;
}
