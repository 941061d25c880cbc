/* pipes.c: pipe and pipe2: flags, data in order, EAGAIN, end of file,
 * EPIPE with SIGPIPE ignored, FIONREAD, capacity, packet mode (O_DIRECT),
 * fstat, ESPIPE, and the errors. */
#include "abi.h"
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	int p[2];
	R(pipe(p));
	R(fcntl(p[0], F_GETFL));
	R(fcntl(p[1], F_GETFL));
	R(fcntl(p[0], F_GETFD));
	struct stat st;
	R(fstat(p[0], &st));
	printf("fifo %d mode %o size %ld\n", S_ISFIFO(st.st_mode), st.st_mode & 0777,
	       (long)st.st_size);
	R(write(p[1], "hello ", 6));
	R(write(p[1], "world", 5));
	int n = -1;
	R(ioctl(p[0], FIONREAD, &n));
	printf("FIONREAD %d\n", n);
	char buf[65536];
	memset(buf, 0, 32);
	R(read(p[0], buf, 4));
	R(read(p[0], buf + 4, 100));
	printf("read: %s\n", buf);
	R(lseek(p[0], 0, SEEK_CUR));
	R(pread(p[0], buf, 1, 0));
	R(read(p[1], buf, 1));
	R(write(p[0], "x", 1));
	R(close(p[1]));
	R(read(p[0], buf, 10));
	R(close(p[0]));
	/* nonblocking: EAGAIN both ways, and the capacity */
	R(pipe2(p, O_NONBLOCK | O_CLOEXEC));
	R(fcntl(p[0], F_GETFD));
	R(fcntl(p[0], F_GETFL));
	R(read(p[0], buf, 10));
	long total = 0, k;
	memset(buf, 'a', sizeof(buf));
	while ((k = write(p[1], buf, 1000)) > 0)
		total += k;
	printf("filled %ld, then %s\n", total, abi_errname(errno));
	R(write(p[1], buf, 1));
	R(read(p[0], buf, 10));
	R(close(p[0]));
	R(write(p[1], "x", 1));
	R(close(p[1]));
	/* packet mode: each write is read alone */
	R(pipe2(p, O_DIRECT));
	R(write(p[1], "one", 3));
	R(write(p[1], "two!", 4));
	memset(buf, 0, 16);
	R(read(p[0], buf, 100));
	printf("packet: %s\n", buf);
	R(read(p[0], buf, 2));
	R(close(p[0]));
	R(close(p[1]));
	/* errors */
	R(pipe2(p, 0x1234));
	R(syscall(22, NULL));
	return 0;
}
