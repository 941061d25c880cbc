/* mmap_anon.c: anonymous mappings: zero fill, MAP_FIXED replacing pages,
 * MAP_FIXED_NOREPLACE, holes made by munmap, and argument errors. */
#include "abi.h"
#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	size_t pg = 4096;
	char *a = P(mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	int zero = 1;
	for (size_t i = 0; i < 8 * pg; i++)
		if (a[i])
			zero = 0;
	SAY(zero);
	memset(a, 7, 8 * pg);
	char *b = P(mmap(a + 2 * pg, pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	SAY(b == a + 2 * pg);
	R(a[2 * pg]);
	R(a[3 * pg]);
	R((long)mmap(a + 4 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		     -1, 0));
	R(munmap(a + 4 * pg, 2 * pg));
	char *c = P(mmap(a + 4 * pg, pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
	SAY(c == a + 4 * pg);
	R(c[0]);
	R(a[6 * pg]);
	R(munmap(a, 8 * pg));
	R(munmap(a, 8 * pg));
	R(munmap(a + 1, pg));
	R(munmap(a, 0));
	P(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	P(mmap(NULL, pg, PROT_READ, MAP_ANONYMOUS, -1, 0));
	P(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, -1, 0));
	P(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, 99, 0));
	P(mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 123));
	P(mmap((void *)12345, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	P(mmap(NULL, (size_t)1 << 60, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	char *h = P(mmap((void *)0x200000000000, pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	SAY(h == (char *)0x200000000000);
	char *big = P(mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
	big[(64 << 20) - 1] = 1;
	R(big[(64 << 20) - 1]);
	R(munmap(big, 64 << 20));
	char *s = P(mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
	s[0] = 5;
	R(s[0] + s[pg]);
	return 0;
}
