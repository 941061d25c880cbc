/* madvise.c: MADV_DONTNEED gives private anonymous pages back as zeros
 * and private file pages back as the file; advice errors. mprotect. */
#include "abi.h"
#include <sys/mman.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	size_t pg = 4096;
	char *a = P(mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	memset(a, 1, 4 * pg);
	R(madvise(a + pg, 2 * pg, MADV_DONTNEED));
	R(a[0] + 10 * a[pg] + 100 * a[2 * pg] + 1000 * a[3 * pg]);
	R(madvise(a + 1, pg, MADV_DONTNEED));
	R(madvise(a, pg, 12345));
	R(madvise(a, pg, MADV_NORMAL));
	R(madvise(a, pg, MADV_WILLNEED));
	R(madvise(a, pg, MADV_SEQUENTIAL));
	R(munmap(a + 2 * pg, pg));
	R(madvise(a, 4 * pg, MADV_DONTNEED));
	R(madvise(a, 0, MADV_DONTNEED));
	abi_put("f", "file data here");
	int fd = R(open("f", O_RDONLY));
	char *m = P(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
	m[0] = 'F';
	printf("%.14s\n", m);
	R(madvise(m, pg, MADV_DONTNEED));
	printf("%.14s\n", m);
	R(close(fd));
	R(mprotect(a, pg, PROT_READ));
	R(a[0]);
	R(mprotect(a + 1, pg, PROT_READ));
	R(mprotect(a, pg, 0x100));
	R(mprotect(a, pg, PROT_READ | PROT_WRITE));
	a[0] = 2;
	R(a[0]);
	R(mprotect(a, 4 * pg, PROT_READ));
	return 0;
}
