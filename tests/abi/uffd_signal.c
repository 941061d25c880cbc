/* uffd_signal.c: a fault the kernel takes on a userfaultfd-registered page
 * (read() from a pipe into a missing page) is not ended by a signal that
 * has a handler, with SA_RESTART or without: the faulting thread waits on
 * until the handler thread fills the page, read() returns all the bytes
 * and only then does the signal handler run (Linux retries the fault;
 * only a fatal signal fails it). A fatal signal still ends the process. */
#include "abi.h"
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

/* <linux/userfaultfd.h>, which musl has not */
struct uffdio_api {
	uint64_t api, features, ioctls;
};
struct uffdio_range {
	uint64_t start, len;
};
struct uffdio_register {
	struct uffdio_range range;
	uint64_t mode, ioctls;
};
struct uffdio_zeropage {
	struct uffdio_range range;
	uint64_t mode;
	int64_t zeropage;
};
struct uffd_msg {
	uint8_t event, reserved1;
	uint16_t reserved2;
	uint32_t reserved3;
	uint64_t flags, address;
	uint32_t ptid, pad;
} __attribute__((packed));

#define UFFD_API 0xaa
#define UFFD_EVENT_PAGEFAULT 0x12
#define MODE_MISSING 1
#define IOC(dir, nr, size) (((unsigned long)(dir) << 30) | ((size) << 16) | (0xaa << 8) | (nr))
#define UFFDIO_API IOC(3, 0x3f, 24)
#define UFFDIO_REGISTER IOC(3, 0x00, 32)
#define UFFDIO_ZEROPAGE IOC(3, 0x04, 32)
#define PG 4096

static int ufd, pfd[2];
static char *page;
static volatile int handled, handled_during_read;
static volatile int reading;
static ssize_t got;
static int got_errno;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
	if (reading)
		handled_during_read++;
}

static void *faulter(void *arg)
{
	(void)arg;
	reading = 1;
	errno = 0;
	got = read(pfd[0], page, 6);
	got_errno = errno;
	reading = 0;
	return NULL;
}

static void ms(int n)
{
	struct timespec t = { 0, n * 1000000L };
	nanosleep(&t, NULL);
}

/* Sets up a registered page and a pipe holding "hello\n"; 0 or -1. */
static int setup(void)
{
	ufd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	struct uffdio_api a = { .api = UFFD_API };
	page = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct uffdio_register r = { { (uintptr_t)page, PG }, MODE_MISSING, 0 };
	if (ufd < 0 || ioctl(ufd, UFFDIO_API, &a) || page == MAP_FAILED ||
	    ioctl(ufd, UFFDIO_REGISTER, &r) || pipe(pfd) || write(pfd[1], "hello\n", 6) != 6) {
		printf("setup: %s\n", abi_errname(errno));
		return -1;
	}
	return 0;
}

static void teardown(void)
{
	close(ufd);
	close(pfd[0]);
	close(pfd[1]);
	munmap(page, PG);
}

/* The faulting thread's read waits in the fault; a SIGUSR1 (handler
 * installed with flags) reaches it there, then the page is filled. */
static void round_with(int flags, const char *what)
{
	printf("-- %s\n", what);
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = flags };
	sigaction(SIGUSR1, &sa, NULL);
	handled = handled_during_read = 0;
	if (setup())
		return;
	pthread_t t;
	pthread_create(&t, NULL, faulter, NULL);
	struct uffd_msg m;
	ssize_t n = read(ufd, &m, sizeof(m));
	printf("fault reported: %s\n", n == sizeof(m) && m.event == UFFD_EVENT_PAGEFAULT &&
						       m.address >> 12 == (uintptr_t)page >> 12
					       ? "yes"
					       : "no");
	pthread_kill(t, SIGUSR1);
	ms(200); /* the signal has reached the sleeping thread */
	pthread_kill(t, SIGUSR1);
	ms(100);
	printf("handler ran before the page was filled: %s\n", handled ? "yes" : "no");
	struct uffdio_zeropage z = { { (uintptr_t)page, PG }, 0, 0 };
	R(ioctl(ufd, UFFDIO_ZEROPAGE, &z));
	pthread_join(t, NULL);
	printf("read = %zd %s, page \"%.5s\"\n", got, got < 0 ? abi_errname(got_errno) : "", page);
	printf("handler ran: %s, before read() returned to its caller: %s\n",
	       handled ? "yes" : "no", handled_during_read ? "yes" : "no");
	teardown();
}

static void *killer(void *arg)
{
	(void)arg;
	struct uffd_msg m;
	if (read(ufd, &m, sizeof(m)) == sizeof(m)) {
		ms(100);
		kill(getpid(), SIGTERM);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	round_with(SA_RESTART, "a handler with SA_RESTART");
	round_with(0, "a handler without SA_RESTART");

	printf("-- a fatal signal\n");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGUSR1, SIG_DFL);
		if (setup())
			_exit(3);
		pthread_t t;
		pthread_create(&t, NULL, killer, NULL);
		faulter(NULL);
		_exit(4); /* not reached: SIGTERM ends the process */
	}
	int st;
	waitpid(pid, &st, 0);
	printf("child: %s\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM ? "killed by SIGTERM"
			      : WIFEXITED(st)                            ? "exited"
									 : "other");
	return 0;
}
