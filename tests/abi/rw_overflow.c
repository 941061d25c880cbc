/* rw_overflow.c: a transfer whose end would pass the largest file offset
 * is EINVAL before the file sees it (Linux's rw_verify_area, in the file
 * layer's one entry): pread, pwrite, preadv, pwritev, sendfile and splice
 * from a file at INT64_MAX - 5 for 10 bytes; 5 bytes there are fine. */
#include "abi.h"
#include <stdint.h>
#include <sys/sendfile.h>
#include <sys/uio.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char b[16] = { 0 };
	struct iovec v = { b, 10 };
	int fd = R(open("f", O_RDWR | O_CREAT, 0644));
	R(write(fd, "abcdefghij", 10));
	R(pread(fd, b, 10, INT64_MAX - 5));
	R(pread(fd, b, 5, INT64_MAX - 5));
	R(pread(fd, b, 10, INT64_MAX));
	R(pwrite(fd, b, 10, INT64_MAX - 5));
	R(preadv(fd, &v, 1, INT64_MAX - 5));
	R(pwritev(fd, &v, 1, INT64_MAX - 5));
	R(pread(fd, b, 0, INT64_MAX));
	R(pwrite(fd, b, 0, INT64_MAX));
	int p[2];
	R(pipe(p));
	off_t off = INT64_MAX - 5;
	R(sendfile(p[1], fd, &off, 10));
	R(off == INT64_MAX - 5);
	loff_t lo = INT64_MAX - 5;
	R(splice(fd, &lo, p[1], NULL, 10, 0));
	R(lo == INT64_MAX - 5);
	R(lseek(fd, 0, SEEK_CUR));
	R(close(p[0]));
	R(close(p[1]));
	R(close(fd));
	return 0;
}
