/* blkdev.c: a disk as a file: "blkdev DEV size" prints the capacity from
 * BLKGETSIZE64 and lseek(SEEK_END); "blkdev DEV write OFF LEN" writes LEN
 * bytes of the pattern (i*7+OFF)&255 at byte offset OFF with pwrite, fsyncs
 * and reads them back; "blkdev DEV tryw" tries one write and prints errno. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#ifndef BLKGETSIZE64
#define BLKGETSIZE64 _IOR(0x12, 114, size_t) /* <linux/fs.h>; musl-gcc has no kernel headers */
#endif
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	if (!strcmp(argv[2], "size")) {
		int fd = open(argv[1], O_RDONLY);
		unsigned long long sz = 0;
		if (fd < 0 || ioctl(fd, BLKGETSIZE64, &sz)) {
			perror(argv[1]);
			return 1;
		}
		printf("size %llu end %lld\n", sz, (long long)lseek(fd, 0, SEEK_END));
		return 0;
	}
	if (!strcmp(argv[2], "tryw")) {
		int fd = open(argv[1], O_RDWR);
		if (fd < 0) {
			printf("open: %s\n", strerror(errno));
			return 0;
		}
		ssize_t r = pwrite(fd, "x", 1, 0);
		printf("write: %s\n", r < 0 ? strerror(errno) : "ok");
		return 0;
	}
	if (!strcmp(argv[2], "write") && argc == 5) {
		long off = atol(argv[3]), len = atol(argv[4]);
		unsigned char *a = malloc(len), *b = malloc(len);
		for (long i = 0; i < len; i++)
			a[i] = (unsigned char)(i * 7 + off);
		int fd = open(argv[1], O_RDWR);
		if (fd < 0 || pwrite(fd, a, len, off) != len || fsync(fd) ||
		    pread(fd, b, len, off) != len) {
			perror(argv[1]);
			return 1;
		}
		printf("wrote %ld at %ld, read back %s\n", len, off,
		       memcmp(a, b, len) ? "DIFFERENT" : "same");
		return 0;
	}
	return 2;
}
