/* pg_driver.c: the guest's program in tests/boot/postgres.sh.
 *
 *   pg_driver DATADIR STOPFILE BINDIR [POSTGRES-ARG...]
 *
 * Runs as the postgres user. When DATADIR has no PG_VERSION yet, runs
 * BINDIR/initdb on it (trust authentication, user postgres) and lets
 * every IPv4 host in through pg_hba.conf. Then starts BINDIR/postgres
 * -D DATADIR POSTGRES-ARG... as its child, waits until STOPFILE appears
 * (the host makes it through the server: COPY ... TO STOPFILE), sends the
 * postmaster SIGINT (a fast shutdown), waits for it and exits with its
 * status (128+signal when killed), printing what it saw. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void nap(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

/* Runs argv as a child; its wait status. */
static int run(char **argv)
{
	int st;
	pid_t pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		perror("execv");
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

int main(int argc, char **argv)
{
	char initdb[256], postgres[256], hba[256], ver[256];
	struct stat sb;
	char *args[64];
	int i, n, st;
	if (argc < 4 || argc > 60) {
		fprintf(stderr, "usage: pg_driver DATADIR STOPFILE BINDIR [ARG...]\n");
		return 2;
	}
	snprintf(initdb, sizeof(initdb), "%s/initdb", argv[3]);
	snprintf(postgres, sizeof(postgres), "%s/postgres", argv[3]);
	snprintf(ver, sizeof(ver), "%s/PG_VERSION", argv[1]);
	if (stat(ver, &sb) < 0) {
		char *ia[] = { initdb, "-D", argv[1], "-U", "postgres", "--auth=trust", NULL };
		st = run(ia);
		if (st != 0) {
			printf("initdb failed: status %#x\n", st);
			return 1;
		}
		snprintf(hba, sizeof(hba), "%s/pg_hba.conf", argv[1]);
		FILE *f = fopen(hba, "a");
		if (!f || fprintf(f, "host all all 0.0.0.0/0 trust\n") < 0 || fclose(f)) {
			perror(hba);
			return 1;
		}
		printf("initdb done\n");
		fflush(stdout);
	}
	unlink(argv[2]);
	n = 0;
	args[n++] = postgres;
	args[n++] = "-D";
	args[n++] = argv[1];
	for (i = 4; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	pid_t pm = fork();
	if (pm == 0) {
		execv(postgres, args);
		perror("execv");
		_exit(127);
	}
	printf("postmaster started\n");
	fflush(stdout);
	for (;;) {
		if (access(argv[2], F_OK) == 0)
			break;
		if (waitpid(pm, &st, WNOHANG) == pm) {
			printf("postmaster ended early: status %#x\n", st);
			return 1;
		}
		nap();
	}
	printf("stop requested\n");
	fflush(stdout);
	kill(pm, SIGINT);
	if (waitpid(pm, &st, 0) != pm) {
		perror("waitpid");
		return 1;
	}
	if (WIFSIGNALED(st)) {
		printf("postmaster killed by signal %d\n", WTERMSIG(st));
		return 128 + WTERMSIG(st);
	}
	printf("postmaster exited with status %d\n", WEXITSTATUS(st));
	return WEXITSTATUS(st);
}
