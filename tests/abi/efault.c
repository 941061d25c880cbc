/* efault.c: hostile pointers given to the pointer arguments of many system
 * calls (through syscall(), so that the C library touches none of them):
 * kernel addresses, non-canonical ones, a range that runs past the top of
 * user space, unmapped, PROT_NONE and read-only pages, and a buffer whose
 * end runs into an unmapped page (short counts). Prints each result or
 * errno: EFAULT mostly, but where Linux never touches the memory (a write
 * to /dev/null, a wake of a private futex, ...) whatever it answers. */
#include "abi.h"
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | 128)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | 128)

#define PG 4096L
#define TOP 0x7ffffffff000UL /* the first byte above user space */

struct bad {
	const char *name;
	void *p;
};

/* For inputs: bad everywhere. For outputs, a read-only page too. */
static struct bad bad[9];
static int nbad, nbad_in;
static char *edge; /* 100 mapped bytes, then an unmapped page */

static void show(const char *what, const char *arg, long r, int e)
{
	if (r < 0)
		printf("%s [%s] = -1 %s\n", what, arg, abi_errname(e));
	else
		printf("%s [%s] = %ld\n", what, arg, r);
}

/* IN(call) / OUT(call): the call once for each bad pointer B (inputs: not
 * the read-only page). STR(call): with the range running past the top of
 * user space (for sizes over 8: the start itself is user space). */
#define RUN_(label, text, call) \
	do { \
		errno = 0; \
		long r_ = (long)(call); \
		show(text, label, r_, errno); \
	} while (0)
