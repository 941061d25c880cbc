/* truncate.c: growing and shrinking files with truncate and ftruncate,
 * and the errors. */
#include "abi.h"

static void show(const char *p)
{
	char b[64];
	long n = abi_get(p, b, sizeof(b));
	printf("%s: %ld bytes:", p, n);
	for (long i = 0; i < n; i++)
		printf(" %02x", (unsigned char)b[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	abi_put("f", "abcdef");
	R(truncate("f", 3));
	show("f");
	R(truncate("f", 8));
	show("f");
	R(truncate("f", -1));
	R(truncate("missing", 0));
	R(mkdir("d", 0755));
	R(truncate("d", 0));
	int fd = R(open("f", O_RDWR));
	R(ftruncate(fd, 2));
	R(lseek(fd, 0, SEEK_END));
	R(write(fd, "Z", 1));
	R(close(fd));
	show("f");
	fd = R(open("f", O_RDONLY));
	R(ftruncate(fd, 0));
	R(close(fd));
	R(ftruncate(99, 0));
	fd = R(open("d", O_RDONLY));
	R(ftruncate(fd, 0));
	R(close(fd));
	fd = R(open("f", O_RDWR));
	R(ftruncate(fd, -5));
	R(ftruncate(fd, 0));
	struct stat st;
	R(fstat(fd, &st));
	R(st.st_size);
	R(close(fd));
	return 0;
}
