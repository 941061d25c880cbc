/* mq_notify.c: message queue notification: SIGEV_THREAD through the C
 * library (glibc's and musl's both hand the kernel a netlink socket and a
 * cookie, and a thread of theirs runs the function when the cookie comes),
 * the cookie itself on a socket of our own (NOTIFY_WOKENUP when a message
 * comes to the empty queue, NOTIFY_REMOVED when the registration is
 * dropped by mq_notify(NULL) or by closing the queue), SIGEV_SIGNAL's
 * siginfo (SI_MESGQ, the value, the sender), SIGEV_NONE, EBUSY, and the
 * errors of a bad socket, cookie or queue. */
#include "abi.h"
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>

/* musl has no <linux/netlink.h> */
#define NETLINK_ROUTE 0
struct nl_addr {
	unsigned short family, pad;
	unsigned pid, groups;
};

#define COOKIE_LEN 32

static int pipefd[2];
static pthread_t main_thread;

static void fn(union sigval v)
{
	char c = (char)v.sival_int;
	if (pthread_equal(pthread_self(), main_thread))
		c = '!';
	if (write(pipefd[1], &c, 1) != 1)
		_exit(9);
}

static mqd_t open_queue(const char *tag)
{
	char name[64];
	snprintf(name, sizeof(name), "/htux-abi-mqn-%s-%d", tag, getpid());
	struct mq_attr a = { .mq_maxmsg = 4, .mq_msgsize = 16 };
	mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	if (q < 0) {
		printf("mq_open: %s\n", abi_errname(errno));
		exit(1);
	}
	mq_unlink(name);
	return q;
}

static long raw_notify(mqd_t q, const struct sigevent *ev) { return syscall(SYS_mq_notify, q, ev); }

/* One datagram of the cookie socket: its length, sender, last byte and
 * whether the rest is the pattern given. */
static void cookie_recv(int s, const char *what)
{
	unsigned char buf[64];
	struct nl_addr from;
	socklen_t fl = sizeof(from);
	long n = recvfrom(s, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
	if (n < 0) {
		printf("%s: recv %s\n", what, abi_errname(errno));
		return;
	}
	int same = 1;
	for (int i = 0; i < COOKIE_LEN - 1 && i < n; i++)
		same &= buf[i] == (unsigned char)(0xa0 + i);
	printf("%s: %ld bytes from port %u, last byte %d, cookie kept %d\n", what, n,
	       (unsigned)from.pid, n > 0 ? buf[n - 1] : -1, same);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	main_thread = pthread_self();
	/* for SIGEV_SIGNAL, before glibc's SIGEV_THREAD threads exist: they
	 * run with no signal blocked */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (pipe(pipefd))
		return 1;
	char buf[16], c;

	/* the cookie on a netlink socket of our own */
	mqd_t q = open_queue("c");
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	unsigned char cookie[COOKIE_LEN];
	for (int i = 0; i < COOKIE_LEN; i++)
		cookie[i] = (unsigned char)(0xa0 + i);
	struct sigevent raw = { .sigev_notify = SIGEV_THREAD, .sigev_signo = s };
	raw.sigev_value.sival_ptr = cookie;
	R(raw_notify(q, &raw));
	cookie_recv(s, "nothing yet");
	R(raw_notify(q, NULL));
	cookie_recv(s, "removed");
	R(raw_notify(q, &raw));
	R(mq_send(q, "x", 1, 0));
	cookie_recv(s, "woken");
	cookie_recv(s, "once");
	R(raw_notify(q, NULL)); /* none now: nothing sent */
	cookie_recv(s, "none to remove");
	R(mq_receive(q, buf, sizeof(buf), NULL));
	R(raw_notify(q, &raw));
	R(mq_close(q));
	cookie_recv(s, "closed");

	/* errors */
	q = open_queue("e");
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	raw.sigev_signo = 999;
	R(raw_notify(q, &raw));
	raw.sigev_signo = pipefd[0];
	R(raw_notify(q, &raw));
	raw.sigev_signo = sv[0];
	R(raw_notify(q, &raw));
	raw.sigev_signo = s;
	raw.sigev_value.sival_ptr = (void *)8;
	R(raw_notify(q, &raw));
	raw.sigev_value.sival_ptr = cookie;
	R(raw_notify(999, &raw));
	R(raw_notify(pipefd[0], &raw));
	R(raw_notify(q, (void *)8));
	struct sigevent bad = { .sigev_notify = 99 };
	R(raw_notify(q, &bad));
	bad.sigev_notify = SIGEV_SIGNAL;
	bad.sigev_signo = 65;
	R(raw_notify(q, &bad));
	cookie_recv(s, "after errors");

	/* SIGEV_SIGNAL: SI_MESGQ with the value and the sender */
	struct sigevent sig = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	sig.sigev_value.sival_int = 77;
	R(mq_notify(q, &sig));
	R(mq_notify(q, &raw)); /* EBUSY, and the socket is not kept */
	R(mq_send(q, "s", 1, 0));
	siginfo_t si;
	struct timespec ts = { 5, 0 };
	R(sigtimedwait(&set, &si, &ts));
	printf("signo %d code %s value %d pid ok %d\n", si.si_signo,
	       si.si_code == SI_MESGQ ? "SI_MESGQ" : "other", si.si_value.sival_int,
	       si.si_pid == getpid());
	R(mq_receive(q, buf, sizeof(buf), NULL));

	/* SIGEV_NONE: registered, told nothing, then free again */
	struct sigevent none = { .sigev_notify = SIGEV_NONE };
	R(mq_notify(q, &none));
	R(mq_notify(q, &sig));
	R(mq_send(q, "n", 1, 0));
	ts.tv_sec = 0;
	ts.tv_nsec = 1000000;
	R(sigtimedwait(&set, &si, &ts));
	R(mq_notify(q, &sig));
	R(mq_notify(q, NULL));
	R(mq_notify(q, &none));
	cookie_recv(s, "after signals");
	R(mq_close(q));

	/* SIGEV_THREAD through the library: fn runs in another thread */
	q = open_queue("t");
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD };
	ev.sigev_notify_function = fn;
	ev.sigev_value.sival_int = 'A';
	R(mq_notify(q, &ev));
	R(mq_notify(q, &ev));
	R(mq_send(q, "one", 3, 0));
	R(read(pipefd[0], &c, 1));
	printf("thread got '%c'\n", c);
	R(mq_receive(q, buf, sizeof(buf), NULL));
	/* once only: registered again, then a second time */
	ev.sigev_value.sival_int = 'B';
	R(mq_notify(q, &ev));
	R(mq_send(q, "two", 3, 0));
	R(mq_send(q, "three", 5, 0)); /* not to an empty queue */
	R(read(pipefd[0], &c, 1));
	printf("thread got '%c'\n", c);
	R(mq_close(q));
	return 0;
}
