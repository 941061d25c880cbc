/* mmap_file.c: private file mappings: the file's bytes, zeros after the
 * end in the last page, private writes not reaching the file, offsets,
 * and the errors for unusable descriptors. */
#include "abi.h"
#include <sys/mman.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	size_t pg = 4096;
	int fd = R(open("f", O_RDWR | O_CREAT, 0644));
	char buf[3 * 4096];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = 'a' + i / pg;
	R(write(fd, buf, 2 * pg + 100));
	char *m = P(mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
	printf("%c %c %c %d\n", m[0], m[pg], m[2 * pg], m[2 * pg + 100]);
	m[0] = 'Z';
	char c;
	R(pread(fd, &c, 1, 0));
	printf("file: %c\n", c);
	char *o = P(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, pg));
	printf("off: %c\n", o[0]);
	P(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 1));
	char *sh = P(mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0));
	printf("shared: %c\n", sh[1]);
	R(close(fd));
	printf("after close: %c\n", m[1]);
	int d = R(open(".", O_RDONLY | O_DIRECTORY));
	P(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, d, 0));
	R(close(d));
	fd = R(open("f", O_WRONLY));
	P(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 0));
	R(close(fd));
	fd = R(open("/dev/zero", O_RDWR));
	char *z = P(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
	if (z != MAP_FAILED && z)
		R(z[100]);
	R(close(fd));
	return 0;
}
