/* nmi_wait.c: for tests/boot/nmi.sh. A thread blocks reading a pipe; the
 * main thread prints "ready", computes for SECONDS (argument, default 3)
 * in user mode (the clock read through the vDSO), then writes to the pipe,
 * joins the thread and prints "done" and what the thread read. An NMI
 * sent meanwhile must leave it running and print the kernel's report. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int fds[2];

static void *reader(void *arg)
{
	static char buf[16];
	ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
	(void)arg;
	if (n > 0)
		buf[n] = 0;
	return n > 0 ? buf : NULL;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3;
	struct timespec t0, t;
	pthread_t th;
	void *got;
	volatile unsigned long spins = 0;

	if (pipe(fds) || pthread_create(&th, NULL, reader, NULL))
		return 1;
	printf("ready\n");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		spins++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	if (write(fds[1], "go", 2) != 2 || pthread_join(th, &got) || !got)
		return 2;
	printf("done: %s\n", (char *)got);
	return 0;
}
