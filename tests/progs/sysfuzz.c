/* sysfuzz.c: a system-call fuzzer run inside htux (tests/fuzz/sysfuzz.sh).
 * pid 1 forks workers one after another; each makes random system calls
 * with hostile arguments (kernel, non-canonical and boundary addresses,
 * unmapped pages, huge lengths, random flags, descriptors that exist and
 * ones that do not) until it dies, exits or has made its share. A worker
 * that blocks is killed after a second. The kernel must come through all
 * of it: pid 1 ends with one summary line and status 0, never a panic.
 *
 *   sysfuzz SEED SECONDS
 *
 * Calls that would reach outside the worker are left out: signals to
 * other processes, fork and clone (floods are tested elsewhere), setting
 * the clocks (pid 1 times the workers), and reboot. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CALLS_PER_WORKER 400

static uint64_t rng;

static uint64_t next(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static const long denied[] = {
	SYS_fork,
	SYS_vfork,
	SYS_clone,
	SYS_clone3,
	SYS_kill,
	SYS_tkill,
	SYS_tgkill,
	SYS_rt_sigqueueinfo,
	SYS_rt_tgsigqueueinfo,
	SYS_pidfd_send_signal,
	SYS_reboot,
	SYS_clock_settime,
	SYS_settimeofday,
	SYS_adjtimex,
	SYS_clock_adjtime,
	SYS_setpgid,
	SYS_setsid,
	SYS_ptrace,
	SYS_process_vm_writev,
	SYS_kexec_load,
	SYS_kexec_file_load,
};

static int allowed(long nr)
{
	for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
		if (denied[i] == nr)
			return 0;
	return 1;
}

static char *buf; /* a valid 64 KiB buffer */

static long arg(void)
{
	switch (next() % 16) {
	case 0: return 0;
	case 1: return (long)(next() % 16); /* small: fds, flags */
	case 2: return -1;
	case 3: return (long)next();
	case 4: return (long)(buf + next() % 65536); /* valid memory */
	case 5: return (long)buf;
	case 6: return (long)0xffffffff80000000UL;                            /* kernel image */
	case 7: return (long)(0xffff800000000000UL + (next() % (1UL << 30))); /* direct map */
	case 8: return (long)0x0000800000000000UL;                 /* first non-canonical */
	case 9: return (long)(0x00007ffffffff000UL - next() % 64); /* straddles the top */
	case 10: return (long)(next() & 0x00007ffffffff000UL);     /* likely unmapped */
	case 11: return (long)(1UL << (next() % 64));
	case 12: return (long)(next() % 4096);
	case 13: return (long)(next() % (1UL << 32));
	case 14: return (long)0xdead000000000000UL;
	default: return (long)(next() % 256) - 128;
	}
}

static void worker(void)
{
	int null = open("/dev/null", O_RDWR);
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	buf = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		_exit(3);
	/* a few descriptors of different kinds for the small numbers */
	int p[2];
	(void)pipe(p);
	open("/tmp", O_RDONLY | O_DIRECTORY);
	open("/tmp/sysfuzz.f", O_RDWR | O_CREAT, 0600);
	eventfd(0, 0);
	alarm(1); /* a worker that blocks gets SIGALRM */
	for (int i = 0; i < CALLS_PER_WORKER; i++) {
		long nr = (long)(next() % 460);
		if (!allowed(nr))
			continue;
		long a[6];
		for (int k = 0; k < 6; k++)
			a[k] = arg();
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	unsigned long seed = argc > 1 ? strtoul(argv[1], NULL, 0) : 1;
	int seconds = argc > 2 ? atoi(argv[2]) : 10;
	struct timespec t0, t;
	long workers = 0, exited = 0, signalled = 0, killed = 0;

	signal(SIGCHLD, SIG_DFL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= seconds)
			break;
		rng = seed * 0x9E3779B97F4A7C15ULL + (uint64_t)workers + 1;
		pid_t pid = fork();
		if (pid < 0) {
			printf("sysfuzz: fork failed after %ld workers\n", workers);
			return 1;
		}
		if (pid == 0)
			worker();
		workers++;
		int st;
		/* a worker that still runs after 2 s is killed */
		for (int ms = 0;; ms += 10) {
			pid_t r = waitpid(pid, &st, WNOHANG);
			if (r == pid)
				break;
			if (r < 0) {
				printf("sysfuzz: waitpid: lost worker %d\n", pid);
				return 1;
			}
			if (ms == 2000) {
				kill(pid, SIGKILL);
				killed++;
			}
			if (ms > 10000) {
				printf("sysfuzz: worker %d (seed %lu, #%ld) survives SIGKILL\n",
				       pid, seed, workers);
				return 1;
			}
			usleep(10000);
		}
		if (WIFEXITED(st))
			exited++;
		else
			signalled++;
	}
	printf("sysfuzz: %ld workers: %ld exited, %ld ended by a signal (%ld killed after 2 s)\n",
	       workers, exited, signalled, killed);
	return 0;
}
