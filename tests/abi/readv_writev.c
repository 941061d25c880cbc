/* readv_writev.c: scatter/gather I/O and its argument checks. */
#include "abi.h"
#include <sys/uio.h>
#include <limits.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int fd = R(open("f", O_RDWR | O_CREAT, 0644));
	struct iovec w[3] = { { "one ", 4 }, { "", 0 }, { "two three", 9 } };
	R(writev(fd, w, 3));
	R(lseek(fd, 0, SEEK_SET));
	char a[3] = { 0 }, b[5] = { 0 }, c[20] = { 0 };
	struct iovec r[3] = { { a, 2 }, { b, 4 }, { c, 20 } };
	R(readv(fd, r, 3));
	printf("[%s][%s][%s]\n", a, b, c);
	R(readv(fd, r, 3));
	R(readv(fd, r, -1));
	R(readv(fd, r, IOV_MAX + 1));
	R(readv(fd, r, 0));
	R(pwritev(fd, w, 3, 2));
	R(preadv(fd, r, 3, 0));
	printf("[%s][%s][%s]\n", a, b, c);
	struct iovec bad[1] = { { (void *)8, 4 } };
	R(writev(fd, bad, 1));
	R(writev(-1, w, 3));
	R(close(fd));
	return 0;
}
