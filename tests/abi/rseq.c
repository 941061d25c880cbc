/* rseq.c: restartable sequences. glibc registers an area for every
 * thread (reported by __rseq_size); with GLIBC_TUNABLES=glibc.pthread.rseq=0
 * (the program re-executes itself so) it does not, and the program
 * registers its own, as with musl: the registration's errors (EINVAL,
 * EBUSY, EPERM, EFAULT), the ids written into the area, a critical section
 * aborted by a signal and by preemption (a competitor on the same CPU),
 * rseq_cs cleared by a signal outside it, a bad abort signature (SIGSEGV),
 * and what fork, threads and execve inherit. */
#include "abi.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>

#define SIG 0x53053053
#define UNREGISTER 1

struct area {
	uint32_t cpu_id_start, cpu_id;
	uint64_t rseq_cs;
	uint32_t flags, node_id, mm_cid;
} __attribute__((aligned(32)));

struct cs_desc {
	uint32_t version, flags;
	uint64_t start_ip, post_commit_offset, abort_ip;
} __attribute__((aligned(32)));

static struct area area, other;

/* waitpid, again after a signal: the interval timers of the preemption
 * checks may still fire here (a busy host), and an interrupted wait would
 * leave the status unset. */
static void wait_child(pid_t c, int *st)
{
	while (waitpid(c, st, 0) < 0 && errno == EINTR)
		;
}
static struct cs_desc cs, bad_cs;
static volatile int got_signals;

/* cs_run(&area.rseq_cs, desc): enters the critical section desc names
 * and spins in it; returns 1 once the kernel moved it to the abort
 * handler. The signature precedes each abort handler (a bad one
 * precedes bad_abort). */
int cs_run(uint64_t *rseq_cs, struct cs_desc *d);
extern char cs_start[], cs_post[], cs_abort[], bad_abort[];
__asm__(".text\n"
	".globl cs_run\n"
	"cs_run:\n"
	"	movq %rsi, (%rdi)\n"
	"cs_start:\n"
	"	jmp cs_start\n"
	"cs_post:\n"
	"	xorl %eax, %eax\n"
	"	ret\n"
	"	.long 0x53053053\n"
	"cs_abort:\n"
	"	movl $1, %eax\n"
	"	ret\n"
	"	.long 0x12345678\n"
	"bad_abort:\n"
	"	movl $2, %eax\n"
	"	ret\n");

static long rseq(void *a, uint32_t len, int flags, uint32_t sig)
{
	return syscall(__NR_rseq, a, len, flags, sig);
}

static void on_signal(int sig)
{
	(void)sig;
	got_signals++;
}

static void *thread(void *arg)
{
	struct area *mine = arg;
	/* a new thread has no registration of its own */
	long r = rseq(mine, sizeof(*mine), 0, SIG);
	printf("thread: register = %ld, cpu_id %s\n", r, mine->cpu_id < 4096 ? "set" : "unset");
	if (r == 0)
		rseq(mine, sizeof(*mine), UNREGISTER, SIG);
	return NULL;
}

static void errors(void)
{
	R(rseq(&area, sizeof(area), 2, SIG));
	R(rseq(&area, sizeof(area), UNREGISTER, SIG));
	R(rseq((char *)&area + 8, sizeof(area), 0, SIG));
	R(rseq(&area, 16, 0, SIG));
	R(rseq((void *)0xffff800000000000ul, 32, 0, SIG));
}

static void registered(void)
{
	area.cpu_id = 0xdead;
	area.node_id = 0xdead;
	R(rseq(&area, sizeof(area), 0, SIG));
	SAY(area.cpu_id == area.cpu_id_start && area.cpu_id < 4096);
	SAY(area.node_id == 0);
	R(rseq(&area, sizeof(area), 0, SIG));
	R(rseq(&area, sizeof(area), 0, SIG + 1));
	R(rseq(&other, sizeof(other), 0, SIG));
	R(rseq(&area, 64, 0, SIG));
	R(rseq(&area, sizeof(area), UNREGISTER, SIG + 1));
	R(rseq(&area, 64, UNREGISTER, SIG));
	R(rseq(&other, sizeof(area), UNREGISTER, SIG));
	R(rseq(&area, sizeof(area), UNREGISTER | 4, SIG));
}

static void aborts(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	/* a signal outside the critical section clears rseq_cs */
	area.rseq_cs = (uint64_t)&cs;
	raise(SIGUSR1);
	SAY(area.rseq_cs == 0);

	/* a timer's signal inside it: the handler returns to abort_ip */
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	printf("signal: cs_run = %d, signals %d\n", cs_run(&area.rseq_cs, &cs), got_signals);
	SAY(area.rseq_cs == 0);

	/* preemption: a competitor spins on the same CPU */
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	pid_t c = fork();
	if (c == 0) {
		for (;;)
			;
	}
	got_signals = 0;
	printf("preempted: cs_run = %d, signals %d\n", cs_run(&area.rseq_cs, &cs), got_signals);
	kill(c, SIGKILL);
	wait_child(c, NULL);
}

static void bad_signature(void)
{
	int st;
	pid_t c = fork();
	if (c == 0) {
		area.rseq_cs = (uint64_t)&bad_cs;
		raise(SIGUSR1);
		_exit(0);
	}
	wait_child(c, &st);
	printf("bad signature: %s %d\n", WIFSIGNALED(st) ? "killed by" : "exited",
	       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

static void inherit(char **argv)
{
	int st;
	pid_t c = fork();
	if (c == 0)
		_exit(ABI_CHILD_RESULT(rseq(&area, sizeof(area), 0, SIG)));
	wait_child(c, &st);
	abi_child("fork child registers again", st);

	struct area *mine = aligned_alloc(32, sizeof(*mine));
	memset(mine, 0, sizeof(*mine));
	pthread_t t;
	pthread_create(&t, NULL, thread, mine);
	pthread_join(t, NULL);

	fflush(stdout);
	c = fork();
	if (c == 0) {
		char *args[] = { argv[0], argv[1], "exec", NULL };
		execv("/proc/self/exe", args);
		_exit(99);
	}
	wait_child(c, &st);
	printf("exec child: %d\n", WEXITSTATUS(st));
}

#ifdef __GLIBC__
extern const unsigned int __rseq_size;
#endif

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[2], "exec")) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		/* registered before the exec: not after it */
		R(rseq(&area, sizeof(area), UNREGISTER, SIG));
		R(rseq(&area, sizeof(area), 0, SIG));
		return 0;
	}
	abi_init(argc, argv);
#ifdef __GLIBC__
	if (!getenv("GLIBC_TUNABLES")) {
		printf("glibc: __rseq_size %u\n", __rseq_size);
		fflush(stdout);
		setenv("GLIBC_TUNABLES", "glibc.pthread.rseq=0", 1);
		execv("/proc/self/exe", argv);
		return 1;
	}
	printf("glibc, rseq tunable off: __rseq_size %u\n", __rseq_size);
#endif
	cs.start_ip = (uint64_t)cs_start;
	cs.post_commit_offset = (uint64_t)(uintptr_t)cs_post - (uint64_t)(uintptr_t)cs_start;
	cs.abort_ip = (uint64_t)cs_abort;
	bad_cs = cs;
	bad_cs.abort_ip = (uint64_t)bad_abort;

	errors();
	registered();
	aborts();
	bad_signature();
	inherit(argv);
	R(rseq(&area, sizeof(area), UNREGISTER, SIG));
	SAY(area.cpu_id == (uint32_t)-1);
	return 0;
}
