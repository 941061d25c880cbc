/* harden_vm.c: running out of memory. A child that takes all memory is
 * OOM-killed, and its exit's write of clear_child_tid into a page still
 * shared copy-on-write with its parent (no page left for a copy) simply
 * fails; the system still works. Not for the host: it takes all of the
 * machine's memory. */
#define _GNU_SOURCE
#include <errno.h>
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

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	oom_while_exiting();
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
