/* fastcall.c: system calls made by a call to the kernel's
 * fast_syscall_entry, as a rewritten syscall site makes them (htux run
 * --fast-syscalls --append fastsys=selftest: the kernel maps a trampoline
 * page and gives its address in the aux vector entry 0x68740001). Each call
 * jumps to the trampoline with rax, the argument registers and rcx = the
 * address to come back to, as arch/x86_64/syscall_entry.S says. Checks
 * results and errors, rcx and r11 after the call, the red zone, signals
 * and SA_RESTART on a call that blocks, fork, execve, and many calls while
 * timer interrupts land. tests/boot/fastsys.sh compares the output with the
 * same calls made with the syscall instruction. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define AT_HTUX_FASTCALL 0x68740001

static unsigned long tramp; /* 0: use the syscall instruction */
static unsigned long last_rcx, last_r11, last_site;

static long call6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	register unsigned long r11 __asm__("r11");
	long ret;
	unsigned long rcx, site;

	if (!tramp)
		return syscall(nr, a, b, c, d, e, f);
	__asm__ volatile("leaq 1f(%%rip), %%rcx\n\t"
			 "jmp *%[t]\n"
			 "1:\n\t"
			 "leaq 1b(%%rip), %[site]"
			 : "=a"(ret), "=c"(rcx), "=r"(r11), [site] "=r"(site), "+r"(r10), "+r"(r8),
			   "+r"(r9)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), [t] "m"(tramp)
			 : "memory");
	last_rcx = rcx;
	last_r11 = r11;
	last_site = site;
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

#define call(nr, ...) call_n(nr, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define call_n(nr, a, b, c, d, e, f, ...) \
	call6(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

static volatile int alarms;
static int pfd[2];

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
	if (alarms == 1)
		write(pfd[1], "x", 1); /* the restarted read finds it */
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec")) {
		printf("execve through the call: done\n");
		return 3;
	}
	if (argc == 1) {
		tramp = getauxval(AT_HTUX_FASTCALL);
		if (!tramp) {
			printf("no trampoline page (boot with fastsys=selftest)\n");
			return 1;
		}
	}
	const char msg[] = "hello through the call\n";
	long n = call(SYS_write, 1, msg, sizeof(msg) - 1);
	fflush(stdout);
	printf("write: %ld\n", n);
	if (tramp)
		printf("rcx after the call is the return address: %s, r11 the flags: %s\n",
		       last_rcx == last_site ? "yes" : "no",
		       (last_r11 & 0x202) == 0x202 && !(last_r11 & ~0x3fffffful) ? "yes" : "no");
	printf("getpid: %s\n", call(SYS_getpid, 0) == getpid() ? "same" : "differs");
	n = call(SYS_close, -1);
	printf("close(-1): %ld %s\n", n, strerror(errno));
	n = call(SYS_openat, -100, "/no/such/file", 0);
	printf("openat: %ld %s\n", n, strerror(errno));
	n = call(12345, 0);
	printf("12345: %ld %s\n", n, strerror(errno));

	/* six arguments, each seen by the kernel */
	n = call(SYS_mmap, 0, 8192, 3, 0x22, -1, 0);
	printf("mmap: %s\n", n != -1 && *(volatile int *)n == 0 ? "a zero page" : "failed");

	/* a read that blocks until SIGALRM: with SA_RESTART it restarts
	 * (through the trampoline's call again) and reads what the handler
	 * wrote; without it EINTR */
	pipe(pfd);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	char c = 0;
	n = call(SYS_read, pfd[0], &c, 1);
	printf("SA_RESTART read: %ld '%c' after %d signal\n", n, c, alarms);
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	n = call(SYS_read, pfd[0], &c, 1);
	printf("read without SA_RESTART: %ld %s, %d signals\n", n, strerror(errno), alarms);

	/* fork through the call: the child returns 0 to the same site */
	n = call(SYS_fork, 0);
	if (n == 0) {
		call(SYS_exit, 42);
		_exit(1);
	}
	int st = 0;
	waitpid((pid_t)n, &st, 0);
	printf("fork: child status %d\n", WEXITSTATUS(st));

	/* many calls while timer interrupts land between the call and the
	 * kernel; the red zone below the caller's rsp is kept (main calls
	 * functions: the compiler keeps nothing below its rsp) */
	unsigned long bad = 0;
	for (unsigned long i = 1; i <= 20000 && tramp; i++) {
		long nr = SYS_getppid;
		__asm__ volatile("movq %[v], -8(%%rsp)\n\t"
				 "movq %[v], -64(%%rsp)\n\t"
				 "movq %[v], -128(%%rsp)\n\t"
				 "leaq 2f(%%rip), %%rcx\n\t"
				 "jmp *%[t]\n"
				 "2:\n\t"
				 "movq -8(%%rsp), %%rdx\n\t"
				 "xorq %[v], %%rdx\n\t"
				 "orq %%rdx, %[bad]\n\t"
				 "movq -64(%%rsp), %%rdx\n\t"
				 "xorq %[v], %%rdx\n\t"
				 "orq %%rdx, %[bad]\n\t"
				 "movq -128(%%rsp), %%rdx\n\t"
				 "xorq %[v], %%rdx\n\t"
				 "orq %%rdx, %[bad]"
				 : "+a"(nr), [bad] "+r"(bad)
				 : [v] "r"(i * 0x9e3779b97f4a7c15ul), [t] "m"(tramp)
				 : "rcx", "rdx", "r11", "memory");
	}
	printf("20000 calls: %s\n", bad ? "the red zone changed" : "done");
	fflush(stdout);

	/* execve through the call: the new image's frame goes out by IRET */
	char *args[] = { argv[0], "exec", NULL };
	call(SYS_execve, "/proc/self/exe", args, environ);
	printf("execve: %s\n", strerror(errno));
	return 1;
}
