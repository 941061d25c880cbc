/* spawn_time.c: used by bench/python inside the Linux guest. Times N runs
   of a program from fork to the end of waitpid (CLOCK_MONOTONIC), after N
   runs of itself doing nothing ("--noop": the cost of starting a trivial
   static program, subtracted by bench/python as it subtracts a trivial
   program's boot under htux). Prints "noop US" and "prog US" lines, then
   "done". Usage: spawn_time N PROG [ARG]...   or   spawn_time --noop */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *const env[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/", NULL };

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* One run of argv; its time in microseconds, or -1 if it failed. */
static long run(char *const argv[])
{
	long t0 = now_us();
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execve(argv[0], argv, env);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return now_us() - t0;
}

int main(int argc, char **argv)
{
	char *self[] = { "/proc/self/exe", "--noop", NULL };
	char exe[4096];
	ssize_t n;
	long t;
	int i, runs;

	if (argc == 2 && !strcmp(argv[1], "--noop"))
		return 0;
	if (argc < 3 || (runs = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: spawn_time N PROG [ARG]...\n");
		return 2;
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		self[0] = exe;
	} else if (strchr(argv[0], '/')) { /* no /proc mounted */
		self[0] = argv[0];
	}
	for (i = 0; i < runs; i++) {
		t = run(self);
		if (t < 0) {
			printf("noop FAILED\n");
			return 1;
		}
		printf("noop %ld\n", t);
	}
	for (i = 0; i < runs; i++) {
		t = run(argv + 2);
		if (t < 0) {
			printf("prog FAILED\n");
			return 1;
		}
		printf("prog %ld\n", t);
	}
	printf("done\n");
	fflush(stdout);
	return 0;
}
