/* fallocate.c: mode 0 extends a file with zeros (never shrinks),
 * PUNCH_HOLE|KEEP_SIZE zeroes a range, and the errors. */
#include "abi.h"

#define FALLOC_FL_KEEP_SIZE 0x01
#define FALLOC_FL_PUNCH_HOLE 0x02

static void show(const char *p)
{
	char b[64];
	long n = abi_get(p, b, sizeof(b));
	printf("%s: %ld:", p, n);
	for (long i = 0; i < n; i++)
		putchar(b[i] ? b[i] : '.');
	putchar('\n');
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	abi_put("f", "abcdefgh");
	int fd = R(open("f", O_RDWR));
	R(fallocate(fd, 0, 4, 8));
	show("f");
	R(fallocate(fd, 0, 0, 2));
	show("f");
	R(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 1, 2));
	show("f");
	R(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 10, 100));
	show("f");
	R(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 1));
	R(fallocate(fd, 0, -1, 1));
	R(fallocate(fd, 0, 0, 0));
	R(lseek(fd, 0, SEEK_CUR));
	R(close(fd));
	fd = R(open("f", O_RDONLY));
	R(fallocate(fd, 0, 0, 100));
	R(close(fd));
	R(fallocate(99, 0, 0, 1));
	R(mkdir("d", 0755));
	fd = R(open("d", O_RDONLY));
	R(fallocate(fd, 0, 0, 1));
	R(close(fd));
	return 0;
}
