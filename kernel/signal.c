/* signal.c: the program's signal state (dispositions and mask, as
 * rt_sigaction and rt_sigprocmask set them) and the default action of a
 * fault: one line naming the signal, the address and the instruction,
 * then exit with 128+signal. */
#include "kernel/kernel.h"
#include "kernel/signal.h"
#include "arch/x86_64/trap.h"

struct k_sigaction sigactions[NSIGNALS];
uint64_t sigmask;

static const char *const names[] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
	[SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
	[SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM", [SIGSTKFLT] = "SIGSTKFLT",
	[SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
	[SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
	[SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR", [SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
	if (sig > 0 && sig < (int)ARRAY_SIZE(names) && names[sig])
		return names[sig];
	return "signal";
}

void signal_fault(struct trapframe *tf, int sig, uint64_t addr)
{
	if (sig == SIGSEGV || sig == SIGBUS)
		kprintf("htux: program killed by %s: bad access at 0x%lx (ip 0x%lx)\n",
			signal_name(sig), addr, tf->rip);
	else
		kprintf("htux: program killed by %s at ip 0x%lx\n", signal_name(sig), tf->rip);
	if (kopts.verbose)
		trap_dump(tf);
	vm_exit(128 + sig);
}
