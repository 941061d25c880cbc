/* fork_wait.c: fork and wait: exit codes and killing signals as wait
 * status, WNOHANG before the child ends, waitid (WNOWAIT too), the copy
 * of memory, pipes between parent and child, getppid, a SIGCHLD handler,
 * SIGCHLD ignored (children reaped at once), kill of a child, and
 * process groups. */
#include "abi.h"
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

static void status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by %d\n", what, WTERMSIG(st));
	else
		printf("%s: status %#x\n", what, st);
}

static pid_t child_exit(int code)
{
	pid_t p = fork();
	if (p == 0)
		_exit(code);
	return p;
}

static volatile sig_atomic_t got_chld, chld_code, chld_status;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	got_chld++;
	chld_code = si->si_code;
	chld_status = si->si_status;
}

static int block_fd;

static void *blocker(void *arg)
{
	char c;
	(void)arg;
	read(block_fd, &c, 1); /* never returns: nobody writes */
	return NULL;
}

int main(int argc, char **argv)
{
	int st, fds[2], back[2];
	abi_init(argc, argv);

	/* Exit codes, in order of the pids asked for. */
	int codes[] = { 0, 1, 42, 255, 256 + 7 };
	for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		pid_t p = child_exit(codes[i]);
		pid_t w = waitpid(p, &st, 0);
		SAY(w == p);
		status("exit", st);
	}

	/* Killed by signals (none of them dumps core). */
	int sigs[] = { SIGTERM, SIGKILL, SIGUSR1, SIGALRM };
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pid_t p = fork();
		if (p == 0) {
			raise(sigs[i]);
			_exit(99);
		}
		SAY(wait(&st) == p);
		status("signal", st);
	}

	/* Memory is copied: the child's writes stay its own. */
	static int shared = 5;
	pid_t p = fork();
	if (p == 0) {
		shared = 6;
		_exit(shared);
	}
	waitpid(p, &st, 0);
	status("child wrote 6", st);
	printf("parent still has %d\n", shared);

	/* Both write after fork (copy-on-write each way), the kernel writes
	 * into a page the child shares with its parent (read), and a
	 * MAP_SHARED page is one page for both. */
	static char page[8192] = "parent data";
	int *counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*counter = 1;
	*priv = 1;
	R(pipe(fds));
	p = fork();
	if (p == 0) {
		char got[32] = { 0 };
		read(fds[0], page, 11); /* the kernel writes the child's copy */
		memcpy(got, page, 11);
		*counter += 10;
		*priv += 10;
		_exit(strcmp(got, "child bytes") == 0 ? *priv : 99);
	}
	page[0] = 'P'; /* the parent's own copy */
	R(write(fds[1], "child bytes", 11));
	waitpid(p, &st, 0);
	status("cow child", st);
	printf("parent page \"%.11s\", shared %d, private %d\n", page, *counter, *priv);
	close(fds[0]);
	close(fds[1]);
	munmap(counter, 4096);
	munmap(priv, 4096);

	/* getppid, and WNOHANG while the child waits on a pipe. */
	R(pipe(fds));
	R(pipe(back));
	pid_t me = getpid();
	p = fork();
	if (p == 0) {
		char buf[64];
		close(fds[1]);
		close(back[0]);
		int same = getppid() == me;
		ssize_t n = read(fds[0], buf, sizeof(buf));
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] -= 32;
		write(back[1], buf, n);
		/* EOF once the parent closes its end */
		n = read(fds[0], buf, sizeof(buf));
		_exit(same * 10 + (int)n);
	}
	close(fds[0]);
	close(back[1]);
	R(waitpid(p, &st, WNOHANG));
	R(write(fds[1], "hello child", 11));
	char buf[64] = { 0 };
	R(read(back[0], buf, sizeof(buf)));
	printf("child answered %s\n", buf);
	close(fds[1]);
	R(read(back[0], buf, sizeof(buf))); /* EOF: the child's end closed at exit */
	SAY(waitpid(p, &st, 0) == p);
	status("pipe child", st);
	close(back[0]);

	/* No such child, and nothing left. */
	R(waitpid(me, &st, 0));
	R(wait(&st));

	/* waitid: WNOWAIT leaves the zombie for the next wait. */
	siginfo_t si;
	p = child_exit(3);
	memset(&si, 0, sizeof(si));
	R(waitid(P_PID, p, &si, WEXITED | WNOWAIT));
	SAY(si.si_pid == p);
	printf("waitid: signo %d code %d status %d\n", si.si_signo, si.si_code, si.si_status);
	memset(&si, 0, sizeof(si));
	R(waitid(P_ALL, 0, &si, WEXITED));
	SAY(si.si_pid == p);
	printf("waitid: code %d status %d\n", si.si_code, si.si_status);
	R(waitid(P_ALL, 0, &si, WEXITED | WNOHANG));

	/* kill of a child that waits for a signal. */
	p = fork();
	if (p == 0) {
		pause();
		_exit(1);
	}
	R(kill(p, 0));
	R(kill(p, SIGTERM));
	SAY(waitpid(p, &st, 0) == p);
	status("killed child", st);
	R(kill(p, 0));

	/* A SIGCHLD handler learns how the child ended. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	p = child_exit(9);
	while (!got_chld)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("SIGCHLD: %d, code %d, status %d\n", got_chld, chld_code, chld_status);
	SAY(waitpid(p, &st, 0) == p);
	status("handler child", st);

	/* Process groups: the child makes its own; kill(-pgid) reaches it. */
	signal(SIGCHLD, SIG_DFL);
	R(pipe(fds));
	p = fork();
	if (p == 0) {
		setpgid(0, 0);
		close(fds[0]);
		write(fds[1], "x", 1);
		for (;;)
			pause();
	}
	close(fds[1]);
	R(read(fds[0], buf, 1));
	close(fds[0]);
	SAY(getpgid(p) == p);
	SAY(getpgid(0) == getpgrp());
	SAY(getsid(p) == getsid(0));
	R(kill(-p, SIGUSR2));
	SAY(waitpid(-p, &st, 0) == p);
	status("group child", st);
	R(kill(-p, SIGUSR2));

	/* A child with a second thread blocked in read: exit ends both. */
	R(pipe(fds));
	p = fork();
	if (p == 0) {
		pthread_t th;
		block_fd = fds[0];
		pthread_create(&th, NULL, blocker, NULL);
		usleep(20000);
		exit(6);
	}
	SAY(waitpid(p, &st, 0) == p);
	status("threaded child", st);
	close(fds[0]);
	close(fds[1]);

	/* SIGCHLD ignored: children are reaped at once, wait finds none. */
	signal(SIGCHLD, SIG_IGN);
	p = child_exit(4);
	R(wait(&st));
	signal(SIGCHLD, SIG_DFL);
	return 0;
}
