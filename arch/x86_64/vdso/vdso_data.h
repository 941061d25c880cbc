/* vdso_data.h: the page the kernel shares read-only with the vDSO: what it
 * needs to turn the TSC into the time without a system call. */
#ifndef HTUX_VDSO_DATA_H
#define HTUX_VDSO_DATA_H

#include <stdint.h>

struct vdso_data {
	uint32_t ready; /* 0 until the TSC is calibrated: use the syscall */
	uint32_t pad;
	uint64_t tsc_boot;     /* TSC at boot */
	uint64_t mult;         /* ns = ((tsc - tsc_boot) * mult) >> 32 */
	int64_t realtime_base; /* CLOCK_REALTIME at tsc_boot, ns */
};

#endif
