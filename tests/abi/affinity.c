/* affinity.c: sched_setaffinity takes a mask that includes CPU 0 (every
 * machine has it); getaffinity then reports just CPU 0, for the caller
 * and for any thread id (another thread of this process, a child
 * process), so pthread_getattr_np works in every thread; the errors. */
#include "abi.h"
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int state; /* 1: the thread has its tid; 2: main has looked */
static long thread_tid;

static void *thread(void *arg)
{
	(void)arg;
	pthread_attr_t a;
	void *stack;
	size_t size;
	int e = pthread_getattr_np(pthread_self(), &a);
	printf("thread: pthread_getattr_np = %d\n", e);
	if (!e) {
		pthread_attr_getstack(&a, &stack, &size);
		printf("thread: stack size > 0: %d\n", size > 0);
		pthread_attr_destroy(&a);
	}
	cpu_set_t s;
	CPU_ZERO(&s);
	R(sched_getaffinity(0, sizeof(s), &s));
	printf("thread: count %d cpu0 %d\n", CPU_COUNT(&s), CPU_ISSET(0, &s));
	pthread_mutex_lock(&lock);
	thread_tid = syscall(SYS_gettid);
	state = 1;
	pthread_cond_broadcast(&cond);
	while (state != 2)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(0, &s);
	R(sched_setaffinity(0, sizeof(s), &s));
	CPU_ZERO(&s);
	R(sched_getaffinity(0, sizeof(s), &s));
	printf("count %d cpu0 %d\n", CPU_COUNT(&s), CPU_ISSET(0, &s));
	R(sched_setaffinity(getpid(), sizeof(s), &s));
	R(sched_setaffinity(syscall(SYS_gettid), sizeof(s), &s));
	unsigned long one = 1;
	R(syscall(SYS_sched_setaffinity, 0, 4, &one));
	R(syscall(SYS_sched_setaffinity, 0, 8, &one));
	CPU_ZERO(&s);
	R(sched_setaffinity(0, sizeof(s), &s));
	R(syscall(SYS_sched_setaffinity, 0, 0, &one));
	R(syscall(SYS_sched_setaffinity, 0, 8, NULL));
	R(syscall(SYS_sched_setaffinity, -1, 8, &one));
	R(syscall(SYS_sched_setaffinity, 999999, 8, &one));

	/* Another thread: its own view, and ours of it by its tid. */
	pthread_t t;
	if (pthread_create(&t, NULL, thread, NULL))
		return 1;
	pthread_mutex_lock(&lock);
	while (state != 1)
		pthread_cond_wait(&cond, &lock);
	CPU_ZERO(&s);
	printf("getaffinity(thread) > 0: %d\n", sched_getaffinity(thread_tid, sizeof(s), &s) == 0);
	printf("thread mask: count %d cpu0 %d\n", CPU_COUNT(&s), CPU_ISSET(0, &s));
	R(sched_setaffinity(thread_tid, sizeof(s), &s));
	state = 2;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	pthread_join(t, NULL);

	/* A child process, by its pid; it inherited the mask. */
	int pfd[2];
	if (pipe(pfd))
		return 1;
	pid_t c = fork();
	if (c == 0) {
		char b;
		read(pfd[0], &b, 1);
		_exit(0);
	}
	CPU_ZERO(&s);
	R(sched_getaffinity(c, sizeof(s), &s));
	printf("child mask: count %d cpu0 %d\n", CPU_COUNT(&s), CPU_ISSET(0, &s));
	write(pfd[1], "x", 1);
	waitpid(c, NULL, 0);

	/* Raw call: the result is the kernel's mask size (> 0); errors. */
	unsigned long big[16];
	printf("raw getaffinity > 0: %d\n",
	       syscall(SYS_sched_getaffinity, 0, sizeof(big), big) > 0);
	R(syscall(SYS_sched_getaffinity, 0, 4, big));
	R(syscall(SYS_sched_getaffinity, 0, 12, big));
	R(syscall(SYS_sched_getaffinity, 0, sizeof(big), NULL));
	R(syscall(SYS_sched_getaffinity, -1, sizeof(big), big));
	R(syscall(SYS_sched_getaffinity, 999999, sizeof(big), big));
	return 0;
}
