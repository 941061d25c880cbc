/* reclock.c: fcntl record locks between processes: what a child sees of
 * its parent's locks with F_GETLK (merged and split ranges, the holder's
 * pid), shared and exclusive conflicts (EAGAIN), every lock of a process
 * on a file dropped when it closes any descriptor of it, F_SETLKW
 * sleeping until an unlock, interrupted by a signal (EINTR), a two-process
 * deadlock (EDEADLK), OFD locks (per open file description, conflicting
 * within one process), SEEK_CUR and negative lengths, and the errors. */
#include "abi.h"
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>

static char buf[4096];
static pid_t parent;

static const char *tname(int t)
{
	return t == F_RDLCK ? "RD" : t == F_WRLCK ? "WR" : t == F_UNLCK ? "UN" : "??";
}

static int lk(int fd, int cmd, int type, long start, long len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	return fcntl(fd, cmd, &fl);
}

#define SET(fd, type, start, len) R(lk(fd, F_SETLK, type, start, len))

/* F_GETLK (or F_OFD_GETLK) as seen from fd: the lock in the way. */
static void get(int fd, int cmd, int type, long start, long len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	if (fcntl(fd, cmd, &fl) < 0) {
		printf("getlk %s %ld %ld: -1 %s\n", tname(type), start, len, abi_errname(errno));
		return;
	}
	if (fl.l_type == F_UNLCK) {
		printf("getlk %s %ld %ld: unlocked\n", tname(type), start, len);
		return;
	}
	printf("getlk %s %ld %ld: %s %ld %ld by %s\n", tname(type), start, len, tname(fl.l_type),
	       (long)fl.l_start, (long)fl.l_len,
	       fl.l_pid == parent     ? "parent"
	       : fl.l_pid == -1       ? "-1"
	       : fl.l_pid == getpid() ? "self"
				      : "another");
}

/* The state letter of pid in /proc/<pid>/stat. */
static char state(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (abi_get(path, buf, sizeof(buf)) <= 0)
		return '?';
	char *r = strrchr(buf, ')');
	return r ? r[2] : '?';
}

/* Waits (at most 10 s) until pid sleeps. */
static int asleep(pid_t pid)
{
	for (int i = 0; i < 2000; i++) {
		if (state(pid) == 'S')
			return 1;
		usleep(5000);
	}
	return 0;
}

