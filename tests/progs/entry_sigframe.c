/* entry_sigframe.c: rt_sigreturn with bad values in the saved registers,
 * as a handler may leave them: the flags all ones, garbage code and stack
 * selectors (with and without UC_STRICT_RESTORE_SS), non-canonical
 * instruction and stack pointers, an instruction pointer just above user
 * space. The kernel must check what it restores; the program goes on or
 * dies as on Linux (mostly SIGSEGV), never a kernel panic. Also: "exec
 * PROG" runs PROG (one with a bad entry point) and shows how it ended, and
 * "far SEL" far-jumps to selector SEL (0x1b: Linux's kernel data, nothing
 * here) and makes a system call there. Run with one mode as argument. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#define UC_STRICT_RESTORE_SS 0x4

static const char *mode;

static void handler(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;
	/* REG_CSGSFS: cs, gs, fs, ss (16 bits each, cs lowest) */
	if (!strcmp(mode, "eflags"))
		g[REG_EFL] = -1;
	else if (!strcmp(mode, "eflags-noTF"))
		g[REG_EFL] = ~0x100L;
	else if (!strcmp(mode, "cs"))
		g[REG_CSGSFS] = (g[REG_CSGSFS] & ~0xffffL) | 0x1234;
	else if (!strcmp(mode, "cs0"))
		g[REG_CSGSFS] &= ~0xffffL;
	else if (!strcmp(mode, "ss"))
		g[REG_CSGSFS] = (g[REG_CSGSFS] & 0xffffffffffffL) | (0x1234L << 48);
	else if (!strcmp(mode, "ss-lax")) {
		g[REG_CSGSFS] = (g[REG_CSGSFS] & 0xffffffffffffL) | (0x1234L << 48);
		uc->uc_flags &= ~UC_STRICT_RESTORE_SS;
	} else if (!strcmp(mode, "rip-hole"))
		g[REG_RIP] = 0x0000800000000000L;
	else if (!strcmp(mode, "rip-dead"))
		g[REG_RIP] = 0xdead000000000000L;
	else if (!strcmp(mode, "rip-top"))
		g[REG_RIP] = 0x00007ffffffff000L;
	else if (!strcmp(mode, "rsp"))
		g[REG_RSP] = 0xdead000000000000L;
}

static int run(char **argv)
{
	pid_t pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 1;
	if (WIFSIGNALED(st))
		printf("exec: killed by signal %d\n", WTERMSIG(st));
	else
		printf("exec: exit %d\n", WEXITSTATUS(st));
	return 0;
}

static void far_jump(unsigned short sel)
{
	extern char far_target[];
	struct {
		unsigned int off;
		unsigned short sel;
	} __attribute__((packed)) far = { (unsigned int)(unsigned long)far_target, sel };
	printf("far: jump to %#x\n", sel);
	__asm__ volatile("ljmpl *%0\n"
			 "far_target:\n\t"
			 "syscall\n\t"
			 "ud2"
			 :
			 : "m"(far)
			 : "memory");
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	if (argc < 2)
		return 2;
	mode = argv[1];
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(mode, "exec") && argc > 2)
		return run(argv + 2);
	if (!strcmp(mode, "far") && argc > 2) {
		far_jump((unsigned short)strtoul(argv[2], NULL, 0));
		return 0;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	printf("%s: before\n", mode);
	raise(SIGUSR1);
	__asm__ volatile("cld" ::: "cc");
	printf("%s: after\n", mode);
	return 0;
}
