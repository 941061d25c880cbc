/* fastlight.c: the light calls' entry (fast_light_entry: getpid and the
 * like, with interrupts left on and the flags restored without POPF) and
 * hostile values on both fast entries, through the test hook's page
 * (htux run --fast-syscalls --append fastsys=selftest: its address in the
 * aux vector entry 0x68740001, the full entry's trampoline at its start,
 * the light one's at byte 64). Checks the ids against libc's, the flags
 * and registers a SYSCALL keeps, DF set (the full path takes it), a call
 * that is not light made through the light entry, a signal's handler
 * making light calls while the main loop makes calls through both (a
 * signal at an entry's first byte or at its last jump), and in children:
 * the site's end (rcx) not canonical or in the kernel's half, and the
 * stack on an unmapped page, each ending with SIGSEGV, and a jump straight
 * to an entry with such a stack coming back. Prints one line per check; run by
 * tests/boot/fastlight.sh, which compares with the lines it expects. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define AT_HTUX_FASTCALL 0x68740001
#define LIGHT 64         /* the light entry's trampoline in the page */
#define FL_ARITH 0x8d5UL /* OF SF ZF AF PF CF */
#define FL_DF 0x400UL

static unsigned long page;

/* One call through the trampoline at t with the flags set to fl first:
 * the result, and the flags and r11 after it. */
static long call_fl(unsigned long t, long nr, long a, long b, long c, unsigned long fl,
		    unsigned long *fl_after, unsigned long *r11_after)
{
	register unsigned long r11 __asm__("r11");
	long ret;
	unsigned long f;
	__asm__ volatile("leaq -128(%%rsp), %%rsp\n\t" /* the red zone */
			 "pushq %[fl]\n\t"
			 "popfq\n\t"
			 "leaq 128(%%rsp), %%rsp\n\t"
			 "leaq 1f(%%rip), %%rcx\n\t"
			 "jmp *%[t]\n"
			 "1:\n\t"
			 "leaq -128(%%rsp), %%rsp\n\t"
			 "pushfq\n\t"
			 "popq %[f]\n\t"
			 "leaq 128(%%rsp), %%rsp\n\t"
			 "cld"
			 : "=a"(ret), [f] "=&r"(f), "=r"(r11), "+D"(a), "+S"(b), "+d"(c)
			 : "a"(nr), [t] "r"(t), [fl] "r"(fl)
			 : "rcx", "r8", "r9", "r10", "memory", "cc");
	*fl_after = f;
	*r11_after = r11;
	return ret;
}

static long call1(unsigned long t, long nr, long a)
{
	unsigned long f, r;
	return call_fl(t, nr, a, 0, 0, 0x202, &f, &r);
}

/* Every register but rax, rcx and r11 kept by a call at t? */
extern int regs_kept(unsigned long t, long nr);
__asm__(".globl regs_kept\n"
	"regs_kept:\n\t"
	"pushq %rbx\n\tpushq %rbp\n\tpushq %r12\n\tpushq %r13\n\tpushq %r14\n\tpushq %r15\n\t"
	"movq %rdi, %r11\n\tmovq %rsi, %rax\n\t"
	"movq $0x1111, %rbx\n\tmovq $0x2222, %rbp\n\tmovq $0x3333, %rdi\n\t"
	"movq $0x4444, %rsi\n\tmovq $0x5555, %rdx\n\tmovq $0x6666, %r8\n\t"
	"movq $0x7777, %r9\n\tmovq $0x8888, %r10\n\tmovq $0x9999, %r12\n\t"
	"movq $0xaaaa, %r13\n\tmovq $0xbbbb, %r14\n\tmovq $0xcccc, %r15\n\t"
	"leaq 1f(%rip), %rcx\n\tjmp *%r11\n"
	"1:\n\txorl %eax, %eax\n\t"
	"cmpq $0x1111, %rbx\n\tjne 2f\n\tcmpq $0x2222, %rbp\n\tjne 2f\n\t"
	"cmpq $0x3333, %rdi\n\tjne 2f\n\tcmpq $0x4444, %rsi\n\tjne 2f\n\t"
	"cmpq $0x5555, %rdx\n\tjne 2f\n\tcmpq $0x6666, %r8\n\tjne 2f\n\t"
	"cmpq $0x7777, %r9\n\tjne 2f\n\tcmpq $0x8888, %r10\n\tjne 2f\n\t"
	"cmpq $0x9999, %r12\n\tjne 2f\n\tcmpq $0xaaaa, %r13\n\tjne 2f\n\t"
	"cmpq $0xbbbb, %r14\n\tjne 2f\n\tcmpq $0xcccc, %r15\n\tjne 2f\n\t"
	"movl $1, %eax\n"
	"2:\n\tpopq %r15\n\tpopq %r14\n\tpopq %r13\n\tpopq %r12\n\tpopq %rbp\n\tpopq %rbx\n\t"
	"ret\n");

/* hostile(target, nr, rcx, rsp): jumps to target with rax = nr and the
 * given rcx (0: the way back below) and rsp (0: unchanged); the way back
 * takes the stack from rbx. */
