/* ksyms.c: looks addresses up in the kernel's symbol table (made at link
 * time by kernel/link-kernel.sh: ksyms_count addresses in ascending order,
 * each with a name). */
#include "kernel/kernel.h"
#include "kernel/ksyms.h"

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addr[];
extern const char *const ksyms_name[];
extern const char _etext[];

const char *ksym_lookup(uint64_t addr, uint64_t *off)
{
	uint64_t lo = 0, hi = ksyms_count;

	if (!hi || addr < ksyms_addr[0] || addr >= (uint64_t)_etext)
		return NULL;
	while (hi - lo > 1) { /* the last symbol at or below addr */
		uint64_t mid = lo + (hi - lo) / 2;
		if (ksyms_addr[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*off = addr - ksyms_addr[lo];
	return ksyms_name[lo];
}