static void reap(pid_t kid, const char *what)
{
	int st;
	waitpid(kid, &st, 0);
	printf("%s: exit %d\n", what, WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
}

static void on_alarm(int sig) { (void)sig; }

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	parent = getpid();
	memset(buf, 'x', 100);
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	R(write(fd, buf, 100));

	/* 1: ranges, merged, and what another process sees */
	SET(fd, F_WRLCK, 0, 10);
	SET(fd, F_RDLCK, 20, 10);
	SET(fd, F_RDLCK, 30, 10); /* merges with 20..29 */
	SET(fd, F_WRLCK, 50, 0);  /* to the end, however far */
	pid_t kid = fork();
	if (kid == 0) {
		get(fd, F_GETLK, F_WRLCK, 0, 100);
		get(fd, F_GETLK, F_RDLCK, 5, 1);
		get(fd, F_GETLK, F_RDLCK, 20, 5);
		get(fd, F_GETLK, F_WRLCK, 25, 1);
		get(fd, F_GETLK, F_WRLCK, 40, 10);
		get(fd, F_GETLK, F_RDLCK, 100000, 1);
		SET(fd, F_RDLCK, 25, 1);
		SET(fd, F_WRLCK, 25, 1);
		SET(fd, F_WRLCK, 10, 10);
		SET(fd, F_RDLCK, 9, 2);
		_exit(0);
	}
	reap(kid, "child 1");
	get(fd, F_GETLK, F_WRLCK, 10, 10); /* the child's lock went at its exit */

	/* 2: an unlock in the middle splits; a new type replaces */
	SET(fd, F_UNLCK, 24, 4);
	SET(fd, F_WRLCK, 45, 5); /* adjacent to 50..: merges */
	if ((kid = fork()) == 0) {
		get(fd, F_GETLK, F_WRLCK, 20, 10);
		get(fd, F_GETLK, F_WRLCK, 24, 4);
		get(fd, F_GETLK, F_WRLCK, 26, 10);
		get(fd, F_GETLK, F_RDLCK, 44, 3);
		_exit(0);
	}
	reap(kid, "child 2");
	SET(fd, F_WRLCK, 20, 20);
	if ((kid = fork()) == 0) {
		get(fd, F_GETLK, F_RDLCK, 30, 1);
		get(fd, F_GETLK, F_RDLCK, 19, 1);
		_exit(0);
	}
	reap(kid, "child 3");

	/* 3: closing another descriptor of the file drops them all */
	int g = R(open("f", O_RDONLY));
	R(close(g));
	if ((kid = fork()) == 0) {
		get(fd, F_GETLK, F_WRLCK, 0, 0);
		_exit(0);
	}
	reap(kid, "child 4");

	/* 4: F_SETLKW sleeps until the holder unlocks */
	SET(fd, F_WRLCK, 0, 10);
	if ((kid = fork()) == 0) {
		int r = lk(fd, F_SETLKW, F_WRLCK, 5, 10);
		printf("child 5 setlkw: %d\n", r);
		get(fd, F_GETLK, F_WRLCK, 0, 0);
		_exit(r == 0 ? 0 : 1);
	}
	SAY(asleep(kid));
	get(fd, F_GETLK, F_WRLCK, 0, 0);        /* our own lock is not in our way */
	int r = lk(fd, F_SETLK, F_UNLCK, 0, 0); /* printed after the child's lines */
	reap(kid, "child 5");
	printf("unlock: %d\n", r);

	/* 5: a signal interrupts F_SETLKW */
	SET(fd, F_WRLCK, 0, 10);
	if ((kid = fork()) == 0) {
		struct sigaction sa = { .sa_handler = on_alarm };
		sigaction(SIGALRM, &sa, NULL);
		struct itimerval it = { .it_value = { 0, 100000 } };
		setitimer(ITIMER_REAL, &it, NULL);
		R(lk(fd, F_SETLKW, F_RDLCK, 0, 1));
		_exit(0);
	}
	reap(kid, "child 6");

	/* 6: a deadlock of two processes */
	if ((kid = fork()) == 0) {
		SET(fd, F_WRLCK, 20, 10);
		R(lk(fd, F_SETLKW, F_WRLCK, 0, 10)); /* sleeps until the parent gives up */
		_exit(0);
	}
	for (int i = 0; i < 2000; i++) { /* until the child holds 20..29 and sleeps */
		struct flock fl = {
			.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 20, .l_len = 1
		};
		if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK && state(kid) == 'S')
			break;
		usleep(5000);
	}
	R(lk(fd, F_SETLKW, F_WRLCK, 20, 10));
	r = lk(fd, F_SETLK, F_UNLCK, 0, 0);
	reap(kid, "child 7");
	printf("unlock: %d\n", r);

	/* 7: OFD locks belong to the open file description */
	int a = R(open("f", O_RDWR)), b = R(open("f", O_RDWR));
	R(lk(a, F_OFD_SETLK, F_WRLCK, 0, 10));
	R(lk(b, F_OFD_SETLK, F_RDLCK, 5, 1));
	get(b, F_OFD_GETLK, F_RDLCK, 0, 0);
	get(a, F_OFD_GETLK, F_RDLCK, 0, 0);
	R(lk(fd, F_SETLK, F_RDLCK, 5, 1)); /* a POSIX lock of the same process */
	R(lk(b, F_OFD_SETLK, F_RDLCK, 10, 10));
	R(lk(a, F_OFD_SETLK, F_RDLCK, 0, 5)); /* converts a's own range */
	get(b, F_OFD_GETLK, F_WRLCK, 0, 0);
	int c = R(dup(a));
	R(close(a)); /* c keeps the description */
	get(b, F_OFD_GETLK, F_WRLCK, 0, 10);
	R(close(c));
	get(b, F_OFD_GETLK, F_WRLCK, 0, 10);
	if ((kid = fork()) == 0) { /* a child sees b's OFD lock, owner -1 */
		get(fd, F_GETLK, F_WRLCK, 0, 0);
		_exit(0);
	}
	reap(kid, "child 8");
	struct flock bad = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_pid = 1 };
	R(fcntl(b, F_OFD_SETLK, &bad));
	R(close(b));

	/* 8: SEEK_CUR and negative lengths */
	R(lseek(fd, 50, SEEK_SET));
	struct flock cur = { .l_type = F_RDLCK, .l_whence = SEEK_CUR, .l_start = -10, .l_len = 5 };
	R(fcntl(fd, F_SETLK, &cur));
	SET(fd, F_WRLCK, 10, -5);
	if ((kid = fork()) == 0) {
		get(fd, F_GETLK, F_WRLCK, 0, 20);
		get(fd, F_GETLK, F_WRLCK, 20, 0);
		_exit(0);
	}
	reap(kid, "child 9");

	/* 9: errors */
	int ro = R(open("f", O_RDONLY)), wo = R(open("f", O_WRONLY));
	R(lk(ro, F_SETLK, F_WRLCK, 0, 1));
	R(lk(wo, F_SETLK, F_RDLCK, 0, 1));
	R(lk(fd, F_SETLK, 7, 0, 1));
	R(lk(fd, F_SETLK, F_RDLCK, -1, 1));
	R(lk(fd, F_SETLK, F_RDLCK, 3, -5));
	struct flock wh = { .l_type = F_RDLCK, .l_whence = 9 };
	R(fcntl(fd, F_SETLK, &wh));
	R(lk(fd, F_GETLK, F_UNLCK, 0, 1));
	R(lk(99, F_SETLK, F_RDLCK, 0, 1));
	R(fcntl(fd, F_SETLK, (struct flock *)8));
	return 0;
}
