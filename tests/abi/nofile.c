/* nofile.c: RLIMIT_NOFILE above 1024 (EPERM above fs.nr_open, 1048576,
 * even for root) and descriptors that high: dup2, F_DUPFD, select and
 * poll past FD_SETSIZE, with the limit raised and lowered. */
#include "abi.h"
#include <poll.h>
#include <sys/resource.h>
#include <sys/select.h>

#define NR_OPEN (1 << 20)

static void set(rlim_t cur, rlim_t max)
{
	struct rlimit rl = { cur, max };
	errno = 0;
	int r = setrlimit(RLIMIT_NOFILE, &rl);
	printf("setrlimit(NOFILE, %lu, %lu) = %d %s\n", (unsigned long)cur, (unsigned long)max, r,
	       r ? abi_errname(errno) : "");
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int p[2];
	if (pipe(p))
		return 1;
	/* Raising the hard limit needs CAP_SYS_RESOURCE, which a host in a
	 * container may lack: stay within Linux's default hard limit. */
	set(4096, 4096);
	set(NR_OPEN + 1, NR_OPEN + 1);
	set(4097, 4096);
	struct rlimit rl;
	R(getrlimit(RLIMIT_NOFILE, &rl));
	printf("nofile %lu %lu\n", (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max);

	R(dup2(p[1], 4095));
	R(dup2(p[1], 4096));
	R(fcntl(p[1], F_DUPFD, 4094));
	R(fcntl(p[1], F_DUPFD, 4094)); /* none left at or above */
	R(fcntl(p[1], F_DUPFD, 4096));
	R(write(4095, "x", 1));
	R(close(4095));
	R(close(4094));

	/* select and poll on a descriptor past FD_SETSIZE */
	R(dup2(p[1], 3000));
	static unsigned long w[4096 / (8 * sizeof(long))];
	const int bits = 8 * sizeof(long);
	w[3000 / bits] = 1ul << (3000 % bits);
	struct timeval tv = { 0, 0 };
	R(select(3001, NULL, (fd_set *)w, NULL, &tv));
	printf("fd 3000 writable: %d\n", !!(w[3000 / bits] & (1ul << (3000 % bits))));
	w[2999 / bits] = 1ul << (2999 % bits);
	R(select(3001, NULL, (fd_set *)w, NULL, &tv)); /* 2999 is not open */
	struct pollfd pf = { 3000, POLLOUT, 0 };
	R(poll(&pf, 1, 0));
	printf("revents %#x\n", pf.revents);

	/* lowered below an open descriptor: it stays, new ones are refused */
	set(2048, 2048);
	R(write(3000, "y", 1));
	R(dup2(p[1], 2047));
	R(dup2(p[1], 2048));
	R(fcntl(p[1], F_DUPFD, 2048));
	static struct pollfd many[2049];
	for (int i = 0; i < 2049; i++)
		many[i].fd = -1;
	R(poll(many, 2048, 0));
	R(poll(many, 2049, 0));
	R(close(2047));
	R(close(3000));
	char buf[8];
	R(read(p[0], buf, sizeof(buf)));
	return 0;
}
