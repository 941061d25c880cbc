/* signal_threads.c: signals and threads: sigwait in a thread takes a
 * process signal every thread blocks, pthread_kill runs the handler in the
 * target thread, and a process signal goes to the one thread that does not
 * block it. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile pid_t handler_tid;
static volatile pid_t worker_tid;

static pid_t tid(void) { return (pid_t)syscall(SYS_gettid); }

static void on_usr2(int sig)
{
	(void)sig;
	handler_tid = tid();
}

static void *waiter(void *arg)
{
	sigset_t set;
	int sig = 0;
	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigwait(&set, &sig);
	printf("sigwait in a thread: %d\n", sig);
	return NULL;
}

static void *suspender(void *arg)
{
	sigset_t none;
	(void)arg;
	worker_tid = tid();
	sigemptyset(&none);
	sigsuspend(&none); /* returns once the handler ran here */
	return NULL;
}

int main(void)
{
	pthread_t t;
	sigset_t set;
	setvbuf(stdout, NULL, _IONBF, 0);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by the threads */
	signal(SIGUSR2, on_usr2);

	pthread_create(&t, NULL, waiter, NULL);
	kill(getpid(), SIGUSR1);
	pthread_join(t, NULL);

	/* pthread_kill: the handler runs in that thread. */
	worker_tid = 0;
	pthread_create(&t, NULL, suspender, NULL);
	while (!worker_tid)
		sched_yield();
	pthread_kill(t, SIGUSR2);
	pthread_join(t, NULL);
	printf("pthread_kill: handler ran in the target thread: %d\n", handler_tid == worker_tid);

	/* kill: the only thread not blocking SIGUSR2 takes it. */
	handler_tid = 0;
	worker_tid = 0;
	pthread_create(&t, NULL, suspender, NULL);
	while (!worker_tid)
		sched_yield();
	kill(getpid(), SIGUSR2);
	pthread_join(t, NULL);
	printf("kill: handler ran in the unblocking thread: %d (main: %d)\n",
	       handler_tid == worker_tid, handler_tid == tid());
	return 0;
}
