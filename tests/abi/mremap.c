/* mremap.c: growing (in place or moving), shrinking and moving to a fixed
 * place keep the contents; the errors. */
#define _GNU_SOURCE
#include "abi.h"
#include <sys/mman.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	size_t pg = 4096;
	char *a = P(mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	for (size_t i = 0; i < 4 * pg; i++)
		a[i] = (char)(i / pg + 1);
	/* block the way so that growing must move */
	R(munmap(a + 2 * pg, 2 * pg));
	char *blk = P(
		mmap(a + 2 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	(void)blk;
	P(mremap(a, 2 * pg, 4 * pg, 0));
	char *b = P(mremap(a, 2 * pg, 8 * pg, MREMAP_MAYMOVE));
	SAY(b != a);
	R(b[0] + 10 * b[pg] + 100 * b[7 * pg]);
	b[7 * pg] = 9;
	char *c = P(mremap(b, 8 * pg, pg, 0));
	SAY(c == b);
	R(c[0]);
	char *t = P(mmap(NULL, 16 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	R(munmap(t, 16 * pg));
	char *d = P(mremap(c, pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, t + 4 * pg));
	SAY(d == t + 4 * pg);
	R(d[0] + d[pg]);
	P(mremap(d + 1, pg, pg, 0));
	P(mremap(d, pg, 0, MREMAP_MAYMOVE));
	P(mremap(d, pg, pg, MREMAP_FIXED, t));
	P(mremap(d, pg, pg, 0x80));
	P(mremap(t + 12 * pg, pg, 2 * pg, MREMAP_MAYMOVE));
	/* grow in place when the space after is free */
	char *e = P(mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	R(munmap(e + 2 * pg, 6 * pg));
	e[0] = 3;
	char *f = P(mremap(e, 2 * pg, 6 * pg, 0));
	SAY(f == e);
	R(f[0] + f[5 * pg]);
	return 0;
}
