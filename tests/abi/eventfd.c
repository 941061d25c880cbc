/* eventfd.c: the counter: writes add, a read takes all (or one in
 * semaphore mode), EAGAIN on zero and at the ceiling, the size and value
 * errors, poll readiness. */
#include "abi.h"
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>

static void rd(int fd)
{
	uint64_t v = 0;
	errno = 0;
	long n = read(fd, &v, sizeof(v));
	if (n < 0)
		printf("read: %s\n", abi_errname(errno));
	else
		printf("read: %ld value %llu\n", n, (unsigned long long)v);
}

static void wr(int fd, uint64_t v)
{
	errno = 0;
	long n = write(fd, &v, sizeof(v));
	if (n < 0)
		printf("write %llu: %s\n", (unsigned long long)v, abi_errname(errno));
	else
		printf("write %llu: %ld\n", (unsigned long long)v, n);
}

static void pollit(int fd)
{
	struct pollfd pf = { fd, POLLIN | POLLOUT, 0 };
	int r = poll(&pf, 1, 0);
	printf("poll %d revents %x\n", r, pf.revents);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int fd = OK(eventfd(5, EFD_NONBLOCK));
	R(fcntl(fd, F_GETFL) & O_NONBLOCK);
	pollit(fd);
	rd(fd);
	rd(fd);
	pollit(fd);
	wr(fd, 3);
	wr(fd, 4);
	rd(fd);
	wr(fd, 0xfffffffffffffffeull);
	pollit(fd);
	wr(fd, 1);
	wr(fd, 0xffffffffffffffffull);
	rd(fd);
	char small[4];
	R(read(fd, small, 4));
	R(write(fd, small, 4));
	uint64_t big[2] = { 1, 0 };
	R(write(fd, big, 16));
	R(read(fd, big, 16));
	R(lseek(fd, 0, SEEK_SET));
	R(close(fd));
	/* semaphore mode */
	fd = OK(eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC));
	R(fcntl(fd, F_GETFD));
	rd(fd);
	rd(fd);
	rd(fd);
	R(close(fd));
	R(eventfd(0, 0x1234));
	return 0;
}
