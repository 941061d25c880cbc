/* fastcall_edge.c: the edges of a rewritten system call site (the
 * "mov $N,%eax; syscall" shape htux --fast-syscalls turns into a call to
 * the kernel): a fault right after the call (its handler sees the faulting
 * instruction's address and the call's result), a single step (TF) over
 * the site and the instructions around it, a signal that interrupts a
 * blocking call at a site (SA_RESTART, then EINTR), and many calls while
 * timer interrupts land. "fastcall_edge loop N": N calls at a site, each
 * result checked (status 1 at the first wrong one). Prints what Linux shows; run by
 * tests/boot/fastcall.sh. The step's sequence of addresses is printed as
 * offsets from the first, counting only those in this function's code. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

extern char after_call[], after_fault[], step_from[], step_to[];
static volatile uintptr_t fault_rip, fault_rax;
static uintptr_t steps[64];
static volatile int nsteps, alarms;

static void on_segv(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	(void)sig;
	(void)si;
	fault_rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	fault_rax = (uintptr_t)uc->uc_mcontext.gregs[REG_RAX];
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)after_fault;
}

static void on_trap(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	(void)sig;
	(void)si;
	if (rip >= (uintptr_t)step_from && rip <= (uintptr_t)step_to && nsteps < 64)
		steps[nsteps++] = rip;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* The sites: each asm block holds one "mov $N,%eax; syscall". */
static __attribute__((noinline, noclone)) long fault_after_call(void)
{
	long r;
	__asm__ volatile("movl $39, %%eax\n\t"
			 "syscall\n"
			 "after_call:\n\t"
			 "movq 0, %%rdx\n" /* faults: the handler skips it */
			 "after_fault:"
			 : "=a"(r)
			 :
			 : "rcx", "rdx", "r11", "memory");
	return r;
}

static __attribute__((noinline, noclone)) long step_over(void)
{
	long r;
	__asm__ volatile("pushfq\n\t"
			 "orq $0x100, (%%rsp)\n\t"
			 "popfq\n"
			 "step_from:\n\t"
			 "nop\n\t"
			 "movl $39, %%eax\n\t"
			 "syscall\n\t"
			 "nop\n\t"
			 "nop\n\t"
			 "pushfq\n\t"
			 "andq $~0x100, (%%rsp)\n\t"
			 "popfq\n"
			 "step_to:"
			 : "=a"(r)
			 :
			 : "rcx", "r11", "memory");
	return r;
}

static __attribute__((noinline, noclone)) long site_read(int fd, void *buf, long n)
{
	long r;
	__asm__ volatile("movl $0, %%eax\n\tsyscall"
			 : "=a"(r)
			 : "D"(fd), "S"(buf), "d"(n)
			 : "rcx", "r11", "memory");
	return r;
}

static __attribute__((noinline, noclone)) long site_getpid(void)
{
	long r;
	__asm__ volatile("movl $39, %%eax\n\tsyscall" : "=a"(r) : : "rcx", "r11", "memory");
	return r;
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "loop")) { /* N calls, each checked */
		long n = atol(argv[2]), pid = getpid();
		for (long i = 0; i < n; i++)
			if (site_getpid() != pid)
				return 1;
		return 0;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	long r = fault_after_call();
	printf("fault after the call: at the next instruction %s, rax the result %s\n",
	       fault_rip == (uintptr_t)after_call ? "yes" : "no",
	       fault_rax == (uintptr_t)getpid() && r == getpid() ? "yes" : "no");

	sa.sa_sigaction = on_trap;
	sigaction(SIGTRAP, &sa, NULL);
	r = step_over();
	printf("single step: getpid %s, %d steps:", r == getpid() ? "right" : "wrong", nsteps);
	for (int i = 0; i < nsteps; i++)
		printf(" +%lu", (unsigned long)(steps[i] - steps[0]));
	printf("\n");

	int p[2];
	pipe(p);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 30000 }, { 0, 30000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	char c;
	if (fork() == 0) {
		usleep(150000);
		write(p[1], "y", 1);
		_exit(0);
	}
	r = site_read(p[0], &c, 1);
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	printf("SA_RESTART read at a site: %ld '%c', %s signals\n", r, c,
	       alarms > 1 ? "several" : "too few");
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	alarms = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	r = site_read(p[0], &c, 1);
	setitimer(ITIMER_REAL, &off, NULL);
	printf("read at a site without SA_RESTART: %ld, %d signal\n", r, alarms);

	long bad = 0;
	for (int i = 0; i < 200000; i++)
		bad |= site_getpid() != getpid();
	printf("200000 more calls: %s\n", bad ? "wrong results" : "right");
	return 0;
}
