/* dumpable.c: a change of the effective or fs user or group id clears the
 * dumpable flag and the parent-death signal (and /proc/PID's files become
 * root's, its fd directory still its own); a change of the real or saved
 * id alone, or to the same id, keeps them. Each case runs in a child that
 * starts as root. */
#include "abi.h"
#include <signal.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>

static void show(const char *what)
{
	int sig = -1;
	struct stat d, f, t;
	prctl(PR_GET_PDEATHSIG, &sig);
	int dump = prctl(PR_GET_DUMPABLE);
	if (stat("/proc/self", &d) != 0)
		d.st_uid = d.st_gid = 99;
	if (stat("/proc/self/status", &f) != 0)
		f.st_uid = f.st_gid = 99;
	/* the fd directory is the process's own whoever owns it */
	if (lstat("/proc/self/fd/1", &t) != 0)
		t.st_uid = t.st_gid = 99;
	printf("%s: dumpable %d pdeathsig %d /proc/self %u:%u status %u:%u fd/1 %u:%u\n", what,
	       dump, sig, (unsigned)d.st_uid, (unsigned)d.st_gid, (unsigned)f.st_uid,
	       (unsigned)f.st_gid, (unsigned)t.st_uid, (unsigned)t.st_gid);
}

static void run(const char *what, int which)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGUSR1);
		long r = 0;
		switch (which) {
		case 0: r = setuid(0); break;
		case 1: r = setresuid(-1, -1, -1); break;
		case 2: r = setreuid(1000, -1); break;
		case 3: r = setresuid(-1, -1, 1000); break;
		case 4: r = setfsuid(1000) == 0 ? 0 : -1; break;
		case 5: r = setgid(1000); break;
		case 6: r = setresuid(1000, 1000, 1000); break;
		case 7: r = seteuid(1000) || seteuid(0); break;
		case 8: r = setresgid(1000, -1, -1); break;
		case 9: r = setfsgid(1000) == 0 ? 0 : -1; break;
		case 10: r = setegid(1000); break;
		case 11: r = setuid(-1); break;
		}
		printf("%s = %ld\n", what, r);
		show(what);
		if (which == 6) {
			printf("set dumpable: %d\n", prctl(PR_SET_DUMPABLE, 1));
			show("again dumpable");
			R(setuid(0));
			int fd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
			printf("open /proc/self/fd: %s\n", fd >= 0 ? "ok" : abi_errname(errno));
			close(fd);
			R(access("/proc/self/environ", R_OK));
			R(prctl(PR_SET_DUMPABLE, 0));
			show("undumpable again");
			fd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
			printf("open /proc/self/fd: %s\n", fd >= 0 ? "ok" : abi_errname(errno));
			close(fd);
			R(access("/proc/self/environ", R_OK));
			char parent[64]; /* a root process's: not ours */
			snprintf(parent, sizeof(parent), "/proc/%d/fd", (int)getppid());
			printf("access(parent's fd, X_OK): %s\n",
			       access(parent, X_OK) ? abi_errname(errno) : "0");
			show("after EPERM");
		}
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	run("setuid(0)", 0);
	run("setresuid(-1,-1,-1)", 1);
	run("setreuid(1000,-1)", 2);
	run("setresuid(-1,-1,1000)", 3);
	run("setfsuid(1000)", 4);
	run("setgid(1000)", 5);
	run("setresuid(1000,1000,1000)", 6);
	run("seteuid(1000) and back", 7);
	run("setresgid(1000,-1,-1)", 8);
	run("setfsgid(1000)", 9);
	run("setegid(1000)", 10);
	run("setuid(-1)", 11);
	return 0;
}
