/* spin.c: CPU-bound threads that never yield: only preemption lets the
 * main thread see them all start. */
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#define N 8
static atomic_int ready, stop;
static void *spin(void *a)
{
	(void)a;
	atomic_fetch_add(&ready, 1);
	while (!atomic_load(&stop))
		;
	return 0;
}
int main(void)
{
	pthread_t t[N];
	for (int i = 0; i < N; i++)
		pthread_create(&t[i], 0, spin, 0);
	while (atomic_load(&ready) < N)
		; /* only preemption lets the others run */
	atomic_store(&stop, 1);
	for (int i = 0; i < N; i++)
		pthread_join(t[i], 0);
	printf("all %d spinning threads ran\n", N);
	return 0;
}
