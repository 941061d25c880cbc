/* signal_fault.c: faults delivered to handlers: SIGSEGV (unmapped and
 * read-only, with si_addr and si_code), a handler that fixes the fault and
 * returns, SIGFPE on integer division by zero, SIGILL, SIGTRAP; leaving a
 * handler with siglongjmp. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile unsigned long fault_addr;
static volatile int fault_code, fault_signo;
static volatile long trapno, err;
static char *page;
static volatile int fix_it;

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	fault_signo = sig;
	fault_code = si->si_code;
	fault_addr = (unsigned long)si->si_addr;
	trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	err = uc->uc_mcontext.gregs[REG_ERR];
	if (fix_it) {
		/* Make the page writable: the store runs again and succeeds. */
		mprotect(page, 4096, PROT_READ | PROT_WRITE);
		return;
	}
	siglongjmp(env, 1);
}

static void install(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(sig, &sa, NULL);
}

int main(void)
{
	volatile int *null = (volatile int *)0;
	install(SIGSEGV);
	install(SIGFPE);
	install(SIGILL);
	install(SIGTRAP);

	if (sigsetjmp(env, 1) == 0) {
		(void)*null;
		printf("no fault?\n");
	}
	printf("NULL read: signo %d code %d addr %lx trapno %ld err %ld\n", fault_signo, fault_code,
	       fault_addr, trapno, err);

	page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sigsetjmp(env, 1) == 0) {
		page[100] = 1;
		printf("no fault?\n");
	}
	printf("read-only write: signo %d code %d addr_ok %d trapno %ld err %ld\n", fault_signo,
	       fault_code, fault_addr == (unsigned long)page + 100, trapno, err);

	/* The mask was restored by siglongjmp: SIGSEGV is caught again. */
	fix_it = 1;
	page[200] = 42;
	printf("fixed by the handler: page[200] = %d\n", page[200]);
	fix_it = 0;

	volatile int zero = 0, one = 1;
	if (sigsetjmp(env, 1) == 0) {
		printf("%d\n", one / zero);
	}
	printf("divide by zero: signo %d code %d trapno %ld\n", fault_signo, fault_code, trapno);

	if (sigsetjmp(env, 1) == 0)
		__asm__ volatile("ud2");
	printf("ud2: signo %d code %d trapno %ld\n", fault_signo, fault_code, trapno);

	if (sigsetjmp(env, 1) == 0)
		__asm__ volatile("int3");
	printf("int3: signo %d code %d trapno %ld\n", fault_signo, fault_code, trapno);

	/* Blocked while faulting: the default action (status 139). */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("blocked SIGSEGV next\n");
	fflush(stdout);
	(void)*null;
	printf("survived?\n");
	return 0;
}
