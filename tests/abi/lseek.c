/* lseek.c: file positions: SEEK_SET/CUR/END, seeking past the end and
 * writing (the gap reads as zeros), errors. */
#include "abi.h"

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int fd = R(open("f", O_RDWR | O_CREAT, 0644));
	R(write(fd, "0123456789", 10));
	R(lseek(fd, 0, SEEK_CUR));
	R(lseek(fd, 3, SEEK_SET));
	char b[32] = { 0 };
	R(read(fd, b, 4));
	printf("read %s\n", b);
	R(lseek(fd, -2, SEEK_CUR));
	R(lseek(fd, -1, SEEK_END));
	R(lseek(fd, -20, SEEK_END));
	R(lseek(fd, -1, SEEK_SET));
	R(lseek(fd, 0, 99));
	R(lseek(fd, 20, SEEK_SET));
	R(read(fd, b, 4));
	R(write(fd, "AB", 2));
	struct stat st;
	R(fstat(fd, &st));
	R(st.st_size);
	R(lseek(fd, 8, SEEK_SET));
	memset(b, 'x', sizeof(b));
	R(read(fd, b, 32));
	for (int i = 0; i < 14; i++)
		printf("%02x", (unsigned char)b[i]);
	printf("\n");
	R(lseek(fd, 0, SEEK_DATA));
	R(lseek(fd, 0, SEEK_HOLE) >= 0);
	R(lseek(fd, 100, SEEK_DATA));
	R(lseek(-1, 0, SEEK_SET));
	R(lseek(99, 0, SEEK_SET));
	R(close(fd));
	int d = R(open(".", O_RDONLY | O_DIRECTORY));
	R(lseek(d, 0, SEEK_SET));
	R(close(d));
	return 0;
}
