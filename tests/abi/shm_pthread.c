/* shm_pthread.c: process-shared pthread objects in MAP_SHARED anonymous
 * memory between a parent and its child: a mutex (and a priority-
 * inheritance one) guarding a counter, a condition variable, and
 * semaphores (sem_init pshared=1) passing a token back and forth. */
#include "abi.h"
#include <pthread.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define ROUNDS 2000

struct shared {
	pthread_mutex_t m, pi;
	pthread_cond_t cv;
	sem_t ping, pong;
	long count, pi_count;
	int flag;
};

static void work(struct shared *s)
{
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&s->m);
		long c = s->count;
		if (i % 64 == 0)
			sched_yield();
		s->count = c + 1;
		pthread_mutex_unlock(&s->m);
		if (s->pi_count >= 0) {
			pthread_mutex_lock(&s->pi);
			c = s->pi_count;
			if (i % 64 == 0)
				sched_yield();
			s->pi_count = c + 1;
			pthread_mutex_unlock(&s->pi);
		}
	}
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct shared *s = P(
		mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pthread_mutexattr_init(&ma);
	R(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED));
	R(pthread_mutex_init(&s->m, &ma));
	R(pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT));
	R(pthread_mutex_init(&s->pi, &ma));
	pthread_condattr_init(&ca);
	R(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED));
	R(pthread_cond_init(&s->cv, &ca));
	R(sem_init(&s->ping, 1, 0));
	R(sem_init(&s->pong, 1, 0));

	/* Both increment the counters under the mutexes. */
	pid_t c = fork();
	if (c == 0) {
		alarm(30);
		work(s);
		_exit(0);
	}
	work(s);
	int st;
	waitpid(c, &st, 0);
	printf("child: %d, count %ld, pi count %ld\n", st, s->count, s->pi_count);

	/* The child waits on the condition variable for the flag. */
	c = fork();
	if (c == 0) {
		alarm(30);
		pthread_mutex_lock(&s->m);
		while (!s->flag)
			pthread_cond_wait(&s->cv, &s->m);
		s->flag = 2;
		pthread_mutex_unlock(&s->m);
		_exit(0);
	}
	usleep(100000);
	pthread_mutex_lock(&s->m);
	s->flag = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->m);
	waitpid(c, &st, 0);
	printf("condvar: child %d, flag %d\n", st, s->flag);

	/* Semaphores: 200 round trips. */
	c = fork();
	if (c == 0) {
		alarm(30);
		for (int i = 0; i < 200; i++) {
			sem_wait(&s->ping);
			sem_post(&s->pong);
		}
		_exit(0);
	}
	int trips = 0;
	for (int i = 0; i < 200; i++) {
		sem_post(&s->ping);
		if (sem_wait(&s->pong) == 0)
			trips++;
	}
	waitpid(c, &st, 0);
	int v = -1;
	sem_getvalue(&s->ping, &v);
	printf("semaphores: child %d, %d trips, value %d\n", st, trips, v);
	return 0;
}
