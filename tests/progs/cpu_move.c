/* cpu_move.c: six threads pin themselves to CPU 0 and spin; the main
 * thread moves every other one to CPU 1 with sched_setaffinity(tid) while
 * they wait on CPU 0's queue or run there; each prints the CPU it ended
 * on. Needs two CPUs. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
static volatile int tids[6], go;
static void *spin(void *a)
{
	long i = (long)a;
	tids[i] = syscall(SYS_gettid);
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(0, &s);
	sched_setaffinity(0, sizeof s, &s);
	while (!go)
		;
	for (volatile long k = 0; k < 20000000; k++)
		;
	return (void *)(long)sched_getcpu();
}
int main(void)
{
	pthread_t t[6];
	for (long i = 0; i < 6; i++)
		pthread_create(&t[i], 0, spin, (void *)i);
	for (int i = 0; i < 6; i++)
		while (!tids[i])
			;
	usleep(20000);
	go = 1;
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(1, &s);
	for (int i = 0; i < 6; i += 2)
		sched_setaffinity(tids[i], sizeof s, &s);
	for (int i = 0; i < 6; i++) {
		void *c;
		pthread_join(t[i], &c);
		printf("thread %d ends on cpu %ld\n", i, (long)c);
	}
	return 0;
}
