/* efault_all.c: every implemented system call with a pointer parameter
 * (tests/efault_calls.h, which the build makes from kernel/syscalls.list),
 * each pointer in turn given hostile addresses: kernel ones, non-canonical
 * ones, one byte below the top of user space in a mapped last page (the
 * object runs into the hole), and an unmapped page, the other arguments
 * valid enough to reach the copy (real descriptors, sizes, names). Then
 * pointers inside structures (iovecs, message headers, argv, sigset and
 * timespec holders, ioctl, fcntl and prctl arguments). Each call runs in
 * a child of its own (side effects stay there) and prints the errno it
 * gets, or "ok"; tests/boot/efault_all.sh compares that with Linux.
 * argv[1]: an empty work directory. */
#include "abi.h"
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/xattr.h>

#define PG 4096L
#define TOP 0x7ffffffff000UL /* the first byte above user space */

struct io_event {
	uint64_t data, obj;
	int64_t res, res2;
};

struct call {
	const char *name;
	long nr;
	const char *p[6];
};

static const struct call calls[] = {
#include "efault_calls.h"
};

static const struct bad {
	const char *name;
	unsigned long p;
} bad[] = {
	{ "kernel", 0xffffffff80000000UL },
	{ "direct map", 0xffff800000000000UL },
	{ "non-canonical", 0x800000000000UL },
	{ "non-canonical 2", 0x8000000000000000UL },
	{ "straddle", TOP - 1 },
	{ "unmapped", 0 },
};
#define NBAD (int)(sizeof(bad) / sizeof(bad[0]))

/* Shared objects, made before the children fork. */
static int fd_file, fd_file2, fd_dir, pip[2], sk[2], fd_listen, fd_epoll, fd_timer, fd_ino;
static int fd_pidfd, fd_mq, semid, msqid, shmid;
static unsigned long unmapped, page;
/* Per child: */
static long timer_id;
static unsigned long aio_ctx;
static char zero[3][8192];
static int len16[3];

static int has(const char *s, const char *w) { return strstr(s, w) != NULL; }

/* The parameter's name: what follows its last space or '*'. */
static const char *pname(const char *p)
{
	const char *n = p + strlen(p);
	while (n > p && n[-1] != ' ' && n[-1] != '*')
		n--;
	return n;
}

static int is_net(const char *c)
{
	static const char *const n[] = { "socketpair", "bind",        "accept",      "accept4",
					 "connect",    "getsockname", "getpeername", "sendto",
					 "recvfrom",   "sendmsg",     "recvmsg",     "sendmmsg",
					 "recvmmsg",   "setsockopt",  "getsockopt",  NULL };
	for (int i = 0; n[i]; i++)
		if (!strcmp(c, n[i]))
			return 1;
	return 0;
}

