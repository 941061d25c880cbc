/* harden_proc.c MODE: pid 1 as a container's init, for
 * tests/boot/harden_proc.sh (run as htux's pid 1, or as pid 2 under
 * --init). kill: a child sends SIGKILL and SIGTERM to pid 1, which has no
 * handlers, and pid 1 sends itself SIGKILL: it goes on. handler: a child's
 * SIGTERM reaches pid 1's handler. orphans: grandchildren made with a raw
 * clone and exit signal SIGKILL or 32 are orphaned to pid 1 and end; and a
 * child of pid 1 with exit signal SIGKILL ends. zombies: orphans end while
 * the program never waits for them; it counts the zombies in /proc.
 * forward: under --init, SIGTERM sent to pid 1 reaches the program's
 * handler, then SIGUSR1 kills it. nofile: RLIMIT_NOFILE up to 1048576. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static volatile sig_atomic_t got_sig, got_pid;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_pid = si->si_pid;
}

/* Catches SIGTERM (blocked until wait_sig). */
static void catch_term(void)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTERM, &sa, NULL);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGTERM);
	sigprocmask(SIG_BLOCK, &m, NULL);
}

static void wait_sig(void)
{
	sigset_t none;
	sigemptyset(&none);
	while (!got_sig)
		sigsuspend(&none);
}

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* A child made by a raw clone with exit signal sig (a copy of the address
 * space, as fork): 0 in the child. */
static long clone_with(int sig) { return syscall(SYS_clone, (long)sig, 0L, 0L, 0L, 0L); }

/* Zombie and live processes other than the caller, from /proc. */
static void count_procs(int *zombies, int *alive)
{
	*zombies = *alive = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		int pid = atoi(e->d_name);
		if (pid <= 0 || pid == getpid())
			continue;
		char path[64], buf[256];
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		char *rp = strrchr(buf, ')');
		if (rp && rp[1] == ' ' && rp[2] == 'Z')
			++*zombies;
		else if (pid != 1) /* the built-in init is not counted */
			++*alive;
	}
	if (d)
		closedir(d);
}

/* A middle child makes n grandchildren (exit signal sig) and exits; each
 * grandchild exits once it has been orphaned. */
static void orphans(int n, int sig)
{
	pid_t mid = fork();
	if (mid == 0) {
		pid_t me = getpid();
		for (int i = 0; i < n; i++)
			if (clone_with(sig) == 0) {
				while (getppid() == me)
					nap(5);
				_exit(0);
			}
		_exit(0);
	}
	waitpid(mid, NULL, 0);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(mode, "kill")) {
		pid_t c = fork();
		if (c == 0) {
			printf("child: kill(1, SIGKILL) = %d\n", kill(1, SIGKILL));
			printf("child: kill(1, SIGTERM) = %d\n", kill(1, SIGTERM));
			printf("child: kill(1, SIGSTOP) = %d\n", kill(1, SIGSTOP));
			printf("child: kill(1, SIGRTMIN) = %d\n", kill(1, SIGRTMIN));
			_exit(0);
		}
		waitpid(c, NULL, 0);
		printf("pid %d: kill(1, SIGKILL) = %d\n", getpid(), kill(1, SIGKILL));
		printf("raise(SIGTERM) = %d\n", raise(SIGTERM));
		printf("pid 1 goes on\n");
		return 7;
	}
	if (!strcmp(mode, "handler")) {
		catch_term();
		pid_t c = fork();
		if (c == 0) {
			kill(1, SIGTERM);
			_exit(0);
		}
		wait_sig();
		printf("got signal %d from the child: %d\n", got_sig, got_pid == c);
		waitpid(c, NULL, 0);
		return 0;
	}
	if (!strcmp(mode, "orphans")) {
		orphans(2, SIGKILL);
		orphans(2, 32);
		int st, n = 0;
		while (wait(&st) > 0) /* reparented with SIGCHLD: wait sees them */
			n++;
		printf("reaped %d orphans\n", n);
		long c = clone_with(SIGKILL);
		if (c == 0)
			_exit(3);
		waitpid((pid_t)c, &st, __WALL);
		printf("child with exit signal SIGKILL: status %d\n", WEXITSTATUS(st));
		printf("pid 1 goes on\n");
		return 5;
	}
	if (!strcmp(mode, "zombies")) {
		orphans(4, SIGCHLD);
		int z, alive;
		/* until the orphans have ended and been reaped (2 s at most:
		 * without an init reaping them they stay zombies) */
		for (int i = 0; i < 200; i++) {
			count_procs(&z, &alive);
			if (!alive && !z)
				break;
			nap(10);
		}
		printf("pid %d, parent %d, zombies %d\n", getpid(), getppid(), z);
		return 3;
	}
	if (!strcmp(mode, "forward")) {
		catch_term();
		pid_t c = fork();
		if (c == 0) {
			kill(1, SIGKILL); /* the init takes no SIGKILL either */
			kill(1, SIGTERM);
			_exit(0);
		}
		wait_sig();
		printf("pid %d: signal %d from pid %d\n", getpid(), got_sig, got_pid);
		waitpid(c, NULL, 0);
		kill(1, SIGUSR1);
		for (;;)
			pause();
	}
	if (!strcmp(mode, "nofile")) {
		struct rlimit rl = { 1 << 20, 1 << 20 };
		printf("setrlimit(NOFILE, 1048576) = %d\n", setrlimit(RLIMIT_NOFILE, &rl));
		printf("dup2(0, 1048575) = %d\n", dup2(0, (1 << 20) - 1));
		printf("dup2(0, 1048576) = %d\n", dup2(0, 1 << 20));
		rl.rlim_cur = rl.rlim_max = (1 << 20) + 1;
		errno = 0;
		int r = setrlimit(RLIMIT_NOFILE, &rl);
		printf("setrlimit(NOFILE, 1048577) = %d %s\n", r, errno == EPERM ? "EPERM" : "");
		return 0;
	}
	fprintf(stderr, "usage: harden_proc kill|handler|orphans|zombies|forward|nofile\n");
	return 2;
}
