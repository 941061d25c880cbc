/* signalfd.c: signals read from a signalfd: the siginfo fields by sender
 * (kill, tgkill, sigqueue), dequeuing, nonblocking reads, poll and epoll
 * readiness, changing the mask, a read that blocks until another thread
 * sends, and the errors. */
#include "abi.h"
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>

static void show(int fd)
{
	struct signalfd_siginfo si[4];
	errno = 0;
	long n = read(fd, si, sizeof(si));
	if (n < 0) {
		printf("read: %s\n", abi_errname(errno));
		return;
	}
	printf("read: %ld bytes\n", n);
	for (long i = 0; i < n / (long)sizeof(si[0]); i++)
		printf("  signo %u code %d pid_is_me %d int %d\n", si[i].ssi_signo, si[i].ssi_code,
		       si[i].ssi_pid == (uint32_t)getpid(), si[i].ssi_int);
}

static int pending(int sig)
{
	sigset_t s;
	sigpending(&s);
	return sigismember(&s, sig);
}

static void *sender(void *arg)
{
	struct timespec ts = { 0, 100 * 1000000 };
	nanosleep(&ts, NULL);
	kill(getpid(), SIGUSR2);
	return NULL;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGUSR2);
	sigaddset(&m, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &m, NULL);
	int fd = OK(signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC));
	R(fcntl(fd, F_GETFD));
	R(fcntl(fd, F_GETFL) & O_NONBLOCK);
	show(fd);
	struct pollfd pf = { fd, POLLIN, 0 };
	R(poll(&pf, 1, 0));
	kill(getpid(), SIGUSR1);
	R(poll(&pf, 1, 0));
	printf("revents %x\n", pf.revents);
	printf("pending USR1: %d\n", pending(SIGUSR1));
	show(fd);
	printf("pending USR1: %d\n", pending(SIGUSR1));
	/* several at once: lowest first; real-time ones queue */
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR2);
	union sigval v = { .sival_int = 42 };
	sigqueue(getpid(), SIGRTMIN, v);
	v.sival_int = 43;
	sigqueue(getpid(), SIGRTMIN, v);
	kill(getpid(), SIGUSR1);
	show(fd);
	show(fd);
	/* a buffer for less than one record */
	kill(getpid(), SIGUSR1);
	char small[64];
	R(read(fd, small, sizeof(small)));
	/* a new mask: USR1 stays pending but is not read */
	sigset_t only2;
	sigemptyset(&only2);
	sigaddset(&only2, SIGUSR2);
	R(signalfd(fd, &only2, 0) == fd);
	show(fd);
	printf("pending USR1: %d\n", pending(SIGUSR1));
	/* epoll */
	int ep = OK(epoll_create1(0));
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u32 = 7 }, out;
	R(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	R(epoll_wait(ep, &out, 1, 0));
	kill(getpid(), SIGUSR2);
	R(epoll_wait(ep, &out, 1, 0));
	printf("data %u events %x\n", out.data.u32, out.events);
	R(epoll_wait(ep, &out, 1, 0));
	show(fd);
	/* a blocking read, woken by a signal from another thread */
	int bfd = OK(signalfd(-1, &only2, 0));
	pthread_t t;
	pthread_create(&t, NULL, sender, NULL);
	show(bfd);
	pthread_join(t, NULL);
	/* errors */
	R(signalfd(-1, &m, 0x1234));
	R(syscall(SYS_signalfd4, -1, &m, 4, 0));
	int pp[2];
	R(pipe(pp));
	R(signalfd(pp[0], &m, 0));
	R(signalfd(99, &m, 0));
	R(write(fd, "x", 1));
	R(lseek(fd, 0, SEEK_SET));
	return 0;
}
