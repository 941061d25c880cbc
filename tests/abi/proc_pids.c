/* proc_pids.c: /proc describes every process, not only the caller: the
 * numeric directories of /proc list the children, whose stat, status,
 * cmdline, comm, exe, maps, fd/ and task/ a parent reads (a sleeping
 * child, then the same child as a zombie), and /proc/self names the
 * caller. Only fields that are the same on any system are printed. */
#include "abi.h"
#include <dirent.h>
#include <limits.h>
#include <sys/wait.h>

static char buf[1 << 16];

/* A field of a status file ("Key:\t..."), to the end of its line. */
static const char *status_field(const char *text, const char *key, char *out, size_t n)
{
	const char *p = strstr(text, key);
	out[0] = 0;
	if (!p)
		return out;
	p += strlen(key);
	while (*p == '\t' || *p == ' ')
		p++;
	size_t k = 0;
	while (p[k] && p[k] != '\n' && k + 1 < n)
		k++;
	memcpy(out, p, k);
	out[k] = 0;
	return out;
}

/* The state letter in /proc/<pid>/stat, '?' if it cannot be read. */
static char stat_state(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (abi_get(path, buf, sizeof(buf)) <= 0)
		return '?';
	char *r = strrchr(buf, ')');
	return r && r[1] == ' ' ? r[2] : '?';
}

/* Waits (at most 10 s) until pid's state is want. */
static int wait_state(pid_t pid, char want)
{
	for (int i = 0; i < 2000; i++) {
		if (stat_state(pid) == want)
			return 1;
		usleep(5000);
	}
	return 0;
}

static int listed(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;
	while (d && (e = readdir(d)))
		found |= strcmp(e->d_name, name) == 0;
	if (d)
		closedir(d);
	return found;
}

static void show_child(pid_t kid, int zombie)
{
	char path[128], f[256], self[32];
	snprintf(self, sizeof(self), "%d", (int)getpid());
	snprintf(path, sizeof(path), "%d", (int)kid);
	SAY(listed("/proc", path));
	SAY(listed("/proc", self));

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)kid);
	if (abi_get(path, buf, sizeof(buf)) > 0) {
		int pid, ppid, pgid, sid;
		char comm[64], st;
		char *l = strchr(buf, '('), *r = strrchr(buf, ')');
		pid = atoi(buf);
		memcpy(comm, l + 1, (size_t)(r - l - 1));
		comm[r - l - 1] = 0;
		sscanf(r + 2, "%c %d %d %d", &st, &ppid, &pgid, &sid);
		printf("stat: comm %s state %c\n", comm, st);
		SAY(pid == kid);
		SAY(ppid == getpid());
		SAY(pgid == getpgid(0));
		SAY(sid == getsid(0));
	} else
		printf("stat: unreadable\n");

	snprintf(path, sizeof(path), "/proc/%d/status", (int)kid);
	if (abi_get(path, buf, sizeof(buf)) > 0) {
		status_field(buf, "Name:", f, sizeof(f));
		printf("status Name: %s\n", f);
		printf("status State: %s\n", status_field(buf, "\nState:", f, sizeof(f)));
		SAY(atoi(status_field(buf, "\nTgid:", f, sizeof(f))) == kid);
		SAY(atoi(status_field(buf, "\nPid:", f, sizeof(f))) == kid);
		SAY(atoi(status_field(buf, "\nPPid:", f, sizeof(f))) == getpid());
		printf("status Threads: %s\n", status_field(buf, "\nThreads:", f, sizeof(f)));
		printf("status has VmRSS: %s\n", strstr(buf, "\nVmRSS:") ? "yes" : "no");
	} else
		printf("status: unreadable\n");

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)kid);
	long n = abi_get(path, buf, sizeof(buf));
	printf("cmdline:");
	for (long i = 0; i < n; i++)
		putchar(buf[i] ? buf[i] : '|');
	printf(" (%ld bytes)\n", n);

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)kid);
	abi_get(path, buf, sizeof(buf));
	printf("comm: %s", buf);

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)kid);
	n = readlink(path, f, sizeof(f) - 1);
	if (n >= 0) {
		f[n] = 0;
		printf("exe: %s\n", strrchr(f, '/') + 1);
	} else
		printf("exe: -1 %s\n", abi_errname(errno));

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)kid);
	n = abi_get(path, buf, sizeof(buf));
	printf("maps: %s\n", n < 0                    ? "unreadable"
			     : !n                     ? "empty"
			     : strstr(buf, "[stack]") ? "has [stack]"
						      : "no [stack]");

	if (!zombie) {
		snprintf(path, sizeof(path), "/proc/%d/fd", (int)kid);
		printf("fd:");
		for (int fd = 0; fd < 8; fd++) {
			snprintf(f, sizeof(f), "%d", fd);
			if (listed(path, f))
				printf(" %d", fd);
		}
		printf("\n");
		snprintf(path, sizeof(path), "/proc/%d/task", (int)kid);
		snprintf(f, sizeof(f), "%d", (int)kid);
		SAY(listed(path, f));
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)kid, (int)kid);
		SAY(abi_get(path, buf, sizeof(buf)) > 0 && atoi(buf) == kid);
	}
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "wait") == 0) {
		/* the child after exec: fd 3 is the pipe it waits on */
		char c;
		while (read(3, &c, 1) < 0 && errno == EINTR)
			;
		return 7;
	}
	abi_init(argc, argv);

	char b[64], want[32];
	long n = readlink("/proc/self", b, sizeof(b) - 1);
	b[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof(want), "%d", (int)getpid());
	SAY(strcmp(b, want) == 0);

	int p[2];
	OK(pipe(p));
	/* exec'd by its real path: through /proc/self/exe, Linux would name
	 * the child "exe" */
	char exe[PATH_MAX];
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	pid_t kid = fork();
	if (kid == 0) {
		int r = fcntl(p[0], F_DUPFD, 10);
		close(p[0]);
		close(p[1]);
		dup2(r, 3);
		close(r);
		char *args[] = { "kid", "wait", "two words", NULL };
		execv(exe, args);
		_exit(99);
	}
	close(p[0]);
	/* asleep in read(2) after exec */
	SAY(wait_state(kid, 'S'));
	for (int i = 0; i < 2000; i++) { /* until the exec is visible */
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)kid);
		if (abi_get(path, buf, sizeof(buf)) > 0 && strcmp(buf, "kid") == 0)
			break;
		usleep(5000);
	}
	SAY(wait_state(kid, 'S'));
	show_child(kid, 0);

	/* a zombie until it is waited for */
	close(p[1]);
	SAY(wait_state(kid, 'Z'));
	show_child(kid, 1);
	int st;
	R(waitpid(kid, &st, 0) == kid);
	printf("exited %d\n", WEXITSTATUS(st));
	snprintf(b, sizeof(b), "/proc/%d/stat", (int)kid);
	R(open(b, O_RDONLY));
	snprintf(b, sizeof(b), "%d", (int)kid);
	SAY(listed("/proc", b));
	R(open("/proc/999999/status", O_RDONLY));
	return 0;
}
