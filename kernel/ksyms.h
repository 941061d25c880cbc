/* ksyms.h: the kernel's symbol table, linked into htux.elf by
 * kernel/link-kernel.sh: code addresses to names. */
#ifndef HTUX_KSYMS_H
#define HTUX_KSYMS_H

#include <stdint.h>

/* The name of the function holding addr, and addr's offset in it; NULL
 * when addr is not in the kernel's code. */
const char *ksym_lookup(uint64_t addr, uint64_t *off);

#endif
