/* sched_attr.c: sched_setattr and sched_getattr: the size negotiation
 * (short and long structures, E2BIG and the size written back), nice
 * for the fair policies, real-time priorities, SCHED_DEADLINE's
 * parameters (checked, reported; such a task cannot fork), the KEEP
 * flags, no utilization clamps, and the errors for a bad pid, pointer,
 * flags, policy and an unprivileged caller. */
#include "abi.h"
#include <sched.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#define SCHED_FLAG_RESET_ON_FORK 0x01
#define SCHED_FLAG_DL_OVERRUN 0x04
#define SCHED_FLAG_KEEP_POLICY 0x08
#define SCHED_FLAG_KEEP_PARAMS 0x10
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

struct attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t prio;
	uint64_t runtime, deadline, period;
	uint32_t util_min, util_max;
	uint8_t more[16];
};

static long setattr(int pid, struct attr *a, unsigned flags)
{
	return syscall(SYS_sched_setattr, pid, a, flags);
}

static long getattr(int pid, struct attr *a, unsigned size, unsigned flags)
{
	return syscall(SYS_sched_getattr, pid, a, size, flags);
}

static struct attr mk(uint32_t size, uint32_t pol, uint64_t flags, int nice, uint32_t prio)
{
	struct attr a;
	memset(&a, 0, sizeof(a));
	a.size = size;
	a.policy = pol;
	a.flags = flags;
	a.nice = nice;
	a.prio = prio;
	return a;
}

static void show(void)
{
	struct attr a;
	memset(&a, 0xff, sizeof(a));
	if (R(getattr(0, &a, 56, 0)) == 0) {
		printf("  size %u policy %u flags %#lx nice %d prio %u", a.size, a.policy,
		       (unsigned long)a.flags, a.nice, a.prio);
		if (a.policy == SCHED_DEADLINE)
			printf(" runtime %lu deadline %lu period %lu", (unsigned long)a.runtime,
			       (unsigned long)a.deadline, (unsigned long)a.period);
		printf(" util %u %u\n", a.util_min, a.util_max);
	}
}

