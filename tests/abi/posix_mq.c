/* posix_mq.c: POSIX message queues: mq_open's rules (O_CREAT, O_EXCL,
 * attributes, names), priorities, O_NONBLOCK (EAGAIN), timeouts
 * (ETIMEDOUT), EMSGSIZE, poll and epoll on a queue, reading its QSIZE
 * line, mq_notify with SIGEV_SIGNAL (once, EBUSY for a second process)
 * and SIGEV_NONE, a queue shared with a forked child, mq_unlink, a
 * non-root child's EACCES, and the errors. */
#include "abi.h"
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/wait.h>

static char name[64];

static void attr(mqd_t q)
{
	struct mq_attr a;
	if (mq_getattr(q, &a) < 0)
		printf("getattr: %s\n", abi_errname(errno));
	else
		printf("attr: flags %lx maxmsg %ld msgsize %ld curmsgs %ld\n", (long)a.mq_flags,
		       (long)a.mq_maxmsg, (long)a.mq_msgsize, (long)a.mq_curmsgs);
}

static void rcv(mqd_t q)
{
	char buf[8192] = "";
	unsigned prio = 99;
	long n = mq_receive(q, buf, sizeof(buf), &prio);
	if (n < 0)
		printf("rcv: %s\n", abi_errname(errno));
	else
		printf("rcv: %ld bytes prio %u '%.*s'\n", n, prio, (int)n, buf);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	umask(022);
	char buf[8192];
	const char *lim[] = { "msg_max", "msgsize_max", "queues_max" };
	for (int i = 0; i < 3; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/sys/fs/mqueue/%s", lim[i]);
		if (abi_get(path, buf, sizeof(buf)) > 0)
			printf("%s %s", lim[i], buf);
	}
	snprintf(name, sizeof(name), "/htux-abi-%d", getpid());
	mqd_t q = OK(mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0640, NULL));
	attr(q);
	struct stat st;
	R(fstat(q, &st));
	printf("reg %d mode %o\n", S_ISREG(st.st_mode), st.st_mode & 0777);
	R(mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL));
	mqd_t q2 = OK(mq_open(name, O_WRONLY));

	/* priorities: highest first, arrival order within one */
	R(mq_send(q2, "low", 3, 1));
	R(mq_send(q2, "high", 4, 5));
	R(mq_send(q, "mid", 3, 3));
	R(mq_send(q, "high2", 5, 5));
	R(mq_send(q, "", 0, 0));
	attr(q);
	long n = R(read(q, buf, sizeof(buf)));
	printf("read: %.*s", (int)(n > 0 ? n : 0), buf);
	for (int i = 0; i < 5; i++)
		rcv(q);
	R(mq_receive(q, buf, 100, NULL));
	R(mq_receive(q2, buf, sizeof(buf), NULL));
	R(mq_send(q, buf, 8193, 0));
	R(mq_send(q, "x", 1, 32768));
	R(mq_send(q, (char *)1, 10, 0));

	/* non-blocking, timeouts */
	struct mq_attr a = { .mq_flags = O_NONBLOCK };
	R(mq_setattr(q, &a, NULL));
	attr(q);
	rcv(q);
	a.mq_flags = 0;
	R(mq_setattr(q, &a, NULL));
	a.mq_flags = 1;
	R(mq_setattr(q, &a, NULL));
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec = (ts.tv_nsec + 50000000) % 1000000000;
	ts.tv_sec += ts.tv_nsec < 50000000;
	R(mq_timedreceive(q, buf, sizeof(buf), NULL, &ts));
	ts.tv_nsec = 2000000000;
	R(mq_timedreceive(q, buf, sizeof(buf), NULL, &ts));

	/* a small queue that fills */
	char name2[80];
	snprintf(name2, sizeof(name2), "%s-small", name);
	struct mq_attr sa = { .mq_maxmsg = 2, .mq_msgsize = 16 };
	mqd_t s = OK(mq_open(name2, O_CREAT | O_RDWR | O_NONBLOCK, 0600, &sa));
	attr(s);
	struct pollfd pfd = { s, POLLIN | POLLOUT, 0 };
	R(poll(&pfd, 1, 0));
	printf("revents %x\n", pfd.revents);
	R(mq_send(s, "a", 1, 0));
	R(mq_send(s, "b", 1, 0));
	R(mq_send(s, "c", 1, 0));
	R(mq_send(s, "0123456789abcdefg", 17, 0));
	R(poll(&pfd, 1, 0));
	printf("revents %x\n", pfd.revents);
	int ep = OK(epoll_create1(0));
	struct epoll_event ev = { .events = EPOLLIN }, out[2];
	R(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	R(epoll_wait(ep, out, 2, 0));
	char small[16];
	R(mq_receive(s, small, sizeof(small), NULL));
	R(mq_receive(s, small, sizeof(small), NULL));
	R(epoll_wait(ep, out, 2, 0));
	close(ep);

	/* a child blocked in receive until the parent sends */
	pid_t pid = fork();
	if (pid == 0) {
		mqd_t c = mq_open(name, O_RDONLY);
		char b[8192];
		unsigned prio;
		long k = mq_receive(c, b, sizeof(b), &prio);
		printf("child got %ld prio %u '%.*s'\n", k, prio, (int)(k > 0 ? k : 0), b);
		_exit(0);
	}
	struct timespec nap = { 0, 100000000 };
	nanosleep(&nap, NULL);
	if (mq_send(q, "to child", 8, 7)) /* quiet: the child prints */
		printf("mq_send: %s\n", abi_errname(errno));
	int wst;
	waitpid(pid, &wst, 0);

	/* notification: SIGEV_SIGNAL, once */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	struct sigevent se = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	se.sigev_value.sival_int = 42;
	R(mq_notify(q, &se));
	R(mq_notify(q, &se));
	pid = fork();
	if (pid == 0) {
		R(mq_notify(q, &se));
		R(mq_notify(q, NULL));
		_exit(0);
	}
	waitpid(pid, &wst, 0);
	R(lseek(q, 0, SEEK_SET));
	n = R(read(q, buf, sizeof(buf)));
	printf("registered: %d\n", strstr(buf, "NOTIFY:0     SIGNO:10 ") != NULL);
	R(mq_send(q2, "ping", 4, 0));
	siginfo_t si;
	struct timespec wait = { 2, 0 };
	R(sigtimedwait(&set, &si, &wait));
	printf("signal %d code %d value %d pid-me %d\n", si.si_signo, si.si_code,
	       si.si_value.sival_int, si.si_pid == getpid());
	rcv(q);
	R(mq_send(q2, "again", 5, 0));
	struct timespec zero = { 0, 0 };
	R(sigtimedwait(&set, &si, &zero));
	rcv(q);
	R(mq_notify(q, &se));
	R(mq_notify(q, NULL));
	R(mq_notify(q, NULL));
	se.sigev_notify = SIGEV_NONE;
	R(mq_notify(q, &se));
	R(mq_send(q2, "none", 4, 0));
	R(mq_notify(q, &se));
	R(mq_notify(q, NULL));
	se.sigev_notify = 99;
	R(mq_notify(q, &se));
	se.sigev_notify = SIGEV_SIGNAL;
	se.sigev_signo = 100;
	R(mq_notify(q, &se));
	rcv(q);

	/* a non-root child */
	pid = fork();
	if (pid == 0) {
		if (setgid(1000) || setuid(1000))
			_exit(9);
		R(mq_open(name, O_RDONLY));
		R(mq_open(name, O_WRONLY));
		R(mq_open(name2, O_RDONLY));
		_exit(0);
	}
	waitpid(pid, &wst, 0);

	/* errors */
	R(mq_send(0, "x", 1, 0));
	R(mq_getattr(-1, &a));
	R(mq_open("/a/b", O_RDONLY));
	R(mq_open("/no-such-queue-htux", O_RDONLY));
	char longname[300] = "/";
	memset(longname + 1, 'n', 280);
	R(mq_open(longname, O_CREAT | O_RDWR, 0600, NULL));
	sa.mq_maxmsg = 0;
	R(mq_open("/htux-abi-bad", O_CREAT | O_RDWR, 0600, &sa));
	sa.mq_maxmsg = 2;
	sa.mq_msgsize = -1;
	R(mq_open("/htux-abi-bad", O_CREAT | O_RDWR, 0600, &sa));

	/* unlink: the open descriptors go on */
	R(mq_unlink(name));
	R(mq_unlink(name));
	R(mq_open(name, O_RDONLY));
	R(mq_send(q, "after", 5, 0));
	rcv(q);
	R(mq_close(q));
	R(mq_close(q2));
	R(mq_unlink(name2));
	R(mq_close(s));
	return 0;
}