#define RUN(label, call) RUN_(label, #call, call)
#define IN(call) \
	do { \
		for (int i_ = 0; i_ < nbad_in; i_++) { \
			void *B = bad[i_].p; \
			(void)B; \
			RUN_(bad[i_].name, #call, call); \
		} \
	} while (0)
#define OUT(call) \
	do { \
		for (int i_ = 0; i_ < nbad; i_++) { \
			void *B = bad[i_].p; \
			(void)B; \
			RUN_(bad[i_].name, #call, call); \
		} \
	} while (0)
#define STR(call) \
	do { \
		void *B = (void *)(TOP - 8); \
		RUN_("past top", #call, call); \
	} while (0)
#define ONE(call) RUN_("-", #call, call)

/* For results that vary (times, pids): 0 for success. */
static long okv(long r) { return r < 0 ? r : 0; }

static void setup(void)
{
	char *m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		exit(3);
	munmap(m, PG);                       /* m: unmapped */
	mprotect(m + PG, PG, PROT_NONE);     /* m+PG: PROT_NONE */
	mprotect(m + 2 * PG, PG, PROT_READ); /* m+2PG: read-only */
	char *e = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(e + PG, PG);
	edge = e + PG - 100;
	memset(edge, 'e', 100);
	struct bad b[] = {
		{ "kernel", (void *)0xffffffff80000000UL },
		{ "direct map", (void *)0xffff800000000000UL },
		{ "non-canonical", (void *)0x0000800000000000UL },
		{ "non-canonical 2", (void *)0xdead000000000000UL },
		{ "null", NULL },
		{ "unmapped", m },
		{ "PROT_NONE", m + PG },
		{ "read-only", m + 2 * PG },
	};
	memcpy(bad, b, sizeof(b));
	nbad = sizeof(b) / sizeof(b[0]);
	nbad_in = nbad - 1;
}

static void files(void)
{
	int nul = open("/dev/null", O_RDWR), zero = open("/dev/zero", O_RDONLY);
	char text[301];
	for (int i = 0; i < 300; i++)
		text[i] = (char)('a' + i % 26);
	text[300] = 0;
	abi_put("f", text);
	int f = open("f", O_RDWR);
	int p[2];
	pipe(p);
	char buf[256];
	printf("-- read, write\n");
	IN(syscall(SYS_write, nul, B, 10));
	STR(syscall(SYS_write, nul, B, 64));
	OUT(syscall(SYS_read, nul, B, 10));
	OUT(syscall(SYS_read, zero, B, 10));
	OUT(syscall(SYS_read, f, B, 10));
	STR(syscall(SYS_read, f, B, 64));
	IN(syscall(SYS_write, f, B, 10));
	IN(syscall(SYS_write, p[1], B, 10));
	OUT(syscall(SYS_pread64, f, B, 10, 0));
	IN(syscall(SYS_pwrite64, f, B, 10, 0));
	ONE(syscall(SYS_read, nul, (void *)0xffffffff80000000UL, 0));
	ONE(syscall(SYS_write, nul, (void *)0xffffffff80000000UL, 0));
	ONE(syscall(SYS_read, f, (void *)TOP, 0));
	ONE(syscall(SYS_read, f, (void *)(TOP + 1), 0));
	ONE(syscall(SYS_read, f, buf, -1L));
	printf("-- short counts\n");
	ONE(syscall(SYS_pread64, f, edge, 1000, 0));
	ONE(memcmp(edge, text, 100) != 0);
	ONE(syscall(SYS_pwrite64, f, edge, 1000, 0));
	ONE(syscall(SYS_pread64, f, buf, sizeof(buf), 0));
	ONE(syscall(SYS_write, p[1], edge, 1000));
	ONE(syscall(SYS_write, p[1], text, 200));
	ONE(syscall(SYS_read, p[0], edge, 1000));
	ONE(syscall(SYS_read, p[0], buf, sizeof(buf)));
	ONE(syscall(SYS_read, zero, edge, 1000));
	ONE(syscall(SYS_getrandom, edge, 1000, 0));
	printf("-- vectors\n");
	struct iovec v[2] = { { buf, 10 }, { NULL, 10 } };
	OUT(syscall(SYS_readv, f, B, 1));
	IN(syscall(SYS_writev, nul, B, 1));
	for (int i = 0; i < nbad; i++) {
		void *B = bad[i].p;
		v[1].iov_base = B;
		v[1].iov_len = 10;
		RUN(bad[i].name, syscall(SYS_readv, f, v, 2));
		RUN(bad[i].name, syscall(SYS_preadv, f, v, 2, 0));
		RUN(bad[i].name, syscall(SYS_writev, nul, v, 2));
		RUN(bad[i].name, syscall(SYS_pwritev, f, v, 2, 0));
		RUN(bad[i].name, syscall(SYS_writev, p[1], v, 2));
		v[1].iov_len = 0;
		RUN(bad[i].name, syscall(SYS_readv, f, v, 2));
		RUN(bad[i].name, syscall(SYS_writev, nul, v, 2));
		RUN(bad[i].name, syscall(SYS_vmsplice, p[1], v, 2, 0));
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	ONE(syscall(SYS_read, p[0], buf, sizeof(buf)));
	printf("-- names and metadata\n");
	struct stat st;
	IN(syscall(SYS_open, B, O_RDONLY));
	IN(syscall(SYS_openat, AT_FDCWD, B, O_RDONLY));
	IN(syscall(SYS_stat, B, &st));
	IN(syscall(SYS_mkdir, B, 0755));
	IN(syscall(SYS_unlink, B));
	IN(syscall(SYS_chdir, B));
	IN(syscall(SYS_access, B, F_OK));
	IN(syscall(SYS_execve, B, NULL, NULL));
	IN(syscall(SYS_memfd_create, B, 0));
	OUT(syscall(SYS_stat, "f", B));
	STR(syscall(SYS_stat, "f", B));
	OUT(syscall(SYS_lstat, "f", B));
	OUT(syscall(SYS_fstat, f, B));
	OUT(syscall(SYS_newfstatat, AT_FDCWD, "f", B, 0));
	OUT(syscall(SYS_statx, AT_FDCWD, "f", 0, 0x7ff, B));
	OUT(syscall(SYS_statfs, ".", B));
	OUT(syscall(SYS_fstatfs, f, B));
	symlink("f", "lnk");
	OUT(syscall(SYS_readlink, "lnk", B, 100));
	OUT(syscall(SYS_getcwd, B, 200));
	STR(syscall(SYS_getcwd, B, 200));
	IN(syscall(SYS_utimensat, AT_FDCWD, "f", B, 0));
	int d = open(".", O_RDONLY | O_DIRECTORY);
	OUT(syscall(SYS_getdents64, d, B, 4096));
	IN(syscall(SYS_fcntl, f, F_SETLK, B));
	OUT(syscall(SYS_fcntl, f, F_GETLK, B));
	OUT(syscall(SYS_ioctl, p[0], FIONREAD, B));
	OUT(syscall(SYS_pipe2, B, 0));
	off_t off = 0;
	IN(syscall(SYS_sendfile, nul, f, B, 10));
	ONE(syscall(SYS_sendfile, nul, f, &off, 10));
	close(d);
	close(f);
	close(p[0]);
	close(p[1]);
	close(nul);
	close(zero);
}

static void sockets(void)
{
	printf("-- sockets\n");
	int s[2];
	OUT(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, B));
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	char buf[64];
	socklen_t len = sizeof(buf);
	IN(syscall(SYS_sendto, s[0], B, 10, 0, NULL, 0));
	IN(syscall(SYS_sendto, s[0], "x", 1, 0, B, 16));
	send(s[0], "data", 4, 0);
	OUT(syscall(SYS_recvfrom, s[1], B, 10, MSG_DONTWAIT, NULL, NULL));
	OUT(syscall(SYS_recvfrom, s[1], buf, 2, MSG_DONTWAIT | MSG_PEEK, buf + 8, B));
	ONE(syscall(SYS_recvfrom, s[1], buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL));
	OUT(syscall(SYS_recvfrom, s[1], B, 10, MSG_DONTWAIT, NULL, NULL));
	struct iovec iov = { buf, 4 };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1 };
	IN(syscall(SYS_sendmsg, s[0], B, 0));
	OUT(syscall(SYS_recvmsg, s[1], B, MSG_DONTWAIT));
	for (int i = 0; i < nbad; i++) {
		void *B = bad[i].p;
		h.msg_iov = B;
		RUN(bad[i].name, syscall(SYS_sendmsg, s[0], &h, 0));
		h.msg_iov = &iov;
		iov.iov_base = B;
		RUN(bad[i].name, syscall(SYS_sendmsg, s[0], &h, 0));
		iov.iov_base = buf;
		h.msg_control = B;
		h.msg_controllen = 32;
		RUN(bad[i].name, syscall(SYS_sendmsg, s[0], &h, 0));
		h.msg_control = NULL;
		h.msg_controllen = 0;
	}
	send(s[0], "more", 4, 0);
	for (int i = 0; i < nbad; i++) {
		void *B = bad[i].p;
		iov.iov_base = B;
		RUN(bad[i].name, syscall(SYS_recvmsg, s[1], &h, MSG_DONTWAIT | MSG_PEEK));
	}
	iov.iov_base = buf;
	ONE(syscall(SYS_recvmsg, s[1], &h, MSG_DONTWAIT));
	OUT(syscall(SYS_getsockopt, s[0], SOL_SOCKET, SO_TYPE, B, &len));
	OUT(syscall(SYS_getsockopt, s[0], SOL_SOCKET, SO_TYPE, buf, B));
	IN(syscall(SYS_setsockopt, s[0], SOL_SOCKET, SO_RCVBUF, B, 4));
	OUT(syscall(SYS_getsockname, s[0], B, &len));
	OUT(syscall(SYS_getpeername, s[0], buf, B));
	int u = socket(AF_UNIX, SOCK_STREAM, 0);
	IN(syscall(SYS_connect, u, B, 16));
	IN(syscall(SYS_bind, u, B, 16));
	close(u);
	close(s[0]);
	close(s[1]);
}

static void times_signals(void)
{
	printf("-- time\n");
	struct timespec zero = { 0, 0 };
	OUT(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, B));
	STR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, B));
	OUT(syscall(SYS_clock_getres, CLOCK_MONOTONIC, B));
	OUT(syscall(SYS_gettimeofday, B, NULL));
	OUT(okv(syscall(SYS_time, B)));
	OUT(okv(syscall(SYS_times, B)));
	OUT(syscall(SYS_getrusage, RUSAGE_SELF, B));
	IN(syscall(SYS_nanosleep, B, NULL));
	OUT(syscall(SYS_nanosleep, &zero, B));
	IN(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, B, NULL));
	OUT(syscall(SYS_getitimer, ITIMER_REAL, B));
	IN(syscall(SYS_setitimer, ITIMER_REAL, B, NULL));
	OUT(syscall(SYS_sched_rr_get_interval, 0, B));
	printf("-- signals\n");
	IN(syscall(SYS_rt_sigaction, SIGUSR1, B, NULL, 8));
	OUT(syscall(SYS_rt_sigaction, SIGUSR1, NULL, B, 8));
	STR(syscall(SYS_rt_sigaction, SIGUSR1, NULL, B, 8));
	IN(syscall(SYS_rt_sigprocmask, SIG_BLOCK, B, NULL, 8));
	OUT(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, B, 8));
	OUT(syscall(SYS_rt_sigpending, B, 8));
	IN(syscall(SYS_rt_sigtimedwait, B, NULL, &zero, 8));
	IN(syscall(SYS_sigaltstack, B, NULL));
	OUT(syscall(SYS_sigaltstack, NULL, B));
	STR(syscall(SYS_sigaltstack, NULL, B));
	IN(syscall(SYS_signalfd4, -1, B, 8, 0));
}

