/* nproc.c: RLIMIT_NPROC: once a user has as many tasks as the limit
 * (processes, their threads, and zombies not yet reaped), fork and
 * pthread_create fail with EAGAIN; root is exempt. Runs as root (it
 * becomes an unused uid to be limited). */
#define _GNU_SOURCE
#include "abi.h"
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>

static int fds[2];

static pid_t blocked_child(void)
{
	pid_t p = fork();
	if (p == 0) {
		char c;
		close(fds[1]);
		_exit(read(fds[0], &c, 1) == 0 ? 0 : 1);
	}
	return p;
}

static void *thread_main(void *arg) { return arg; }

static void as_user(void)
{
	struct rlimit rl = { 3, 3 };
	pthread_t t;
	R(setrlimit(RLIMIT_NPROC, &rl));
	R(setresgid(54321, 54321, 54321));
	R(setresuid(54321, 54321, 54321));
	if (pipe(fds))
		_exit(3);
	int n = 0;
	for (int i = 0; i < 5; i++) {
		pid_t p = blocked_child();
		if (p < 0) {
			printf("fork %d: %s\n", i, abi_errname(errno));
			break;
		}
		n++;
	}
	printf("children: %d\n", n);
	printf("pthread_create: %s\n", abi_errname(pthread_create(&t, NULL, thread_main, NULL)));
	close(fds[1]);
	while (wait(NULL) > 0)
		;
	/* a zombie counts until it is reaped */
	if (pipe(fds))
		_exit(3);
	pid_t z = fork();
	if (z == 0)
		_exit(0);
	pid_t b = blocked_child();
	SAY(z > 0 && b > 0);
	pid_t x = fork();
	if (x == 0)
		_exit(0);
	printf("with a zombie: fork %s\n", x < 0 ? abi_errname(errno) : "ok");
	R(waitpid(z, NULL, 0) == z);
	x = fork();
	if (x == 0)
		_exit(0);
	printf("reaped: fork %s\n", x < 0 ? abi_errname(errno) : "ok");
	close(fds[1]);
	while (wait(NULL) > 0)
		;
	/* threads count too */
	struct rlimit two = { 2, 2 };
	R(setrlimit(RLIMIT_NPROC, &two));
	R(pthread_create(&t, NULL, thread_main, NULL) == 0 && pthread_join(t, NULL) == 0);
	R(setrlimit(RLIMIT_NPROC, &(struct rlimit){ 1, 1 }));
	printf("limit 1: pthread_create %s\n",
	       abi_errname(pthread_create(&t, NULL, thread_main, NULL)));
	_exit(0);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int st;
	/* root: not limited */
	pid_t p = fork();
	if (p == 0) {
		R(setrlimit(RLIMIT_NPROC, &(struct rlimit){ 1, 1 }));
		pid_t q = fork();
		if (q == 0)
			_exit(0);
		printf("root over the limit: fork %s\n", q < 0 ? abi_errname(errno) : "ok");
		waitpid(q, NULL, 0);
		_exit(0);
	}
	waitpid(p, &st, 0);
	p = fork();
	if (p == 0)
		as_user();
	waitpid(p, &st, 0);
	R(WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st));
	return 0;
}