extern long hostile(unsigned long target, long nr, unsigned long rcx, unsigned long rsp);
__asm__(".globl hostile\n"
	"hostile:\n\t"
	"pushq %rbx\n\tpushq %rbp\n\t"
	"movq %rsp, %rbx\n\tmovq %rdi, %r11\n\tmovq %rsi, %rax\n\t"
	"testq %rdx, %rdx\n\tjnz 1f\n\tleaq 2f(%rip), %rdx\n"
	"1:\n\ttestq %rcx, %rcx\n\tjz 3f\n\tmovq %rcx, %rsp\n"
	"3:\n\tmovq %rdx, %rcx\n\tjmp *%r11\n"
	"2:\n\tmovq %rbx, %rsp\n\tpopq %rbp\n\tpopq %rbx\n\tret\n");

static void in_child(const char *what, unsigned long t, long nr, unsigned long rcx,
		     unsigned long rsp)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		hostile(t, nr, rcx, rsp);
		_exit(7); /* came back */
	}
	int st;
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		printf("%s: signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: status %d\n", what, WEXITSTATUS(st));
}

static volatile long handler_bad, handler_calls;

static void on_alarm(int sig)
{
	(void)sig;
	for (int i = 0; i < 100; i++, handler_calls++)
		if (call1(page + LIGHT, SYS_getpid, 0) != getpid())
			handler_bad++;
}

int main(void)
{
	page = getauxval(AT_HTUX_FASTCALL);
	if (!page) {
		printf("no test hook page (fastsys=selftest)\n");
		return 2;
	}
	unsigned long light = page + LIGHT;
	static const long ids[] = { SYS_getpid, SYS_gettid,  SYS_getuid, SYS_geteuid,
				    SYS_getgid, SYS_getegid, SYS_getpgrp };
	int same = 1;
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		same &= call1(light, ids[i], 0) == syscall(ids[i]) &&
			call1(page, ids[i], 0) == syscall(ids[i]);
	printf("ids through both entries: %s\n", same ? "as libc's" : "WRONG");

	static const unsigned long pats[] = { 0, FL_ARITH, 0x801, 0x0c4, 0x011, 0x880 };
	int kept = 1, r11_ok = 1;
	for (unsigned e = 0; e < 2; e++)
		for (unsigned i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
			unsigned long f, r11;
			long r = call_fl(e ? light : page, SYS_getpid, 0, 0, 0, 0x202 | pats[i], &f,
					 &r11);
			kept &= r == getpid() && (f & (FL_ARITH | FL_DF)) == pats[i];
			r11_ok &= (r11 & (FL_ARITH | FL_DF)) == pats[i];
		}
	printf("flags kept by a call: %s; r11 the flags: %s\n", kept ? "yes" : "NO",
	       r11_ok ? "yes" : "NO");

	unsigned long f, r11;
	long r = call_fl(light, SYS_getpid, 0, 0, 0, 0x202 | FL_DF | 0x41, &f, &r11);
	printf("DF set: result %s, DF and the flags kept %s\n", r == getpid() ? "right" : "WRONG",
	       (f & (FL_ARITH | FL_DF)) == (FL_DF | 0x41) ? "yes" : "NO");

	printf("registers kept: full %s, light %s, light entry for write %s\n",
	       regs_kept(page, SYS_getpid) ? "yes" : "NO",
	       regs_kept(light, SYS_getpid) ? "yes" : "NO",
	       regs_kept(light, SYS_sched_yield) ? "yes" : "NO");
	fflush(stdout);
	static const char msg[] = "a write through the light entry\n";
	r = call_fl(light, SYS_write, 1, (long)msg, sizeof(msg) - 1, 0x202, &f, &r11);
	printf("its result: %ld\n", r);
	printf("bad number through the light entry: %ld\n", call1(light, 100000, 0));

	/* signal handlers making light calls while the loop makes them */
	signal(SIGALRM, on_alarm);
	struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	long bad = 0, pid = getpid();
	for (long i = 0; i < 300000 && handler_calls < 2000; i++)
		if (call1(i & 1 ? light : page, SYS_getpid, 0) != pid)
			bad++;
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	printf("light calls under a timer's signals: %s, the handler's %s\n",
	       bad ? "WRONG" : "right", handler_calls >= 100 && !handler_bad ? "right" : "WRONG");

	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(m + 4096, 4096);
	unsigned long hole = (unsigned long)m + 4096 + 2048;
	for (unsigned e = 0; e < 2; e++) {
		unsigned long t = e ? light : page;
		char what[80];
		const char *name = e ? "light" : "full";
		snprintf(what, sizeof(what), "%s, rcx not canonical", name);
		in_child(what, t, SYS_getpid, 0x0000800000000000UL, 0);
		snprintf(what, sizeof(what), "%s, rcx in the kernel's half", name);
		in_child(what, t, SYS_getpid, 0xffffffff80100000UL, 0);
		snprintf(what, sizeof(what), "%s, the stack on an unmapped page", name);
		in_child(what, t, SYS_getpid, 0, hole);
		/* straight to the entry (the slot after the trampoline's code) */
		unsigned long entry = *(unsigned long *)(t + 16);
		long got = hostile(entry, SYS_getpid, 0, hole);
		printf("%s entry called straight with the stack unmapped: %s\n", name,
		       got == getpid() ? "the result" : "WRONG");
	}
	return 0;
}
