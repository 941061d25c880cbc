/* entry_df.c: the kernel must not inherit the program's direction flag.
 * Each mode sets DF (std) in the program and has the kernel work while it
 * is set: page faults on fresh pages (each must read as zero, data written
 * before must survive), musl's memmove copying backwards into fresh pages,
 * system calls that copy data, a thread spinning with DF set across timer
 * interrupts while others move data through a pipe, and a signal handler
 * that sets DF in the saved flags (Linux keeps it on return). Prints the
 * same on Linux. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <ucontext.h>
#include <unistd.h>

#define PG 4096
#define FL_DF 0x400UL

static char *map(size_t n)
{
	char *p = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* A store with DF set: a fresh page faults in with the program's DF. */
static void store_df(char *p, char v)
{
	__asm__ volatile("std\n\tmovb %1, (%0)\n\tcld" : : "r"(p), "q"(v) : "memory", "cc");
}

static long syscall_df(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("std\n\tsyscall\n\tcld"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory", "cc");
	return r;
}

static unsigned char pat(size_t i) { return (unsigned char)(i * 7 + i / 4093 + 1); }

static void pages(void)
{
	enum { N = 2048 };
	char *dirty = map(N); /* leaves nonzero free pages behind */
	memset(dirty, 0xa5, (size_t)N * PG);
	munmap(dirty, (size_t)N * PG);
	char *keep = map(N), *fresh = map(N);
	int bad = 0, lost = 0;
	for (int i = 0; i < N; i++) {
		memset(keep + (size_t)i * PG, i % 251 + 1, PG);
		store_df(fresh + (size_t)i * PG + 100, 0x5a);
	}
	for (int i = 0; i < N; i++) {
		char *f = fresh + (size_t)i * PG, *k = keep + (size_t)i * PG;
		int b = 0, l = 0;
		for (int j = 0; j < PG; j++) {
			b |= f[j] != (j == 100 ? 0x5a : 0);
			l |= k[j] != (char)(i % 251 + 1);
		}
		bad += b;
		lost += l;
	}
	printf("pages: %d of %d fresh pages faulted in with DF set not zero-filled, %d lost data\n",
	       bad, N, lost);
}

static void backward_memmove(void)
{
	enum { N = 1024, SHIFT = 512 };
	char *p = map(N + SHIFT + 64);
	for (size_t i = 0; i < (size_t)N * PG; i++)
		p[i] = pat(i);
	/* overlapping, destination above: musl copies backwards (std; rep
	 * movsb), faulting in the pages above the source with DF set */
	memmove(p + (size_t)SHIFT * PG + 8, p, (size_t)N * PG);
	size_t wrong = 0, nonzero = 0;
	for (size_t i = 0; i < (size_t)N * PG; i++)
		wrong += p[(size_t)SHIFT * PG + 8 + i] != (char)pat(i);
	for (size_t i = (size_t)(N + SHIFT + 1) * PG; i < (size_t)(N + SHIFT + 64) * PG; i++)
		nonzero += p[i] != 0;
	printf("memmove: %zu wrong bytes copied, %zu nonzero bytes in untouched pages\n", wrong,
	       nonzero);
}

static void syscalls(void)
{
	int fd[2];
	if (pipe(fd))
		return;
	enum { LEN = 3 * PG + 123 };
	char *src = map(4), *dst = map(4); /* dst: faulted in by the kernel's copy */
	for (int i = 0; i < LEN; i++)
		src[i] = pat(i);
	long w = syscall_df(SYS_write, fd[1], (long)src, LEN);
	long r = syscall_df(SYS_read, fd[0], (long)dst, LEN);
	printf("pipe with DF set: wrote %ld, read %ld, same: %d\n", w, r, !memcmp(src, dst, LEN));

	char a[8192], b[8192];
	int dfd = open("/", O_RDONLY | O_DIRECTORY);
	long na = syscall(SYS_getdents64, dfd, a, sizeof(a));
	lseek(dfd, 0, SEEK_SET);
	long nb = syscall_df(SYS_getdents64, dfd, (long)b, sizeof(b));
	printf("getdents64 with DF set: same: %d\n", na > 0 && na == nb && !memcmp(a, b, na));
	struct utsname u1, u2;
	uname(&u1);
	syscall_df(SYS_uname, (long)&u2, 0, 0);
	printf("uname with DF set: same: %d\n", !memcmp(&u1, &u2, sizeof(u1)));
}

static volatile int stop;
static int spin_pipe[2];
enum { CHUNKS = 400, CHUNK = 1000 };

static void *spinner(void *arg)
{
	(void)arg;
	/* DF set across timer interrupts until told to stop */
	__asm__ volatile("std\n1:\tpause\n\tcmpl $0, %0\n\tje 1b\n\tcld"
			 :
			 : "m"(stop)
			 : "memory", "cc");
	return NULL;
}

static void *writer(void *arg)
{
	(void)arg;
	char buf[CHUNK];
	for (int c = 0; c < CHUNKS; c++) {
		for (int i = 0; i < CHUNK; i++)
			buf[i] = pat((size_t)c * CHUNK + i);
		if (write(spin_pipe[1], buf, CHUNK) != CHUNK)
			break;
		if (c % 50 == 0)
			usleep(1000);
	}
	return NULL;
}

static void spin(void)
{
	pthread_t s, w;
	if (pipe(spin_pipe))
		return;
	pthread_create(&s, NULL, spinner, NULL);
	pthread_create(&w, NULL, writer, NULL);
	size_t got = 0, wrong = 0;
	char buf[777];
	while (got < (size_t)CHUNKS * CHUNK) {
		ssize_t n = read(spin_pipe[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			wrong += buf[i] != (char)pat(got + i);
		got += n;
	}
	stop = 1;
	pthread_join(w, NULL);
	pthread_join(s, NULL);
	printf("spin: a thread spun with DF set; %zu bytes through a pipe, %zu wrong\n", got,
	       wrong);
}

static void set_df(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	uc->uc_mcontext.gregs[REG_EFL] |= FL_DF;
}

static void sigdf(void)
{
	enum { N = 64 };
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = set_df;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	char *p = map(N), *q = p;
	long n = N, r;
	unsigned long fl;
	/* the handler returns after the syscall with DF set: the stores
	 * fault the pages in with it */
	__asm__ volatile("syscall\n"
			 "1:\tmovb $7, (%[p])\n\t"
			 "addq $4096, %[p]\n\t"
			 "decq %[n]\n\t"
			 "jnz 1b\n\t"
			 "pushfq\n\t"
			 "popq %[fl]\n\t"
			 "cld"
			 : "=a"(r), [p] "+r"(q), [n] "+r"(n), [fl] "=&r"(fl)
			 : "a"((long)SYS_tgkill), "D"((long)getpid()), "S"((long)gettid()),
			   "d"((long)SIGUSR1)
			 : "rcx", "r11", "memory", "cc");
	int bad = 0;
	for (size_t i = 0; i < (size_t)N * PG; i++)
		bad += p[i] != (i % PG ? 0 : 7);
	printf("sigreturn to DF set: tgkill %ld, DF kept %d, %d wrong bytes in fresh pages\n", r,
	       !!(fl & FL_DF), bad);
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "all";
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(m, "pages") || !strcmp(m, "all"))
		pages();
	if (!strcmp(m, "memmove") || !strcmp(m, "all"))
		backward_memmove();
	if (!strcmp(m, "syscalls") || !strcmp(m, "all"))
		syscalls();
	if (!strcmp(m, "spin") || !strcmp(m, "all"))
		spin();
	if (!strcmp(m, "sigdf") || !strcmp(m, "all"))
		sigdf();
	return 0;
}
