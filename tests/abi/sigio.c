/* sigio.c: signal-driven I/O: O_ASYNC (F_SETFL and FIOASYNC) on a
 * socketpair, a pipe, UDP and TCP sockets; the owner (F_SETOWN,
 * F_SETOWN_EX, F_GETOWN, F_GETOWN_EX: process, thread, process group, and
 * their errors; a socket's FIOSETOWN, SIOCSPGRP, FIOGETOWN, SIOCGPGRP);
 * F_SETSIG's siginfo (si_code, si_fd, si_band) against the plain SIGIO's;
 * FIONBIO. Signals are blocked and taken with sigtimedwait. */
#include "abi.h"
#include <netinet/in.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>

#define RT (SIGRTMIN + 1)
#include <sched.h>

static sigset_t set;

static const char *code_name(int c)
{
	static char buf[16];
	switch (c) {
	case SI_KERNEL: return "SI_KERNEL";
	case SI_SIGIO: return "SI_SIGIO";
	case POLL_IN: return "POLL_IN";
	case POLL_OUT: return "POLL_OUT";
	case POLL_HUP: return "POLL_HUP";
	case POLL_ERR: return "POLL_ERR";
	}
	snprintf(buf, sizeof(buf), "%d", c);
	return buf;
}

/* Takes the pending signals (waiting up to ms for the first) and prints them. */
static void take(const char *what, int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	siginfo_t si;
	int n = 0;
	printf("%s:", what);
	for (;;) {
		memset(&si, 0, sizeof(si));
		int s = sigtimedwait(&set, &si, &ts);
		if (s < 0)
			break;
		ts.tv_sec = 0;
		ts.tv_nsec = 0;
		n++;
		printf(" [%s code %s",
		       s == SIGIO ? "SIGIO"
		       : s == RT  ? "RT"
				  : "other",
		       code_name(si.si_code));
		if (si.si_code != SI_KERNEL)
			printf(" fd %d band %#lx", si.si_fd, (long)si.si_band);
		printf("]");
	}
	printf("%s\n", n ? "" : " none");
}

static pid_t worker_tid;
static int worker_ready, worker_go;

/* A thread that takes the signals meant for it alone. */
static void *worker(void *arg)
{
	(void)arg;
	__atomic_store_n(&worker_tid, (pid_t)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	__atomic_store_n(&worker_ready, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&worker_go, __ATOMIC_SEQ_CST))
		sched_yield();
	take("the owner thread", 2000);
	return NULL;
}

static void setflag(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, on ? fl | O_ASYNC : fl & ~O_ASYNC);
}

