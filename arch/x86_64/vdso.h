/* vdso.h: the vDSO as the kernel sees it. */
#ifndef HTUX_VDSO_H
#define HTUX_VDSO_H

#include <stdint.h>
#include "arch/x86_64/vdso/vdso_data.h"

struct mm;

/* Once the TSC is calibrated: lets the vDSO answer without syscalls. */
void vdso_publish(uint64_t tsc_boot, uint64_t mult, int64_t realtime_base);
/* Maps the data page and the vDSO into mm; returns the vDSO's address
 * (for AT_SYSINFO_EHDR), or 0. */
uint64_t vdso_map(struct mm *mm);

#endif