static void misc(void)
{
	printf("-- process and system\n");
	OUT(syscall(SYS_getrlimit, RLIMIT_NOFILE, B));
	STR(syscall(SYS_getrlimit, RLIMIT_NOFILE, B));
	IN(syscall(SYS_setrlimit, RLIMIT_NOFILE, B));
	OUT(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, B));
	OUT(syscall(SYS_uname, B));
	STR(syscall(SYS_uname, B));
	OUT(syscall(SYS_sysinfo, B));
	STR(syscall(SYS_sysinfo, B));
	OUT(syscall(SYS_getrandom, B, 16, 0));
	OUT(syscall(SYS_sched_getaffinity, 0, 128, B));
	IN(syscall(SYS_sched_setaffinity, 0, 128, B));
	OUT(syscall(SYS_arch_prctl, 0x1003, B)); /* ARCH_GET_FS */
	IN(syscall(SYS_prctl, 15, B, 0, 0, 0));  /* PR_SET_NAME */
	OUT(syscall(SYS_prctl, 16, B, 0, 0, 0)); /* PR_GET_NAME */
	char *pg = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	OUT(syscall(SYS_mincore, pg, PG, B));
	munmap(pg, PG);
	printf("-- poll, select, epoll\n");
	int p[2];
	pipe(p);
	write(p[1], "x", 1);
	struct timeval tv = { 0, 0 };
	IN(syscall(SYS_poll, B, 1, 0));
	IN(syscall(SYS_poll, B, 0, 0));
	STR(syscall(SYS_poll, B, 8, 0));
	IN(syscall(SYS_select, p[0] + 1, B, NULL, NULL, &tv));
	/* 64 descriptors: every fd table holds that many (a larger n is cut
	 * to the table's size, which a process inherits from its parent on
	 * Linux: bash's fd 255 makes it 256), so 8 bytes at TOP-4 cross. */
	RUN("past top", syscall(SYS_select, 64, (void *)(TOP - 4), NULL, NULL, &tv));
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	IN(syscall(SYS_select, p[0] + 1, &r, NULL, NULL, B));
	struct pollfd pfd = { p[0], POLLIN, 0 };
	IN(syscall(SYS_ppoll, &pfd, 1, B, NULL, 8));
	int ep = epoll_create1(0);
	IN(syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, p[0], B));
	struct epoll_event ev = { .events = EPOLLIN };
	epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev);
	OUT(syscall(SYS_epoll_wait, ep, B, 4, 0));
	STR(syscall(SYS_epoll_wait, ep, B, 8, 0));
	epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL);
	OUT(syscall(SYS_epoll_wait, ep, B, 4, 0));
	close(ep);
	close(p[0]);
	close(p[1]);
	printf("-- futex\n");
	struct timespec ms = { 0, 1000000 };
	IN(syscall(SYS_futex, B, FUTEX_WAIT, 0, &ms, NULL, 0));
	IN(syscall(SYS_futex, B, FUTEX_WAIT_PRIVATE, 0, &ms, NULL, 0));
	IN(syscall(SYS_futex, B, FUTEX_WAKE, 1, NULL, NULL, 0));
	IN(syscall(SYS_futex, B, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	int word = 1;
	IN(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, B, NULL, 0));
	printf("-- wait4, set_tid_address\n");
	for (int i = 0; i < nbad; i++) {
		void *B = bad[i].p;
		pid_t pid = fork();
		if (pid == 0) {
			syscall(SYS_set_tid_address, B); /* written at exit: ignored */
			_exit(7);
		}
		RUN(bad[i].name, syscall(SYS_wait4, pid, B, 0, NULL) == pid);
		int st = 0;
		long w = syscall(SYS_wait4, pid, &st, 0, NULL);
		printf("again: %s, status %d\n", w == pid ? "reaped now" : abi_errname(errno),
		       w == pid ? WEXITSTATUS(st) : -1);
	}
	for (int i = 0; i < nbad; i++) {
		void *B = bad[i].p;
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		long w = syscall(SYS_wait4, pid, NULL, 0, B);
		RUN(bad[i].name, w == pid ? 1 : w);
		printf("again: %s\n",
		       waitpid(pid, NULL, 0) == pid ? "reaped now" : abi_errname(errno));
	}
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	(void)abi_get;
	(void)abi_report;
	signal(SIGPIPE, SIG_IGN);
	setup();
	files();
	sockets();
	times_signals();
	misc();
	printf("done\n");
	return 0;
}
