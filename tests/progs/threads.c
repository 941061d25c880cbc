/* threads.c: 64 pthreads with a mutex, a condition variable and joins;
 * every thread must make progress (ROUNDS lock rounds each: argv[1],
 * default 1000); then a 20 ms sleep. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#define N 64
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static long counter, started, progress[N], rounds = 1000;
static int go;
static void *work(void *arg)
{
	long id = (long)arg;
	pthread_mutex_lock(&m);
	started++;
	pthread_cond_broadcast(&c);
	while (!go)
		pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	for (long i = 0; i < rounds; i++) {
		pthread_mutex_lock(&m);
		counter++;
		pthread_mutex_unlock(&m);
		progress[id]++;
		if (i % 100 == 0)
			sched_yield();
	}
	return (void *)(id * 2);
}
int main(int argc, char **argv)
{
	pthread_t t[N];
	if (argc > 1)
		rounds = atol(argv[1]);
	for (long i = 0; i < N; i++)
		if (pthread_create(&t[i], 0, work, (void *)i)) {
			printf("create failed %ld\n", i);
			return 1;
		}
	pthread_mutex_lock(&m);
	while (started < N)
		pthread_cond_wait(&c, &m);
	go = 1;
	pthread_cond_broadcast(&c);
	pthread_mutex_unlock(&m);
	long sum = 0;
	for (int i = 0; i < N; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += (long)r;
	}
	int all = 1;
	for (int i = 0; i < N; i++)
		if (progress[i] != rounds)
			all = 0;
	printf("counter=%ld sum=%ld all_progressed=%d\n", counter, sum, all);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	usleep(20000);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	printf("slept>=20ms: %d\n", ms >= 20);
	return 0;
}
