/* harden_vm.c: running out of tasks and of memory. "floods": a fork bomb
 * and a thread flood end with fork and pthread_create failing (EAGAIN at
 * threads-max, or ENOMEM), never with pid 1 killed. Otherwise: a child
 * that takes all memory is OOM-killed, and its exit's write of
 * clear_child_tid into a page still shared copy-on-write with its parent
 * (no page left for a copy) simply fails; then a fork bomb. Everything is
 * reaped and the system still works. Not for the host: it takes all of
 * the machine's memory. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define MAXN 100000

static const char *name(int e)
{
	return e == EAGAIN ? "EAGAIN" : e == ENOMEM ? "ENOMEM" : strerror(e);
}

/* A page of its own, present before the fork and written by nobody
 * after it: the child's clear_child_tid. */
static int ctid_page[1024] __attribute__((aligned(4096)));

static void oom_while_exiting(void)
{
	ctid_page[0] = 1;
	pid_t p = syscall(SYS_clone, CLONE_CHILD_CLEARTID | SIGCHLD, 0, NULL, &ctid_page[0], 0);
	if (p == 0) {
		for (;;) {
			char *m = mmap(0, 1 << 20, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m == MAP_FAILED)
				syscall(SYS_exit, 3);
			memset(m, 1, 1 << 20);
		}
	}
	int st = 0;
	if (p < 0 || waitpid(p, &st, 0) != p) {
		printf("oom child: clone or wait failed: %s\n", strerror(errno));
		return;
	}
	printf("oom child: %s %d, parent's word %d\n", WIFSIGNALED(st) ? "killed by" : "exited",
	       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), ctid_page[0]);
}

static void fork_bomb(void)
{
	int fds[2], n = 0, err = 0, reaped = 0, bad = 0, st;
	if (pipe(fds)) {
		printf("fork bomb: pipe: %s\n", strerror(errno));
		return;
	}
	while (n < MAXN) {
		pid_t p = fork();
		if (p == 0) {
			char c;
			close(fds[1]);
			_exit(read(fds[0], &c, 1) == 0 ? 0 : 1); /* until the parent lets go */
		}
		if (p < 0) {
			err = errno;
			break;
		}
		n++;
	}
	close(fds[1]);
	close(fds[0]);
	while (wait(&st) > 0) {
		reaped++;
		bad += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	printf("fork bomb: fork failed with %s; all reaped: %s\n", name(err),
	       reaped == n && bad == 0 && errno == ECHILD ? "yes" : "no");
	fprintf(stderr, "fork bomb: %d children, %d reaped, %d bad\n", n, reaped, bad);
}

static int tfds[2];
static pthread_t ts[MAXN];

static void *blocker(void *arg)
{
	char c;
	(void)arg;
	return read(tfds[0], &c, 1) == 0 ? NULL : (void *)1;
}

static void thread_flood(void)
{
	pthread_attr_t a;
	int n = 0, err = 0, joined = 0;
	if (pipe(tfds)) {
		printf("thread flood: pipe: %s\n", strerror(errno));
		return;
	}
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 << 10);
	while (n < MAXN && !(err = pthread_create(&ts[n], &a, blocker, NULL)))
		n++;
	close(tfds[1]);
	for (int i = 0; i < n; i++) {
		void *r;
		joined += pthread_join(ts[i], &r) == 0 && r == NULL;
	}
	printf("thread flood: pthread_create failed with %s; all joined: %s\n", name(err),
	       joined == n ? "yes" : "no");
	fprintf(stderr, "thread flood: %d threads, %d joined\n", n, joined);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "floods")) {
		char buf[32] = "";
		FILE *f = fopen("/proc/sys/kernel/threads-max", "r");
		int max = f && fgets(buf, sizeof(buf), f) ? atoi(buf) : 0;
		if (f)
			fclose(f);
		fprintf(stderr, "threads-max %d\n", max);
		printf("threads-max readable: %s\n", max >= 20 ? "yes" : "no");
		fork_bomb();
		thread_flood();
	} else {
		oom_while_exiting();
		fork_bomb();
	}
	/* still working: a child, a sleep */
	int st = -1;
	pid_t p = fork();
	if (p == 0)
		_exit(5);
	waitpid(p, &st, 0);
	nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	printf("afterwards: child exited %d\n", WEXITSTATUS(st));
	return 0;
}
