/* redzone.c: the x86_64 red zone (the 128 bytes below %rsp a leaf function
 * may use without moving %rsp) survives interrupts and signals: a leaf
 * routine in assembly fills it, spins while the timer interrupts it and
 * SIGALRM handlers run, and checks it. Run in ring 0 (htux run
 * --fast-syscalls) an interrupt frame pushed on the program's stack would
 * land there (tests/boot/fastsys.sh). Prints the same on Linux. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/* rz_round(seed, spins): writes seed + i to the 16 quadwords below %rsp,
 * counts spins down, returns how many quadwords changed meanwhile. */
long rz_round(unsigned long seed, unsigned long spins);
__asm__(".text\n"
	".globl rz_round\n"
	".type rz_round, @function\n"
	"rz_round:\n"
	"	leaq -128(%rsp), %r8\n"
	"	movq %rdi, %rdx\n"
	"	movl $16, %ecx\n"
	"1:	movq %rdx, (%r8)\n"
	"	addq $8, %r8\n"
	"	incq %rdx\n"
	"	decl %ecx\n"
	"	jnz 1b\n"
	"2:	decq %rsi\n"
	"	jnz 2b\n"
	"	xorl %eax, %eax\n"
	"	leaq -128(%rsp), %r8\n"
	"	movq %rdi, %rdx\n"
	"	movl $16, %ecx\n"
	"3:	cmpq %rdx, (%r8)\n"
	"	je 4f\n"
	"	incq %rax\n"
	"4:	addq $8, %r8\n"
	"	incq %rdx\n"
	"	decl %ecx\n"
	"	jnz 3b\n"
	"	ret\n"
	".size rz_round, . - rz_round\n");

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
	setitimer(ITIMER_REAL, &it, NULL);

	long bad = 0, rounds = 0;
	double start = now();
	while ((alarms < 40 || now() - start < 0.3) && now() - start < 20) {
		bad += rz_round(0x5a5a000000000000ul + (unsigned long)rounds * 16, 20000);
		rounds++;
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	printf("red zone: %ld quadwords changed; %s\n", bad,
	       alarms >= 40 ? "at least 40 signals came" : "too few signals");
	return bad != 0;
}