static void owners(int fd)
{
	struct f_owner_ex ex;
	printf("-- owners\n");
	R(fcntl(fd, F_GETOWN));
	R(fcntl(fd, F_GETOWN_EX, &ex));
	printf("default type %d pid %d\n", ex.type, ex.pid);
	R(fcntl(fd, F_SETOWN, getpid()));
	SAY(fcntl(fd, F_GETOWN) == getpid());
	R(fcntl(fd, F_GETOWN_EX, &ex));
	printf("type %d pid==getpid %d\n", ex.type, ex.pid == getpid());
	R(fcntl(fd, F_SETOWN, -getpgrp()));
	SAY(fcntl(fd, F_GETOWN) == -getpgrp());
	R(fcntl(fd, F_GETOWN_EX, &ex));
	printf("type %d pid==getpgrp %d\n", ex.type, ex.pid == getpgrp());
	ex.type = F_OWNER_TID;
	ex.pid = (pid_t)syscall(SYS_gettid);
	R(fcntl(fd, F_SETOWN_EX, &ex));
	memset(&ex, 0, sizeof(ex));
	R(fcntl(fd, F_GETOWN_EX, &ex));
	printf("type %d pid==gettid %d\n", ex.type, ex.pid == (pid_t)syscall(SYS_gettid));
	ex.type = 7;
	R(fcntl(fd, F_SETOWN_EX, &ex));
	ex.type = F_OWNER_PID;
	ex.pid = 2147483000;
	R(fcntl(fd, F_SETOWN_EX, &ex));
	R(fcntl(fd, F_SETOWN_EX, (void *)8));
	R(fcntl(fd, F_GETOWN_EX, (void *)8));
	R(fcntl(fd, F_SETOWN, 2147483000));
	R(fcntl(fd, F_SETOWN, 0));
	R(fcntl(fd, F_GETOWN));
	R(fcntl(fd, F_GETSIG));
	R(fcntl(fd, F_SETSIG, 65));
	R(fcntl(fd, F_SETSIG, -1));
	R(fcntl(fd, F_SETSIG, RT));
	SAY(fcntl(fd, F_GETSIG) == RT);
	R(fcntl(fd, F_SETSIG, 0));
	R(fcntl(99, F_SETOWN, getpid()));
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int sv[2], p[2], on = 1, off = 0;
	char buf[64];

	/* a group of its own: the group owner's signals reach nobody else */
	setpgid(0, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGIO);
	sigaddset(&set, RT);
	sigprocmask(SIG_BLOCK, &set, NULL);

	printf("-- socketpair\n");
	OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	owners(sv[1]);
	R(fcntl(sv[1], F_SETOWN, getpid()));
	R(write(sv[0], "a", 1));
	take("no O_ASYNC yet", 50);
	setflag(sv[1], 1);
	SAY((fcntl(sv[1], F_GETFL) & O_ASYNC) != 0);
	R(write(sv[0], "b", 1));
	take("write to the peer", 1000);
	R(read(sv[1], buf, sizeof(buf)));
	take("read", 50);
	R(write(sv[1], "c", 1));
	take("own write", 50);
	R(fcntl(sv[1], F_SETSIG, RT));
	R(write(sv[0], "d", 1));
	R(write(sv[0], "e", 1));
	take("F_SETSIG RT, two writes", 1000);
	R(fcntl(sv[1], F_SETSIG, SIGIO));
	R(write(sv[0], "f", 1));
	take("F_SETSIG SIGIO", 1000);
	R(fcntl(sv[1], F_SETOWN, 0));
	R(write(sv[0], "g", 1));
	take("no owner", 50);
	R(fcntl(sv[1], F_SETOWN, -getpgrp()));
	R(write(sv[0], "h", 1));
	take("owner: the group", 1000);
	pthread_t th;
	pthread_create(&th, NULL, worker, NULL);
	while (!__atomic_load_n(&worker_ready, __ATOMIC_SEQ_CST))
		sched_yield();
	struct f_owner_ex tex = { F_OWNER_TID, worker_tid };
	R(fcntl(sv[1], F_SETOWN_EX, &tex));
	R(fcntl(sv[1], F_SETSIG, RT));
	R(write(sv[0], "t", 1));
	take("owner: another thread (the caller)", 50);
	/* while the thread lives: once it has ended, what F_GETOWN gives
	 * depends on how far Linux got in reaping it (0 or its tid) */
	SAY(fcntl(sv[1], F_GETOWN) == worker_tid);
	__atomic_store_n(&worker_go, 1, __ATOMIC_SEQ_CST);
	pthread_join(th, NULL);
	R(fcntl(sv[1], F_SETSIG, 0));
	R(ioctl(sv[1], FIOASYNC, &off));
	SAY((fcntl(sv[1], F_GETFL) & O_ASYNC) != 0);
	R(write(sv[0], "i", 1));
	take("FIOASYNC off", 50);
	R(fcntl(sv[1], F_SETOWN, getpid()));
	R(ioctl(sv[1], FIOASYNC, &on));
	SAY((fcntl(sv[1], F_GETFL) & O_ASYNC) != 0);
	R(close(sv[0]));
	take("the peer closes", 1000);
	printf("-- socket owner ioctls\n");
	int pid = getpid(), got = 0;
	R(ioctl(sv[1], FIOSETOWN, &pid));
	R(ioctl(sv[1], FIOGETOWN, &got));
	SAY(got == getpid());
	pid = -getpgrp();
	R(ioctl(sv[1], SIOCSPGRP, &pid));
	R(ioctl(sv[1], SIOCGPGRP, &got));
	SAY(got == -getpgrp());
	SAY(fcntl(sv[1], F_GETOWN) == -getpgrp());
	pid = 2147483000;
	R(ioctl(sv[1], FIOSETOWN, &pid));
	R(ioctl(sv[1], FIOGETOWN, (void *)8));
	R(ioctl(sv[1], SIOCSPGRP, (void *)8));
	close(sv[1]);

	printf("-- pipe\n");
	OK(pipe(p));
	R(fcntl(p[0], F_SETOWN, getpid()));
	R(ioctl(p[0], FIOASYNC, &on));
	R(write(p[1], "xy", 2));
	take("write: the reader's owner", 1000);
	R(fcntl(p[1], F_SETOWN, getpid()));
	R(fcntl(p[1], F_SETSIG, RT));
	R(ioctl(p[1], FIOASYNC, &on));
	R(read(p[0], buf, 1));
	take("read: the writer's owner", 1000);
	R(fcntl(p[0], F_SETSIG, RT));
	R(write(p[1], "z", 1));
	take("write, RT", 1000);
	R(ioctl(p[0], FIONBIO, &on));
	SAY((fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
	R(ioctl(p[0], FIONBIO, &off));
	SAY((fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
	R(ioctl(p[0], FIOASYNC, (void *)8));
	R(ioctl(p[0], FIOASYNC, &off));
	R(ioctl(p[1], FIOASYNC, &off));
	R(ioctl(p[0], FIOSETOWN, &on));
	close(p[0]);
	close(p[1]);

	printf("-- UDP\n");
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int u = socket(AF_INET, SOCK_DGRAM, 0), c = socket(AF_INET, SOCK_DGRAM, 0);
	OK(bind(u, (struct sockaddr *)&a, sizeof(a)));
	OK(getsockname(u, (struct sockaddr *)&a, &al));
	R(fcntl(u, F_SETOWN, getpid()));
	R(fcntl(u, F_SETSIG, RT));
	setflag(u, 1);
	R(sendto(c, "dgram", 5, 0, (struct sockaddr *)&a, sizeof(a)));
	take("a datagram", 2000);
	close(u);
	close(c);

	printf("-- TCP\n");
	a.sin_port = 0;
	int l = socket(AF_INET, SOCK_STREAM, 0);
	OK(bind(l, (struct sockaddr *)&a, sizeof(a)));
	al = sizeof(a);
	OK(getsockname(l, (struct sockaddr *)&a, &al));
	OK(listen(l, 4));
	R(fcntl(l, F_SETOWN, getpid()));
	R(fcntl(l, F_SETSIG, RT));
	setflag(l, 1);
	c = socket(AF_INET, SOCK_STREAM, 0);
	R(connect(c, (struct sockaddr *)&a, sizeof(a)));
	take("a connection to the listener", 2000);
	close(c);
	close(l);

	printf("-- a regular file\n");
	int f = open("file", O_RDWR | O_CREAT, 0600);
	R(ioctl(f, FIOASYNC, &on));
	R(fcntl(f, F_SETFL, O_ASYNC));
	SAY((fcntl(f, F_GETFL) & O_ASYNC) != 0);
	R(fcntl(f, F_SETOWN, getpid()));
	R(fcntl(f, F_GETOWN) == getpid());
	R(ioctl(f, FIOASYNC, &off));
	close(f);
	unlink("file");
	return 0;
}
