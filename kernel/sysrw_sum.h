/* sysrw_sum.h: the checksum of a file's bytes in the syscall-site table
 * (/.htux/sites; README, "Rewriting syscall sites"), one definition for
 * the two sides that compute it: htux-mkimage, which writes the table
 * (tools/mkimage/sites.c), and the kernel, which checks a file on a disk
 * against it (kernel/sysrw.c). Freestanding: stdint and a builtin. */
#ifndef HTUX_SYSRW_SUM_H
#define HTUX_SYSRW_SUM_H

#include <stddef.h>
#include <stdint.h>

/* Mixes the n bytes at p into h: 64-bit little-endian words, the tail
 * padded with zeros, each as h = (h ^ w) * 0x100000001b3. A file's sum
 * starts from h = its size; its bytes may come in pieces whose sizes are
 * multiples of 8 but the last. */
static inline uint64_t sysrw_sum(uint64_t h, const uint8_t *p, size_t n)
{
	uint64_t w;
	size_t i;
	for (i = 0; i + 8 <= n; i += 8) {
		__builtin_memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
	}
	if (i < n) {
		w = 0;
		__builtin_memcpy(&w, p + i, n - i);
		h = (h ^ w) * 0x100000001b3ULL;
	}
	return h;
}

#endif
