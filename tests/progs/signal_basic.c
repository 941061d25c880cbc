/* signal_basic.c: handlers with siginfo, masks, pending signals, queued
 * real-time signals, sigtimedwait, and the registers and FPU state of the
 * interrupted code surviving a handler. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static volatile int last_signo, last_code, last_pid_ok, last_value;

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	last_signo = si->si_signo;
	last_code = si->si_code;
	last_pid_ok = si->si_pid == getpid();
	last_value = si->si_value.sival_int;
	if (sig >= SIGRTMIN)
		printf("rt handler: value %d\n", si->si_value.sival_int);
}

static void install(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static volatile double fp_noise;
static void on_alarm(int sig)
{
	/* Clobber the FPU and SSE state the interrupted code is using. */
	double x = sig;
	for (int i = 0; i < 50; i++)
		x = x * 1.000001 + 0.5;
	fp_noise = x;
	hits++;
}

int main(void)
{
	sigset_t set, old, pend;

	install(SIGUSR1, 0);
	raise(SIGUSR1);
	printf("raise: hits %d signo %d code %d\n", hits, last_signo, last_code);

	install(SIGUSR2, 0);
	kill(getpid(), SIGUSR2);
	printf("kill: signo %d code %d pid_ok %d\n", last_signo, last_code, last_pid_ok);

	/* Blocked: pending until unblocked, and a standard signal once. */
	hits = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	raise(SIGUSR1);
	sigpending(&pend);
	printf("blocked: hits %d pending %d %d\n", hits, sigismember(&pend, SIGUSR1),
	       sigismember(&pend, SIGUSR2));
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigpending(&pend);
	printf("unblocked: hits %d pending %d\n", hits, sigismember(&pend, SIGUSR1));

	/* Real-time signals queue, each with its value, in order. */
	install(SIGRTMIN + 1, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, &old);
	for (int i = 0; i < 3; i++) {
		union sigval v = { .sival_int = 40 + i };
		sigqueue(getpid(), SIGRTMIN + 1, v);
	}
	printf("queued 3\n");
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("after unblock: code %d\n", last_code);

	/* sigtimedwait: a timeout, then a pending signal taken. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &old);
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	siginfo_t si;
	int r = sigtimedwait(&set, &si, &ts);
	printf("sigtimedwait: %d %s\n", r, r < 0 && errno == EAGAIN ? "EAGAIN" : "?");
	kill(getpid(), SIGUSR2);
	r = sigtimedwait(&set, &si, &ts);
	printf("sigtimedwait: %d signo %d code %d\n", r, si.si_signo, si.si_code);
	kill(getpid(), SIGUSR2);
	r = sigwaitinfo(&set, &si);
	printf("sigwaitinfo: %d\n", r);
	sigprocmask(SIG_SETMASK, &old, NULL);

	/* SIG_IGN discards; SIGCHLD's default is to ignore. */
	signal(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);
	raise(SIGCHLD);
	raise(SIGWINCH);
	printf("ignored ok\n");

	/* The interrupted code's registers (rcx and r11 included: SYSCALL
	 * clobbers them, a return from a handler must not) and FPU state. */
	signal(SIGALRM, on_alarm);
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	hits = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	int bad = 0, rounds = 0;
	while (hits < 20 && rounds < 200000) {
		register unsigned long r11 __asm__("r11") = 0;
		unsigned long n = 100000, rcx = 0;
		__asm__ volatile("1: add $3, %%r11\n\t add %%r11, %%rcx\n\t dec %0\n\t jnz 1b"
				 : "+r"(n), "+c"(rcx), "+r"(r11));
		/* sum of 3k for k = 1..100000 */
		if (r11 != 300000 || rcx != 3UL * 100000 * 100001 / 2)
			bad++;
		double d = 0;
		for (int i = 1; i <= 1000; i++)
			d += 1.0 / i;
		if (d < 7.4854708 || d > 7.4854709)
			bad++;
		rounds++;
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	printf("registers and FPU across handlers: %s (%s)\n", bad ? "CORRUPTED" : "kept",
	       hits >= 20 ? "20 signals" : "too few signals");
	return 0;
}
