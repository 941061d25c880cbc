/* stress_sig.c: the process and signal parts of the SMP stress program
 * (stress.c): fork, a child that exits with a chosen status or dies of
 * SIGKILL, waitpid; real-time signals and SIGUSR1 sent with tgkill to busy
 * threads in batches, each counted by the handler on the right thread. */
#include "stress.h"
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- fork: children exit with a chosen status or die of SIGKILL */

static void *fork_worker(void *arg)
{
	int n = (int)(long)arg, st;

	while (!atomic_load(&stop)) {
		pid_t pid;

		n++;
		pid = fork();
		if (pid == 0) {
			if (n % 4 == 0)
				syscall(SYS_kill, syscall(SYS_getpid), SIGKILL);
			_exit(n & 0x7f);
		}
		if (pid < 0) {
			fail(P_FORK, "fork: %s", strerror(errno));
			return NULL;
		}
		if (waitpid(pid, &st, 0) != pid)
			fail(P_FORK, "waitpid: %s", strerror(errno));
		else if (n % 4 == 0 ? !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL
				    : !WIFEXITED(st) || WEXITSTATUS(st) != (n & 0x7f))
			fail(P_FORK, "child %d: status %#x", n, st);
		progress(P_FORK);
	}
	return NULL;
}

void start_fork(void)
{
	spawn(P_FORK, fork_worker, (void *)0L);
	spawn(P_FORK, fork_worker, (void *)1000L);
}

/* ---- signal: senders tgkill busy targets with queued real-time signals,
 * in batches, and wait until the targets' handler counted each */

static atomic_long target_tid[SIG_TARGETS];
static atomic_int got[SIG_TARGETS], sig_stray;

static void sig_handler(int sig)
{
	long t = gettid_();

	(void)sig;
	for (int i = 0; i < SIG_TARGETS; i++) {
		if (atomic_load(&target_tid[i]) == t) {
			atomic_fetch_add(&got[i], 1);
			futex(&got[i], FUTEX_WAKE_PRIVATE, 1, 0);
			return;
		}
	}
	atomic_fetch_add(&sig_stray, 1);
}

static void *sig_target(void *arg)
{
	int i = (int)(long)arg;
	struct timespec ts = { 0, 200000 };

	atomic_store(&target_tid[i], gettid_());
	while (!atomic_load(&stop_targets)) {
		/* work a signal frame must not disturb */
		uint64_t n = 5000 + (uint64_t)i, sum = 0;
		double d = 0;

		for (uint64_t k = 1; k <= n; k++) {
			sum += k * k;
			d += (double)k;
		}
		if (sum != n * (n + 1) * (2 * n + 1) / 6 || d != (double)(n * (n + 1) / 2))
			fail(P_SIGNAL, "target %d computed wrongly", i);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void *sig_sender(void *arg)
{
	int i = (int)(long)arg, sent = 0;

	while (!atomic_load(&target_tid[i]))
		sched_yield();
	while (!atomic_load(&stop)) {
		for (int k = 0; k < 4; k++) {
			if (syscall(SYS_tgkill, getpid(), atomic_load(&target_tid[i]),
				    k == 3 ? SIGUSR1 : SIGRTMIN + k))
				fail(P_SIGNAL, "tgkill: %s", strerror(errno));
			sent++;
		}
		for (int v; (v = atomic_load(&got[i])) != sent;)
			futex(&got[i], FUTEX_WAIT_PRIVATE, v, 100);
		progress(P_SIGNAL);
	}
	return NULL;
}

void start_signal(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_handler;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	for (int k = 0; k < 3; k++)
		sigaction(SIGRTMIN + k, &sa, NULL);
	for (long i = 0; i < SIG_TARGETS; i++) {
		spawn(P_SIGNAL, sig_target, (void *)i);
		spawn(P_SIGNAL, sig_sender, (void *)i);
	}
}

int signal_stray(void) { return atomic_load(&sig_stray); }
