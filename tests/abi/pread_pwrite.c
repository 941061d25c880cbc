/* pread_pwrite.c: positional I/O leaves the file position alone; pwrite
 * on an O_APPEND file appends (Linux's documented behaviour); on a pipe it
 * is ESPIPE before the access mode or the buffer is looked at. */
#include "abi.h"
#include <sys/uio.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char b[32] = { 0 };
	int fd = R(open("f", O_RDWR | O_CREAT, 0644));
	R(write(fd, "abcdefghij", 10));
	R(lseek(fd, 2, SEEK_SET));
	R(pread(fd, b, 3, 5));
	printf("got %s\n", b);
	R(lseek(fd, 0, SEEK_CUR));
	R(pwrite(fd, "XY", 2, 0));
	R(lseek(fd, 0, SEEK_CUR));
	R(pwrite(fd, "Z", 1, 15));
	R(pread(fd, b, 5, 100));
	R(pread(fd, b, 5, -1));
	R(pwrite(fd, b, 1, -1));
	R(close(fd));
	fd = R(open("f", O_RDWR | O_APPEND));
	R(pwrite(fd, "++", 2, 0));
	R(close(fd));
	memset(b, 0, sizeof(b));
	long n = R(abi_get("f", b, sizeof(b)));
	for (long i = 0; i < n; i++)
		putchar(b[i] ? b[i] : '.');
	putchar('\n');
	fd = R(open("f", O_WRONLY));
	R(pread(fd, b, 1, 0));
	R(close(fd));
	fd = R(open("f", O_RDONLY));
	R(pwrite(fd, b, 1, 0));
	R(close(fd));
	int p[2];
	struct iovec v = { b, 4 };
	R(pipe(p));
	R(pread(p[1], b, 4, 0));
	R(pwrite(p[0], b, 4, 0));
	R(pread(p[0], (char *)-4096L, 4, 0));
	R(preadv(p[1], &v, 1, 0));
	R(pwritev(p[0], &v, 1, 0));
	R(preadv(p[0], (struct iovec *)-4096L, 1, 0));
	R(close(p[0]));
	R(close(p[1]));
	return 0;
}
