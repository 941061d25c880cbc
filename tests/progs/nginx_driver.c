/* nginx_driver.c: the guest's program in tests/boot/nginx.sh (pid 1).
 *
 *   nginx_driver LOG [-w N] PROG ARG...
 *
 * Starts PROG ARG... (nginx's master), waits until it has N children (the
 * workers; 2 by default), prints "workers: N (cpus C)" with the CPUs the
 * guest has, kills one with SIGKILL and waits until the master has
 * started another ("workers respawned" on stdout: the host may now
 * send requests). Then it watches the access log LOG for a request of
 * "/quit", sends the master SIGQUIT, waits for it and exits with its
 * status (128+signal when killed), printing what it saw. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void nap(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

/* The children of ppid (up to max): their count. */
static int children(pid_t ppid, pid_t *out, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[64], buf[512];
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t k = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[k] = 0;
		char *p = strrchr(buf, ')');
		char st;
		int pp;
		if (!p || sscanf(p + 1, " %c %d", &st, &pp) != 2 || pp != ppid || st == 'Z')
			continue;
		if (n < max)
			out[n] = atoi(e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static int log_has_quit(const char *log)
{
	char buf[4096];
	int found = 0;
	FILE *f = fopen(log, "r");
	if (!f)
		return 0;
	while (fgets(buf, sizeof(buf), f))
		if (strstr(buf, "GET /quit "))
			found = 1;
	fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	pid_t w[64], w2[64];
	int n = 0, i, want = 2, prog = 2;
	if (argc > 4 && !strcmp(argv[2], "-w")) {
		want = atoi(argv[3]);
		prog = 4;
	}
	if (argc <= prog || want < 1 || want > 64) {
		fprintf(stderr, "usage: nginx_driver LOG [-w N] PROG ARG...\n");
		return 2;
	}
	pid_t master = fork();
	if (master == 0) {
		execv(argv[prog], argv + prog);
		perror("execv");
		_exit(127);
	}
	for (i = 0; i < 600 && (n = children(master, w, 64)) != want; i++)
		nap();
	if (n != want) {
		printf("workers: %d, not %d\n", n, want);
		return 1;
	}
	printf("workers: %d (cpus %ld)\n", n, sysconf(_SC_NPROCESSORS_ONLN));
	fflush(stdout);
	kill(w[0], SIGKILL);
	for (i = 0; i < 600; i++) {
		n = children(master, w2, 64);
		int gone = n == want;
		for (int k = 0; k < n && k < want; k++)
			gone &= w2[k] != w[0];
		if (gone)
			break;
		nap();
	}
	if (i == 600) {
		printf("no new worker after a worker was killed\n");
		return 1;
	}
	printf("workers respawned\n");
	fflush(stdout);
	for (i = 0; i < 3000 && !log_has_quit(argv[1]); i++)
		nap();
	printf("quit requested\n");
	fflush(stdout);
	kill(master, SIGQUIT);
	int st;
	if (waitpid(master, &st, 0) != master) {
		perror("waitpid");
		return 1;
	}
	if (WIFSIGNALED(st)) {
		printf("master killed by signal %d\n", WTERMSIG(st));
		return 128 + WTERMSIG(st);
	}
	printf("master exited with status %d\n", WEXITSTATUS(st));
	return WEXITSTATUS(st);
}
