/* kcmp.c: which kernel objects two processes or threads share: a fork
 * child's open files (the same), address space, descriptor table, fs
 * context and dispositions (its own), a thread's (all shared), semaphore
 * undo lists, files watched by epoll (KCMP_EPOLL_TFD); the order of two
 * different objects is consistent both ways; the errors (EBADF, ESRCH,
 * EINVAL, EFAULT, ENOENT, EPERM). */
#include "abi.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/syscall.h>

enum { KFILE, KVM, KFILES, KFS, KSIGHAND, KIO, KSYSVSEM, KEPOLL };
static const char *names[] = { "FILE", "VM", "FILES", "FS", "SIGHAND", "IO", "SYSVSEM" };

struct slot {
	uint32_t efd, tfd;
	uint64_t toff;
};

static long kcmp(int a, int b, int type, unsigned long i1, unsigned long i2)
{
	return syscall(SYS_kcmp, a, b, type, i1, i2);
}

/* "same", "differ" (the order consistent both ways), or the error. */
static void cmp(const char *what, int a, int b, int type, unsigned long i1, unsigned long i2)
{
	long r = kcmp(a, b, type, i1, i2);
	if (r < 0) {
		printf("%s: -1 %s\n", what, abi_errname(errno));
		return;
	}
	long back = type == KEPOLL ? 3 - r : kcmp(b, a, type, i2, i1);
	printf("%s: %s\n", what,
	       r == 0                   ? "same"
	       : r + back == 3 && r < 3 ? "differ"
					: "inconsistent");
}

static void *thread(void *arg)
{
	(void)arg;
	int me = getpid(), tid = (int)syscall(SYS_gettid);
	for (int t = KVM; t <= KSYSVSEM; t++)
		if (t != KIO)
			cmp(names[t], me, tid, t, 0, 0);
	cmp("thread FILE 0", me, tid, KFILE, 0, 0);
	return NULL;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int me = getpid();
	abi_put("f", "x");
	int a = open("f", O_RDONLY), b = dup(a), c = open("f", O_RDONLY);

	for (int t = KVM; t <= KSYSVSEM; t++)
		if (t != KIO)
			cmp(names[t], me, me, t, 0, 0);
	long io = kcmp(me, me, KIO, 0, 0);
	printf("IO self: %s\n", io >= 0 && io <= 2 ? "ok" : "bad");
	cmp("dup", me, me, KFILE, a, b);
	cmp("reopened", me, me, KFILE, a, c);

	puts("thread:");
	pthread_t th;
	pthread_create(&th, NULL, thread, NULL);
	pthread_join(th, NULL);

	/* a fork child, waiting on a pipe */
	int pp[2];
	pipe(pp);
	int sem = semget(IPC_PRIVATE, 1, 0600);
	struct sembuf op = { 0, 1, SEM_UNDO };
	semop(sem, &op, 1);
	pid_t k = fork();
	if (k == 0) {
		char ch;
		read(pp[0], &ch, 1);
		_exit(0);
	}
	puts("fork child:");
	for (int t = KVM; t <= KSYSVSEM; t++)
		if (t != KIO)
			cmp(names[t], me, k, t, 0, 0);
	cmp("inherited file", me, k, KFILE, a, a);
	cmp("other file", me, k, KFILE, a, c);

	/* epoll's targets */
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN };
	int r = pp[0], r2 = dup(r);
	R(epoll_ctl(ep, EPOLL_CTL_ADD, r, &ev));
	struct slot s = { (uint32_t)ep, (uint32_t)r, 0 };
	cmp("epoll r", me, me, KEPOLL, r, (unsigned long)&s);
	cmp("epoll dup", me, me, KEPOLL, r2, (unsigned long)&s);
	cmp("epoll other", me, me, KEPOLL, c, (unsigned long)&s);
	cmp("epoll child", k, me, KEPOLL, r, (unsigned long)&s);
	s.toff = 1;
	cmp("epoll toff 1", me, me, KEPOLL, r, (unsigned long)&s);
	s.toff = 0;
	s.tfd = (uint32_t)c;
	cmp("epoll unwatched", me, me, KEPOLL, a, (unsigned long)&s);
	s.efd = (uint32_t)a;
	cmp("epoll not epoll", me, me, KEPOLL, a, (unsigned long)&s);
	s.efd = 999;
	cmp("epoll bad efd", me, me, KEPOLL, a, (unsigned long)&s);
	cmp("epoll bad slot", me, me, KEPOLL, a, 8);
	cmp("epoll bad fd", me, me, KEPOLL, 999, (unsigned long)&s);

	R(kcmp(me, me, KFILE, a, 999));
	cmp("fd 1 << 40 is 0", me, me, KFILE, 1ul << 40, 0);
	R(kcmp(me, me, 8, 0, 0));
	R(kcmp(me, me, -1, 0, 0));
	R(kcmp(me, 999999, KVM, 0, 0));
	R(kcmp(0, me, KVM, 0, 0));
	R(kcmp(999999, me, 99, 0, 0));

	write(pp[1], "x", 1);
	int st;
	waitpid(k, &st, 0);
	semctl(sem, 0, IPC_RMID);

	k = fork();
	if (k == 0) {
		if (setuid(65534) != 0)
			_exit(100);
		R(kcmp(getpid(), getpid(), KVM, 0, 0));
		R(kcmp(getpid(), 1, KVM, 0, 0));
		R(kcmp(1, getpid(), 99, 0, 0));
		_exit(0);
	}
	waitpid(k, &st, 0);
	printf("unprivileged child: %d\n", WEXITSTATUS(st));
	return 0;
}
