/* pidfd.c: pidfd_open (flags, ESRCH, EINVAL), polling a pidfd (poll,
 * select, epoll: readable once the child ends), pidfd_send_signal (NULL
 * and given siginfo, a zombie, ESRCH after reaping, bad flags), pidfd_getfd
 * (a dup of the child's descriptor; EBADF, ESRCH), waitid(P_PIDFD) (with
 * an O_NONBLOCK pidfd: EAGAIN), and clone's CLONE_PIDFD. */
#include "abi.h"
#include <poll.h>
#include <signal.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif

static int popen_(int pid, unsigned fl) { return syscall(SYS_pidfd_open, pid, fl); }
static int psig(int fd, int sig, siginfo_t *si, unsigned fl)
{
	return syscall(SYS_pidfd_send_signal, fd, sig, si, fl);
}
static int pgetfd(int fd, int t, unsigned fl) { return syscall(SYS_pidfd_getfd, fd, t, fl); }

static int readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int sync[2], back[2];
	R(pipe(sync));
	R(pipe(back));
	int child = fork();
	if (child == 0) {
		char c;
		read(sync[0], &c, 1); /* the parent's go: then exit 5 */
		_exit(5);
	}
	R(popen_(child, 1));
	R(popen_(0, 0));
	R(popen_(-1, 0));
	R(popen_(0x3fffffff, 0));
	int pfd = R(popen_(child, 0));
	R(fcntl(pfd, F_GETFD));
	R(readable(pfd));
	char b[8];
	R(read(pfd, b, sizeof(b)));

	/* getfd: the child's end of back, a dup of our own */
	int dup = R(pgetfd(pfd, back[1], 0));
	R(fcntl(dup, F_GETFD));
	R(write(dup, "x", 1));
	R(read(back[0], b, 1));
	R(pgetfd(pfd, 77, 0));
	R(pgetfd(pfd, back[1], 1));
	R(pgetfd(back[0], 0, 0));
	R(pgetfd(99, 0, 0));

	/* signals: 0 checks, bad flags, a siginfo claiming to be the kernel */
	R(psig(pfd, 0, NULL, 0));
	R(psig(pfd, 0, NULL, 8));
	R(psig(back[0], 0, NULL, 0));
	R(psig(pfd, 1000, NULL, 0));
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_USER;
	R(psig(pfd, SIGUSR1, &si, 0));
	si.si_code = SI_QUEUE;
	R(psig(pfd, SIGUSR2, &si, 0));

	R(syscall(SYS_waitid, P_PIDFD, pfd, &si, WEXITED | WNOHANG, NULL));
	int nb = R(popen_(child, O_NONBLOCK));
	R(syscall(SYS_waitid, P_PIDFD, nb, &si, WEXITED, NULL));
	R(syscall(SYS_waitid, P_PIDFD, back[0], &si, WEXITED, NULL));
	R(syscall(SYS_waitid, P_PIDFD, 99, &si, WEXITED, NULL));

	int ep = R(epoll_create1(0));
	struct epoll_event ev = { .events = EPOLLIN }, out;
	R(epoll_ctl(ep, EPOLL_CTL_ADD, pfd, &ev));
	R(epoll_wait(ep, &out, 1, 0));
	R(write(sync[1], "g", 1));
	struct pollfd p = { pfd, POLLIN, 0 };
	R(poll(&p, 1, 5000));
	R(p.revents & POLLIN);
	R(epoll_wait(ep, &out, 1, 5000));
	R(out.events & EPOLLIN);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(pfd, &rs);
	struct timeval tv = { 5, 0 };
	R(select(pfd + 1, &rs, NULL, NULL, &tv));
	R(FD_ISSET(pfd, &rs) != 0);
	R(psig(pfd, SIGKILL, NULL, 0)); /* a zombie: fine, nothing happens */
	R(pgetfd(pfd, 0, 0));

	memset(&si, 0, sizeof(si));
	R(syscall(SYS_waitid, P_PIDFD, pfd, &si, WEXITED | WNOWAIT, NULL));
	R(si.si_pid == child);
	R(si.si_code == CLD_EXITED);
	R(si.si_status);
	R(syscall(SYS_waitid, P_PIDFD, nb, &si, WEXITED, NULL));
	R(readable(pfd));
	R(psig(pfd, 0, NULL, 0));
	R(psig(pfd, SIGTERM, NULL, 0));
	R(pgetfd(pfd, 0, 0));
	R(syscall(SYS_waitid, P_PIDFD, pfd, &si, WEXITED, NULL));
	R(popen_(child, 0));

	/* CLONE_PIDFD: the pidfd where the parent's tid would go */
	int cfd = -1;
	int c2 = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &cfd, 0, 0);
	if (c2 == 0)
		_exit(9);
	R(c2 > 0 && cfd >= 0);
	R(fcntl(cfd, F_GETFD));
	memset(&si, 0, sizeof(si));
	R(syscall(SYS_waitid, P_PIDFD, cfd, &si, WEXITED, NULL));
	R(si.si_status);
	R(syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &cfd, 0, 0));
	R(syscall(SYS_clone, CLONE_PIDFD | CLONE_DETACHED | SIGCHLD, 0, &cfd, 0, 0));

	/* a pidfd for ourselves: signal with our own siginfo */
	int me = R(popen_(getpid(), 0));
	R(readable(me));
	signal(SIGUSR1, SIG_IGN);
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_QUEUE;
	R(psig(me, SIGUSR1, &si, 0));
	R(psig(me, SIGUSR2, &si, 0));
	return 0;
}