/* A value for a parameter that is not under test. */
static long value(const struct call *c, int i, int *npz)
{
	const char *t = c->p[i], *n = pname(t), *cn = c->name;
	if (strchr(t, '*')) {
		if (!strcmp(t, "int *len") || !strcmp(t, "int *alen") ||
		    !strcmp(t, "size_t *len")) {
			len16[*npz % 3] = 16;
			return (long)&len16[(*npz)++ % 3];
		}
		if (has(t, "const char *")) {
			if (!strcmp(n, "name"))
				return (long)(has(cn, "xattr") ? "user.a"
					      : has(cn, "mq_") ? "/q"
							       : "m");
			if (!strcmp(n, "to"))
				return (long)"g";
			if (!strcmp(n, "msg"))
				return (long)zero[0];
			if (has(cn, "readlink"))
				return (long)"lnk";
			if (has(cn, "exec"))
				return (long)"/proc/self/exe";
			return (long)"f";
		}
		memset(zero[*npz % 3], 0, sizeof(zero[0]));
		return (long)zero[(*npz)++ % 3];
	}
	if (!strcmp(n, "fd") || !strcmp(n, "outfd") || !strcmp(n, "infd") || !strcmp(n, "fdin") ||
	    !strcmp(n, "fdout")) {
		if (!strcmp(cn, "accept") || !strcmp(cn, "accept4"))
			return fd_listen;
		if (!strcmp(cn, "sendto") || !strcmp(cn, "sendmsg") || !strcmp(cn, "sendmmsg"))
			return sk[0];
		if (is_net(cn))
			return sk[1];
		if (has(cn, "epoll"))
			return pip[1];
		if (has(cn, "timerfd"))
			return fd_timer;
		if (has(cn, "signalfd"))
			return -1;
		if (has(cn, "inotify"))
			return fd_ino;
		if (!strcmp(cn, "getdents64"))
			return fd_dir;
		if (!strcmp(cn, "vmsplice") || !strcmp(n, "fdout"))
			return pip[1];
		if (!strcmp(n, "outfd"))
			return fd_file2;
		return fd_file;
	}
	if (!strcmp(n, "dirfd") || !strcmp(n, "fromfd") || !strcmp(n, "tofd") ||
	    !strcmp(n, "ofd") || !strcmp(n, "nfd"))
		return AT_FDCWD;
	if (!strcmp(n, "epfd"))
		return fd_epoll;
	if (!strcmp(n, "pidfd"))
		return fd_pidfd;
	if (!strcmp(n, "mqdes"))
		return fd_mq;
	if (!strcmp(n, "semid"))
		return semid;
	if (!strcmp(n, "msqid"))
		return msqid;
	if (!strcmp(n, "shmid"))
		return shmid;
	if (!strcmp(n, "ctx"))
		return (long)aio_ctx;
	if (!strcmp(n, "id") && has(cn, "timer_"))
		return timer_id;
	if (!strcmp(n, "pid") || !strcmp(n, "tgid"))
		return has(cn, "wait") ? -1 : getpid();
	if (!strcmp(n, "tid"))
		return getpid();
	if (!strcmp(n, "sig"))
		return SIGUSR1;
	if (!strcmp(n, "resource"))
		return RLIMIT_NOFILE;
	if (!strcmp(n, "sigsetsize") || !strcmp(n, "sizemask"))
		return 8;
	if (!strcmp(n, "cmd"))
		return IPC_STAT;
	if (!strcmp(n, "family") || (!strcmp(n, "type") && strcmp(cn, "syslog")))
		return 1;
	if (!strcmp(n, "type"))
		return 3; /* SYSLOG_ACTION_READ_ALL */
	if (!strcmp(n, "level"))
		return SOL_SOCKET;
	if (!strcmp(n, "name") && has(cn, "sockopt"))
		return SO_RCVBUF;
	if (!strcmp(n, "mask"))
		return has(cn, "inotify") ? IN_ALL_EVENTS : 0x7ff;
	if (!strcmp(n, "msgflg"))
		return IPC_NOWAIT;
	if (!strcmp(n, "oflag"))
		return O_CREAT | O_RDWR;
	if (!strcmp(n, "options"))
		return has(cn, "waitid") ? WEXITED : 0;
	if (!strcmp(n, "op") && !strcmp(cn, "epoll_ctl"))
		return EPOLL_CTL_ADD;
	if (!strcmp(n, "maxevents"))
		return 4;
	if (!strcmp(n, "start"))
		return (long)page;
	if (!strcmp(n, "nr_events"))
		return 1;
	if (!strcmp(n, "size") || !strcmp(n, "len") || !strcmp(n, "n") || !strcmp(n, "count") ||
	    !strcmp(n, "alen") || !strcmp(n, "msgsz")) {
		if (!strcmp(cn, "openat2"))
			return 24;
		if (!strcmp(cn, "clone3"))
			return 88;
		if (!strcmp(cn, "set_robust_list"))
			return 24;
		if (has(cn, "affinity"))
			return 128;
		if (!strcmp(cn, "getcwd"))
			return 4096;
		if (!strcmp(cn, "setsockopt"))
			return 4;
		if (!strcmp(cn, "select") || !strcmp(cn, "pselect6"))
			return 8;
		if (!strcmp(cn, "sethostname") || !strcmp(cn, "setdomainname"))
			return 5;
		if (!strcmp(cn, "getgroups") || !strcmp(cn, "setgroups"))
			return 1;
		if (!strcmp(cn, "sendmmsg") || !strcmp(cn, "recvmmsg"))
			return 1;
		return 64;
	}
	if (!strcmp(n, "iovcnt") || !strcmp(n, "liovcnt") || !strcmp(n, "riovcnt") ||
	    !strcmp(n, "nr") || !strcmp(n, "nsops") || !strcmp(n, "nfds"))
		return 1;
	if (!strcmp(n, "mode"))
		return has(cn, "access") ? F_OK : 0644;
	return 0;
}

/* Before each try: what a call needs that its own tries consume. */
static void prep(const struct call *c, int i, long *a)
{
	if (!strcmp(c->name, "wait4") || !strcmp(c->name, "waitid")) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (fork() == 0)
			_exit(3);
		usleep(20000);
	}
	if (!strcmp(c->name, "futex") && i == 4)
		a[1] = 5; /* FUTEX_WAKE_OP writes the second word */
	if (!strcmp(c->name, "futex") && i == 3)
		a[2] = 0; /* FUTEX_WAIT on a word that holds 0: reads the timeout */
	if (!strcmp(c->name, "splice") && i == 1)
		a[3] = 0;
	if (!strcmp(c->name, "splice") && i == 3) {
		a[0] = pip[0];
		a[1] = 0;
		a[2] = fd_file2;
	}
	static struct {
		uint32_t version;
		int pid;
	} caph;
	caph.version = 0x20080522; /* _LINUX_CAPABILITY_VERSION_3 */
	caph.pid = 0;
	if ((!strcmp(c->name, "capget") || !strcmp(c->name, "capset")) && i == 1)
		a[0] = (long)&caph;
}

static void child_setup(void)
{
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };
	timer_id = -1;
	int id;
	if (syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &id) == 0)
		timer_id = id;
	syscall(SYS_io_setup, 4, &aio_ctx);
	alarm(10);
}

