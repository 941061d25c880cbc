/* sysrw_calls.c: system calls made through "mov $N,%eax; syscall" sites
   of its own (inline assembly, whatever the libc's wrappers look like), so
   that htux --rewrite-syscalls rewrites them (tests/boot/sysrw.sh):
   getpid and write, a read interrupted by a signal with SA_RESTART (it
   goes on) and without (EINTR), the handler's own write through a site,
   fork (the child's sites inherited) and execve of itself (rewritten
   afresh). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SITE(nr, a, b, c) \
	({ \
		long r_; \
		__asm__ volatile("mov $" #nr ", %%eax\n\tsyscall" \
				 : "=a"(r_) \
				 : "D"((long)(a)), "S"((long)(b)), "d"((long)(c)) \
				 : "rcx", "r11", "memory"); \
		r_; \
	})

static void say(const char *s) { SITE(1, 1, s, strlen(s)); }

static volatile int handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
	say("handler\n");
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* A read of a pipe that SIGUSR1 interrupts before data comes. */
static void interrupted_read(int restart)
{
	struct sigaction sa;
	int fds[2];
	char buf[8], line[80];
	pid_t parent = getpid(), child;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGUSR1, &sa, NULL);
	if (pipe(fds))
		exit(2);
	handled = 0;
	child = fork();
	if (child == 0) {
		pause_ms(300);
		kill(parent, SIGUSR1);
		pause_ms(300);
		(void)!write(fds[1], "x", 1);
		_exit(0);
	}
	long r = SITE(0, fds[0], buf, sizeof buf);
	snprintf(line, sizeof line, "%s: read %ld, handled %d\n",
		 restart ? "SA_RESTART" : "no restart", r, handled);
	say(line);
	waitpid(child, NULL, 0);
	close(fds[0]);
	close(fds[1]);
}

int main(int argc, char **argv)
{
	char line[80];
	int st;

	if (argc > 1 && !strcmp(argv[1], "child")) {
		snprintf(line, sizeof line, "child: getpid %s\n",
			 SITE(39, 0, 0, 0) == syscall(SYS_getpid) ? "same" : "differs");
		say(line);
		return 7;
	}
	snprintf(line, sizeof line, "getpid %s\n",
		 SITE(39, 0, 0, 0) == syscall(SYS_getpid) ? "same" : "differs");
	say(line);
	interrupted_read(1);
	interrupted_read(0);
	pid_t c = fork();
	if (c == 0) {
		/* the forked child's sites are the parent's (pages and
		 * trampolines inherited) */
		if (SITE(39, 0, 0, 0) != syscall(SYS_getpid))
			_exit(98);
		execl("/proc/self/exe", argv[0], "child", (char *)NULL);
		_exit(99);
	}
	waitpid(c, &st, 0);
	snprintf(line, sizeof line, "exec'd child: status %d\n", WEXITSTATUS(st));
	say(line);
	return 0;
}
