/* pthread_exit.c: a thread and then main end with pthread_exit, which
   makes glibc dlopen libgcc_s.so.1 to unwind the thread's stack. */
#include <pthread.h>
#include <stdio.h>

static void *run(void *arg)
{
	(void)arg;
	pthread_exit((void *)42);
	return NULL;
}

int main(void)
{
	pthread_t t;
	void *v;

	if (pthread_create(&t, NULL, run, NULL) || pthread_join(t, &v))
		return 2;
	printf("thread exited with %ld\n", (long)v);
	fflush(stdout);
	pthread_exit(NULL);
}
