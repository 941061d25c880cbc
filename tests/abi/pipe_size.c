/* pipe_size.c: F_GETPIPE_SZ and F_SETPIPE_SZ: the default 64 KiB,
 * rounding to a power-of-two number of pages, the capacity a nonblocking
 * writer finds, EBUSY below the data held, and the errors (EPERM beyond
 * pipe-max-size without CAP_SYS_RESOURCE, which the program drops: a host
 * in a container may lack it anyway). */
#include "abi.h"
#include <stdint.h>
#include <sys/syscall.h>

static void drop_sys_resource(void)
{
	struct {
		uint32_t version;
		int pid;
	} h = { 0x20080522, 0 };
	struct {
		uint32_t eff, perm, inh;
	} d[2];
	if (syscall(SYS_capget, &h, d) != 0)
		return;
	d[0].eff &= ~(1u << 24); /* CAP_SYS_RESOURCE */
	d[0].perm &= ~(1u << 24);
	syscall(SYS_capset, &h, d);
}

static long fill(int fd)
{
	static char buf[4096];
	long total = 0, n;
	while ((n = write(fd, buf, sizeof(buf))) > 0)
		total += n;
	return total;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	drop_sys_resource();
	int p[2];
	R(pipe2(p, O_NONBLOCK));
	R(fcntl(p[0], F_GETPIPE_SZ));
	R(fcntl(p[1], F_GETPIPE_SZ));
	R(fcntl(p[1], F_SETPIPE_SZ, 1));
	R(fcntl(p[0], F_GETPIPE_SZ));
	R(fcntl(p[1], F_SETPIPE_SZ, 5000));
	R(fcntl(p[1], F_SETPIPE_SZ, 3 * 4096));
	R(fcntl(p[1], F_SETPIPE_SZ, 0));
	printf("capacity %ld\n", fill(p[1]));
	R(fcntl(p[1], F_SETPIPE_SZ, 65536));
	printf("capacity after growing %ld\n", fill(p[1]));
	R(fcntl(p[1], F_SETPIPE_SZ, 4096));
	char buf[4096];
	long got = 0, n;
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		got += n;
	printf("read back %ld\n", got);
	R(fcntl(p[1], F_SETPIPE_SZ, 4096));
	R(fcntl(p[1], F_SETPIPE_SZ, 1 << 20));
	R(fcntl(p[1], F_SETPIPE_SZ, (1 << 20) + 1));
	R(fcntl(p[1], F_GETPIPE_SZ));
	/* data survives a resize */
	R(write(p[1], "keep me", 7));
	R(fcntl(p[1], F_SETPIPE_SZ, 8192));
	memset(buf, 0, sizeof(buf));
	R(read(p[0], buf, sizeof(buf)));
	printf("read: %s\n", buf);
	/* not a pipe */
	abi_put("f", "x");
	int fd = R(open("f", O_RDONLY));
	R(fcntl(fd, F_GETPIPE_SZ));
	R(fcntl(fd, F_SETPIPE_SZ, 4096));
	R(fcntl(99, F_GETPIPE_SZ));
	return 0;
}
