/* signal_altstack.c: sigaltstack and SA_ONSTACK: a handler runs on the
 * alternate stack (and sees SS_ONSTACK), SS_AUTODISARM, and a stack
 * overflow caught by a SIGSEGV handler on the alternate stack. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif
#define ALT_SIZE (64 * 1024)
static char *alt;
static volatile int on_alt, ss_onstack, depth_ok;
static sigjmp_buf env;

static int within_alt(void *p) { return (char *)p >= alt && (char *)p < alt + ALT_SIZE; }

static void on_usr1(int sig)
{
	int local;
	stack_t cur;
	(void)sig;
	on_alt = within_alt(&local);
	sigaltstack(NULL, &cur);
	ss_onstack = cur.ss_flags;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	int local;
	(void)sig;
	(void)si;
	(void)uc;
	on_alt = within_alt(&local);
	siglongjmp(env, 1);
}

static int recurse(volatile char *p, int n)
{
	volatile char buf[4096];
	buf[0] = (char)n;
	buf[4095] = p ? p[0] : 0;
	return recurse(buf, n + 1) + buf[100];
}

int main(void)
{
	alt = malloc(ALT_SIZE);
	stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0 }, old;
	if (sigaltstack(&ss, &old) != 0)
		perror("sigaltstack");
	printf("old altstack: flags %d\n", old.ss_flags);
	stack_t small = { .ss_sp = alt, .ss_size = 100, .ss_flags = 0 };
	printf("too small: %d\n", sigaltstack(&small, NULL));

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("without SA_ONSTACK: on alt %d flags %d\n", on_alt, ss_onstack);
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("with SA_ONSTACK: on alt %d flags %d\n", on_alt, ss_onstack);
	sigaltstack(NULL, &old);
	printf("after: flags %d size_ok %d\n", old.ss_flags, old.ss_size == ALT_SIZE);

	/* SS_AUTODISARM: the handler sees the stack disabled. */
	ss.ss_flags = SS_AUTODISARM;
	sigaltstack(&ss, NULL);
	raise(SIGUSR1);
	printf("autodisarm: on alt %d flags %d\n", on_alt, ss_onstack);
	sigaltstack(NULL, &old);
	printf("after autodisarm: flags %d\n", old.ss_flags);
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);

	/* Stack overflow: only a handler on the alternate stack can run. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	on_alt = 0;
	if (sigsetjmp(env, 1) == 0)
		recurse(NULL, 0);
	printf("stack overflow caught on the alternate stack: %d\n", on_alt);
	return 0;
}