static void unprivileged(void)
{
	int st;
	pid_t c = fork();
	if (c == 0) {
		struct rlimit rl = { 0, 0 };
		setrlimit(RLIMIT_NICE, &rl);
		if (setuid(65534) != 0)
			_exit(100);
		struct attr a = mk(48, SCHED_FIFO, 0, 0, 10);
		R(setattr(0, &a, 0));
		a = mk(48, SCHED_DEADLINE, 0, 0, 0);
		a.runtime = 10000000;
		a.deadline = a.period = 100000000;
		R(setattr(0, &a, 0));
		a = mk(48, SCHED_OTHER, 0, -5, 0);
		R(setattr(0, &a, 0));
		a = mk(48, SCHED_OTHER, 0, 5, 0);
		R(setattr(0, &a, 0));
		a = mk(48, SCHED_OTHER, 0, 2, 0);
		R(setattr(0, &a, 0));
		R(setattr(1, &a, 0));
		show();
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("unprivileged child: %d\n", WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct attr a;

	show();
	memset(&a, 0xff, sizeof(a));
	R(getattr(0, &a, 48, 0));
	printf("  size %u, byte 48 untouched: %d\n", a.size, a.util_min == 0xffffffff);
	memset(&a, 0xff, sizeof(a));
	R(getattr(0, &a, sizeof(a), 0));
	printf("  size %u, tail zeroed: %d\n", a.size, a.more[0] == 0 && a.more[15] == 0);
	R(getattr(0, NULL, 48, 0));
	R(getattr(0, &a, 40, 0));
	R(getattr(0, &a, 8192, 0));
	R(getattr(0, &a, 48, 1));
	R(getattr(-1, &a, 48, 0));
	R(getattr(999999, &a, 48, 0));
	R(getattr(0, (void *)8, 48, 0));

	/* sizes: 0 reads as 48; short and long structures */
	a = mk(0, SCHED_OTHER, 0, 5, 0);
	R(setattr(0, &a, 0));
	printf("  nice now %d\n", getpriority(PRIO_PROCESS, 0));
	a = mk(40, SCHED_OTHER, 0, 0, 0);
	R(setattr(0, &a, 0));
	printf("  size written back %u\n", a.size);
	a = mk(sizeof(a), SCHED_OTHER, 0, 0, 0);
	a.more[3] = 1;
	R(setattr(0, &a, 0));
	printf("  size written back %u\n", a.size);
	a.more[3] = 0;
	R(setattr(0, &a, 0));
	a = mk(48, SCHED_OTHER, 0, -40, 0); /* clamped to -20 */
	R(setattr(0, &a, 0));
	show();
	R(setattr(0, NULL, 0));
	R(setattr(-1, &a, 0));
	R(setattr(0, &a, 1));
	R(setattr(999999, &a, 0));
	R(setattr(0, (void *)8, 0));

	/* policies and flags */
	a = mk(48, 7, 0, 0, 0);
	R(setattr(0, &a, 0));
	a = mk(48, SCHED_OTHER, 0x80, 0, 0);
	R(setattr(0, &a, 0));
	a = mk(48, SCHED_OTHER, 0x10000000, 0, 0);
	R(setattr(0, &a, 0));
	a = mk(56, SCHED_OTHER, 0x60, 0, 0);
	a.util_max = 512;
	R(setattr(0, &a, 0));
	a = mk(48, SCHED_OTHER, 0x20, 0, 0);
	R(setattr(0, &a, 0));
	a = mk(48, SCHED_OTHER, 0, 0, 1);
	R(setattr(0, &a, 0));
	a = mk(48, SCHED_FIFO, 0, 0, 0);
	R(setattr(0, &a, 0));
	a = mk(48, SCHED_FIFO, 0, 0, 100);
	R(setattr(0, &a, 0));
	a = mk(48, SCHED_RR, SCHED_FLAG_RESET_ON_FORK, 0, 10);
	R(setattr(0, &a, 0));
	show();
	R(sched_getscheduler(0) & ~SCHED_RESET_ON_FORK);
	a = mk(48, SCHED_BATCH, 0, 3, 0);
	R(setattr(0, &a, 0));
	show();
	/* KEEP_POLICY: the nice changes, the policy stays */
	a = mk(48, SCHED_IDLE, SCHED_FLAG_KEEP_POLICY, 4, 0);
	R(setattr(0, &a, 0));
	show();

	/* SCHED_DEADLINE */
	a = mk(48, SCHED_DEADLINE, 0, 0, 0);
	R(setattr(0, &a, 0));
	a.runtime = 20000000;
	a.deadline = 10000000;
	R(setattr(0, &a, 0));
	a.runtime = 10000;
	a.deadline = a.period = 50000;
	R(setattr(0, &a, 0));
	a.runtime = 1000;
	a.deadline = 30000000;
	a.period = 100000000;
	R(setattr(0, &a, 0));
	a.runtime = 10000000;
	a.period = 20000000000ull;
	R(setattr(0, &a, 0));
	a.period = 100000000;
	a.flags = SCHED_FLAG_DL_OVERRUN;
	R(setattr(0, &a, 0));
	show();
	R(sched_getscheduler(0));
	R(sched_get_priority_max(SCHED_DEADLINE));
	struct sched_param sp = { 0 };
	R(sched_setparam(0, &sp));
	R(sched_setscheduler(0, SCHED_DEADLINE, &sp));
	struct timespec ts;
	R(sched_rr_get_interval(0, &ts));
	printf("  interval %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
	pid_t c = fork();
	if (c == 0)
		_exit(0);
	printf("fork of a deadline task: %s\n", c < 0 ? abi_errname(errno) : "ok");
	if (c > 0)
		waitpid(c, NULL, 0);
	a = mk(48, 0, SCHED_FLAG_KEEP_POLICY | SCHED_FLAG_KEEP_PARAMS, 0, 0);
	R(setattr(0, &a, 0));
	show();
	a = mk(48, SCHED_OTHER, 0, 0, 0);
	R(setattr(0, &a, 0));
	show();

	unprivileged();
	return 0;
}
