/* poll_herd.c: a thread asleep in poll, ppoll, select or pselect is woken
 * only by the objects it waits for. Eight threads wait on pipes of their
 * own (four of them also on 40 more descriptors) while two others play
 * ping-pong over another pair of pipes, 40,000 bytes; then each idle pipe
 * gets a byte. Each idle waiter counts its voluntary context switches
 * during its call (getrusage RUSAGE_THREAD's ru_nvcsw): it sleeps once
 * when only its own pipes wake it, thousands of times when every
 * notification in the system does. */
#include "abi.h"
#include <poll.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <time.h>

#define IDLE 8
#define MANY 20 /* pipes of the last idle thread: 40 descriptors */
#define ROUNDS 20000
#define MAX_SLEEPS 10

static int idle_pipe[IDLE][2];
static int many[MANY][2];
static int ping[2], pong[2];
static int started;
static long long spent[IDLE];
static long sleeps[IDLE];
static int result[IDLE];

static long long cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Waits for idle_pipe[i][0] with one of the four calls (i % 4), the last
 * four threads also for the pipes of many[] (41 descriptors: a table
 * too big for the stack): returns 1 when it alone became readable. */
static int wait_one(int i)
{
	int fd = idle_pipe[i][0], big = i >= 4;
	struct timespec ts = { 60, 0 };
	if (i % 2 == 0) {
		struct pollfd p[2 * MANY + 1];
		int n = 1;
		p[0] = (struct pollfd){ fd, POLLIN, 0 };
		for (int k = 0; big && k < MANY; k++) {
			p[n++] = (struct pollfd){ many[k][0], POLLIN, 0 };
			p[n++] = (struct pollfd){ many[k][1], 0, 0 };
		}
		int r = i % 4 == 0 ? poll(p, n, 60000) : ppoll(p, n, &ts, NULL);
		return r == 1 && p[0].revents == POLLIN;
	}
	fd_set in;
	FD_ZERO(&in);
	FD_SET(fd, &in);
	int max = fd;
	for (int k = 0; big && k < MANY; k++) {
		FD_SET(many[k][0], &in);
		if (many[k][0] > max)
			max = many[k][0];
	}
	struct timeval tv = { 60, 0 };
	int r = i % 4 == 1 ? select(max + 1, &in, NULL, NULL, &tv)
			   : pselect(max + 1, &in, NULL, NULL, &ts, NULL);
	return r == 1 && FD_ISSET(fd, &in);
}

static void *idle(void *arg)
{
	int i = (int)(long)arg;
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	struct rusage r0, r1;
	getrusage(RUSAGE_THREAD, &r0);
	long long t0 = cpu_ns();
	result[i] = wait_one(i);
	spent[i] = cpu_ns() - t0;
	getrusage(RUSAGE_THREAD, &r1);
	sleeps[i] = r1.ru_nvcsw - r0.ru_nvcsw;
	return NULL;
}

static void *ponger(void *arg)
{
	(void)arg;
	char c;
	for (int n = 0; n < ROUNDS; n++) {
		struct pollfd p = { ping[0], POLLIN, 0 };
		if (poll(&p, 1, 10000) != 1 || read(ping[0], &c, 1) != 1 ||
		    write(pong[1], &c, 1) != 1)
			return (void *)1;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	for (int i = 0; i < IDLE; i++)
		if (pipe(idle_pipe[i]))
			return 1;
	for (int k = 0; k < MANY; k++)
		if (pipe(many[k]))
			return 1;
	if (pipe(ping) || pipe(pong))
		return 1;
	pthread_t t[IDLE], pt;
	for (int i = 0; i < IDLE; i++)
		pthread_create(&t[i], NULL, idle, (void *)(long)i);
	while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < IDLE)
		usleep(1000);
	usleep(100000); /* all asleep in their calls */

	pthread_create(&pt, NULL, ponger, NULL);
	int ok = 1;
	char c = 'x';
	for (int n = 0; n < ROUNDS && ok; n++) {
		struct pollfd p = { pong[0], POLLIN, 0 };
		ok = write(ping[1], &c, 1) == 1 && poll(&p, 1, 10000) == 1 &&
		     read(pong[0], &c, 1) == 1;
	}
	void *pr;
	pthread_join(pt, &pr);
	printf("ping-pong of %d bytes done: %s\n", 2 * ROUNDS, ok && !pr ? "yes" : "no");

	for (int i = 0; i < IDLE; i++)
		if (write(idle_pipe[i][1], "w", 1) != 1)
			return 1;
	int all = 1, slept = 1;
	long long worst = 0;
	long most = 0;
	for (int i = 0; i < IDLE; i++) {
		pthread_join(t[i], NULL);
		all &= result[i];
		slept &= sleeps[i] >= 1;
		if (spent[i] > worst)
			worst = spent[i];
		if (sleeps[i] > most)
			most = sleeps[i];
	}
	printf("idle waiters woke for their own pipe: %s\n", all ? "yes" : "no");
	printf("idle waiters slept (ru_nvcsw counted): %s\n", slept ? "yes" : "no");
	printf("idle waiters slept at most %d times: %s\n", MAX_SLEEPS,
	       most <= MAX_SLEEPS ? "yes" : "no");
	if (getenv("HERD_SHOW") || most > MAX_SLEEPS)
		fprintf(stderr, "worst idle waiter: %ld sleeps, %lld us of CPU\n", most,
			worst / 1000);
	return 0;
}
