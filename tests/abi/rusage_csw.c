/* rusage_csw.c: getrusage's and wait4's context-switch counts: a thread
 * that sleeps 5 times counts at least 5 voluntary switches (ru_nvcsw)
 * for itself (RUSAGE_THREAD), its process (RUSAGE_SELF, also after the
 * thread ended) and, once a child that did the same is reaped, for its
 * children (RUSAGE_CHILDREN and wait4's rusage); a thread that only
 * computes counts none. */
#include "abi.h"
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>

static void nap5(void)
{
	for (int i = 0; i < 5; i++) {
		struct timespec ts = { 0, 2000000 };
		nanosleep(&ts, NULL);
	}
}

static long nv(int who)
{
	struct rusage r;
	if (getrusage(who, &r))
		return -1;
	return r.ru_nvcsw;
}

static long thread_delta;

static void *sleeper(void *arg)
{
	(void)arg;
	long before = nv(RUSAGE_THREAD);
	nap5();
	thread_delta = nv(RUSAGE_THREAD) - before;
	return NULL;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	long self0 = nv(RUSAGE_SELF);
	long t0 = nv(RUSAGE_THREAD);
	volatile unsigned long x = 0;
	for (unsigned long i = 0; i < 1000000; i++)
		x += i;
	printf("computing: no voluntary switch: %s\n", nv(RUSAGE_THREAD) == t0 ? "yes" : "no");
	nap5();
	long d = nv(RUSAGE_THREAD) - t0;
	printf("5 sleeps: 5 to 20 voluntary switches (thread): %s\n",
	       d >= 5 && d <= 20 ? "yes" : "no");
	pthread_t t;
	pthread_create(&t, NULL, sleeper, NULL);
	pthread_join(t, NULL);
	printf("another thread's 5 sleeps: its own count: %s\n",
	       thread_delta >= 5 && thread_delta <= 20 ? "yes" : "no");
	printf("the process counts both, the ended thread too: %s\n",
	       nv(RUSAGE_SELF) - self0 >= 10 ? "yes" : "no");
	long c0 = nv(RUSAGE_CHILDREN);
	printf("no child reaped yet: %ld\n", c0);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		nap5();
		_exit(0);
	}
	struct rusage ru;
	int st;
	R(wait4(pid, &st, 0, &ru) == pid);
	printf("wait4's rusage: at least 5: %s\n", ru.ru_nvcsw >= 5 ? "yes" : "no");
	printf("RUSAGE_CHILDREN: at least 5: %s\n", nv(RUSAGE_CHILDREN) >= 5 ? "yes" : "no");
	R(getrusage(99, &ru));
	return 0;
}
