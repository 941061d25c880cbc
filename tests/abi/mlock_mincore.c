/* mlock_mincore.c: memory locking (pages become resident) and mincore's
 * view of which pages are in memory; errors for unmapped ranges. */
#include "abi.h"
#include <sys/mman.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	size_t pg = 4096;
	unsigned char v[8];
	char *a = P(mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	a[0] = 1;
	a[3 * pg] = 1;
	R(mincore(a, 8 * pg, v));
	for (int i = 0; i < 8; i++)
		putchar('0' + (v[i] & 1));
	putchar('\n');
	R(mlock(a + 5 * pg, 2 * pg));
	R(mincore(a, 8 * pg, v));
	for (int i = 0; i < 8; i++)
		putchar('0' + (v[i] & 1));
	putchar('\n');
	R(munlock(a, 8 * pg));
	R(madvise(a, 8 * pg, MADV_DONTNEED));
	R(mincore(a, 8 * pg, v));
	for (int i = 0; i < 8; i++)
		putchar('0' + (v[i] & 1));
	putchar('\n');
	R(mincore(a + 1, pg, v));
	R(mincore(a, pg, (unsigned char *)1));
	R(munmap(a + 4 * pg, pg));
	R(mincore(a, 8 * pg, v));
	R(mlock(a, 8 * pg));
	R(munlock(a + 4 * pg, pg));
	R(mlockall(0));
	R(mlockall(MCL_ONFAULT));
	R(mlockall(0x100));
	R(mlockall(MCL_CURRENT | MCL_FUTURE));
	R(munlockall());
	return 0;
}