static void one(const struct call *c)
{
	int np = 0;
	while (np < 6 && c->p[np])
		np++;
	for (int i = 0; i < np; i++) {
		if (!strchr(c->p[i], '*'))
			continue;
		for (int b = 0; b < NBAD; b++) {
			long a[6] = { 0 };
			int npz = 0;
			for (int j = 0; j < np; j++)
				a[j] = j == i ? 0 : value(c, j, &npz);
			a[i] = (long)(bad[b].p ? bad[b].p : unmapped);
			prep(c, i, a);
			errno = 0;
			long r = syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
			int e = errno;
			if (!strcmp(c->name, "pipe") || !strcmp(c->name, "pipe2") ||
			    !strcmp(c->name, "socketpair") || has(c->name, "accept") ||
			    !strcmp(c->name, "memfd_create") || !strcmp(c->name, "mq_open"))
				if (r > 2 && r != fd_file)
					close((int)r);
			dprintf(1, "%s %s %s: %s\n", c->name, pname(c->p[i]), bad[b].name,
				r < 0 ? abi_errname(e) : "ok");
		}
	}
}

/* Runs f in a child; reports a child that did not end normally. */
static void in_child(const char *what, void (*f)(const void *), const void *arg)
{
	pid_t p = fork();
	if (p == 0) {
		child_setup();
		f(arg);
		_exit(0);
	}
	int st = 0;
	waitpid(p, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		dprintf(1, "%s: child %s %d\n", what, WIFEXITED(st) ? "exit" : "signal",
			WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

static void run_one(const void *c) { one(c); }

#include "efault_inner.h"

static void setup(void)
{
	char text[301];
	memset(text, 'a', 300);
	text[300] = 0;
	abi_put("f", text);
	abi_put("f2", text);
	symlink("f", "lnk");
	fd_file = open("f", O_RDWR);
	fd_file2 = open("f2", O_RDWR);
	fd_dir = open(".", O_RDONLY | O_DIRECTORY);
	setxattr("f", "user.a", "value", 5, 0);
	pipe2(pip, O_NONBLOCK);
	write(pip[1], text, 300);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sk);
	for (int i = 0; i < 20; i++)
		write(sk[0], text, 300);
	fd_listen = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "sock" };
	bind(fd_listen, (void *)&sa, sizeof(sa));
	listen(fd_listen, 64);
	for (int i = 0; i < 40; i++) {
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		connect(s, (void *)&sa, sizeof(sa));
	}
	fd_epoll = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN };
	epoll_ctl(fd_epoll, EPOLL_CTL_ADD, pip[0], &ev);
	fd_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	fd_ino = inotify_init1(IN_NONBLOCK);
	fd_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	struct mq_attr ma = { .mq_maxmsg = 8, .mq_msgsize = 64 };
	mq_unlink("/efault_all");
	fd_mq = (int)syscall(SYS_mq_open, "efault_all", O_CREAT | O_RDWR | O_NONBLOCK, 0600, &ma);
	for (int i = 0; i < 8; i++)
		syscall(SYS_mq_timedsend, fd_mq, text, 64, 0, NULL);
	semid = semget(IPC_PRIVATE, 1, 0600);
	msqid = msgget(IPC_PRIVATE, 0600);
	struct {
		long type;
		char t[32];
	} m = { 1, "hello" };
	for (int i = 0; i < 16; i++)
		msgsnd(msqid, &m, sizeof(m.t), IPC_NOWAIT);
	shmid = shmget(IPC_PRIVATE, PG, 0600);
	/* far from where mmap places things: it stays unmapped */
	char *u = mmap((void *)0x3f0000000000UL, PG, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	munmap(u, PG);
	unmapped = 0x3f0000000000UL;
	page = (unsigned long)mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				   -1, 0);
	char *top = mmap((void *)(TOP - PG), PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	unsigned char vec;
	if (top == (char *)(TOP - PG)) {
		memset(top, 'x', PG);
	} else if (mincore((void *)(TOP - PG), PG, &vec) == 0) {
		/* the stack ends there (htux; Linux without randomisation) */
		*(volatile char *)(TOP - 1) = 'x';
	} else {
		printf("cannot map the last user page\n");
		exit(3);
	}
	gid_t g = 0;
	setgroups(1, &g);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
}

static void cleanup(void)
{
	semctl(semid, 0, IPC_RMID);
	msgctl(msqid, IPC_RMID, NULL);
	shmctl(shmid, IPC_RMID, NULL);
	mq_unlink("/efault_all");
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 0; /* an execve that should have failed */
	abi_init(argc, argv);
	(void)abi_get;
	(void)abi_report;
	(void)abi_child;
	setup();
	for (size_t k = 0; k < sizeof(calls) / sizeof(calls[0]); k++) {
		if (!strcmp(calls[k].name, "reboot"))
			continue; /* its pointer counts only past valid magic numbers, and
				     this also runs on the host, as root */
		if (!strcmp(calls[k].name, "clone")) /* makes a child whatever the pointers */
			continue;
		in_child(calls[k].name, run_one, &calls[k]);
	}
	inner();
	cleanup();
	printf("calls: %d\n", (int)(sizeof(calls) / sizeof(calls[0])));
	return 0;
}
