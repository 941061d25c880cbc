/* bigmem.c: allocates N MiB (default 256), writes every byte, then checks
 * a sample of them; prints the checksum. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], 0, 10) : 256;
	size_t n = mib << 20;
	unsigned char *p = malloc(n);
	if (!p) {
		printf("malloc failed\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + (i >> 12));
	unsigned long sum = 0;
	for (size_t i = 0; i < n; i += 4093)
		sum += p[i];
	printf("%zu MiB ok, checksum %lu\n", mib, sum);
	free(p);
	return 0;
}
