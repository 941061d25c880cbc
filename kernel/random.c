/* random.c: random bytes for AT_RANDOM and getrandom(): RDRAND when the
 * CPU has it, else a splitmix64 generator stirred with the TSC at every
 * call. Not a cryptographic generator without RDRAND. */
#include "kernel/kernel.h"
#include "arch/x86_64/cpu.h"

static uint64_t state;
static int have_rdrand = -1;

static uint64_t splitmix(void)
{
	uint64_t z = (state += 0x9E3779B97F4A7C15UL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
	return z ^ (z >> 31);
}

static uint64_t next(void)
{
	if (have_rdrand) {
		uint64_t v;
		unsigned char ok;
		for (int i = 0; i < 10; i++) {
			__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
			if (ok)
				return v;
		}
	}
	return splitmix();
}

void random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;

	if (have_rdrand < 0) {
		uint32_t r[4];
		cpuid(1, 0, r);
		have_rdrand = (r[2] >> 30) & 1;
	}
	state ^= rdtsc();
	while (n) {
		uint64_t v = next();
		size_t k = MIN(n, sizeof(v));
		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}
