/* threads.c: pthreads over clone and futexes: thread ids, a mutex and a
 * condition variable, thread-local storage, join values, detached
 * threads, and gettid/getpid. */
#include "abi.h"
#include <pthread.h>
#include <sys/syscall.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int counter, turn;
static __thread int tls = 5;
static pid_t tids[4];
static char lines[4][80]; /* printed by main: output order is fixed */

static void *work(void *arg)
{
	long id = (long)arg;
	tids[id] = (pid_t)syscall(SYS_gettid);
	tls += (int)id;
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_lock(&mu);
	while (turn != id)
		pthread_cond_wait(&cv, &mu);
	snprintf(lines[id], sizeof(lines[id]), "thread %ld: tls %d tid_differs %d", id, tls,
		 tids[id] != getpid());
	turn++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return (void *)(id * 10);
}

static void *detached(void *arg)
{
	pthread_mutex_lock(&mu);
	turn = 100;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return NULL;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	pthread_t t[4];
	int cr[4];
	for (long i = 0; i < 4; i++)
		cr[i] = pthread_create(&t[i], NULL, work, (void *)i);
	for (int i = 0; i < 4; i++) {
		void *rv;
		int j = pthread_join(t[i], &rv);
		printf("create %d join %d -> %ld; %s\n", cr[i], j, (long)rv, lines[i]);
	}
	printf("counter %d main tls %d\n", counter, tls);
	printf("distinct tids %d\n",
	       tids[0] != tids[1] && tids[1] != tids[2] && tids[2] != tids[3]);
	SAY(syscall(SYS_gettid) == getpid());
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_t d;
	turn = 0;
	R(pthread_create(&d, &a, detached, NULL));
	pthread_mutex_lock(&mu);
	while (turn != 100)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	printf("detached ran\n");
	R(pthread_mutex_trylock(&mu));
	R(pthread_mutex_trylock(&mu));
	R(pthread_mutex_unlock(&mu));
	return 0;
}
