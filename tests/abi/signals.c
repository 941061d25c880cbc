/* signals.c: handlers and masks: sigaction old values, SA_SIGINFO with
 * sigqueue's value, SA_RESETHAND, blocking and pending, sigtimedwait,
 * ignoring, rt_sigprocmask's errors and the unblockable signals. */
#include "abi.h"
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

static volatile int hits, lastval, lastcode;

static void h(int sig) { hits++; }

static void hinfo(int sig, siginfo_t *si, void *uc)
{
	hits++;
	lastval = si->si_value.sival_int;
	lastcode = si->si_code;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct sigaction sa, old;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h;
	R(sigaction(SIGUSR1, &sa, &old));
	printf("old default %d\n", old.sa_handler == SIG_DFL);
	R(raise(SIGUSR1));
	printf("hits %d\n", hits);
	R(sigaction(SIGUSR1, NULL, &old));
	printf("installed %d\n", old.sa_handler == h);
	/* SA_SIGINFO and a queued value */
	sa.sa_sigaction = hinfo;
	sa.sa_flags = SA_SIGINFO;
	R(sigaction(SIGUSR2, &sa, NULL));
	union sigval v = { .sival_int = 1234 };
	R(sigqueue(getpid(), SIGUSR2, v));
	printf("hits %d value %d code %d\n", hits, lastval, lastcode);
	/* blocked: pending until unblocked */
	sigset_t m, o, pend;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	R(sigprocmask(SIG_BLOCK, &m, &o));
	R(raise(SIGUSR1));
	R(raise(SIGUSR1));
	sigpending(&pend);
	printf("pending %d hits %d\n", sigismember(&pend, SIGUSR1), hits);
	R(sigprocmask(SIG_UNBLOCK, &m, NULL));
	printf("hits %d\n", hits);
	/* sigtimedwait takes a blocked one without the handler */
	R(sigprocmask(SIG_BLOCK, &m, NULL));
	R(kill(getpid(), SIGUSR1));
	siginfo_t si;
	struct timespec ts = { 0, 0 };
	R(sigtimedwait(&m, &si, &ts));
	printf("code %d pid_is_me %d hits %d\n", si.si_code, si.si_pid == getpid(), hits);
	R(sigtimedwait(&m, &si, &ts));
	ts.tv_nsec = 20 * 1000000;
	R(sigtimedwait(&m, &si, &ts));
	/* SA_RESETHAND: the handler runs once */
	sa.sa_handler = h;
	sa.sa_flags = SA_RESETHAND;
	R(sigaction(SIGWINCH, &sa, NULL));
	R(raise(SIGWINCH));
	R(sigaction(SIGWINCH, NULL, &old));
	printf("reset %d hits %d\n", old.sa_handler == SIG_DFL, hits);
	/* ignored signals are dropped, even while blocked and pending later */
	signal(SIGUSR2, SIG_IGN);
	R(raise(SIGUSR2));
	R(kill(getpid(), 0));
	/* errors */
	R(sigaction(SIGKILL, &sa, NULL));
	R(sigaction(SIGSTOP, &sa, NULL));
	R(sigaction(0, &sa, NULL));
	R(sigaction(65, &sa, NULL));
	R(kill(getpid(), 65));
	R(syscall(SYS_rt_sigprocmask, 99, &m, NULL, 8));
	R(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &m, NULL, 4));
	sigfillset(&m);
	R(sigprocmask(SIG_SETMASK, &m, NULL));
	R(sigprocmask(SIG_SETMASK, NULL, &o));
	printf("KILL blocked %d STOP blocked %d USR1 blocked %d\n", sigismember(&o, SIGKILL),
	       sigismember(&o, SIGSTOP), sigismember(&o, SIGUSR1));
	return 0;
}
