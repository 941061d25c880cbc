/* tsc_cpuid.c: the TSC's frequency from CPUID (tsc_cpuid.h): what a
 * hypervisor or the CPU states, preferred to a measurement, which under a
 * hypervisor is only as good as the emulated timer it counts against. */
#include "arch/x86_64/tsc_cpuid.h"

#define HYPERVISOR_BIT (1u << 31) /* CPUID.1:ECX */
#define LEAF_HV_BASE 0x40000000u
#define LEAF_HV_TIMING 0x40000010u
#define LEAF_TSC_CRYSTAL 0x15u

uint64_t tsc_cpuid_hz(tsc_cpuid_fn cpuid, const char **src)
{
	uint32_t r[4], max;

	cpuid(0, 0, r);
	max = r[0];
	if (max >= 1) {
		cpuid(1, 0, r);
		if (r[2] & HYPERVISOR_BIT) {
			cpuid(LEAF_HV_BASE, 0, r);
			if (r[0] >= LEAF_HV_TIMING && r[0] < LEAF_HV_BASE + 0x100) {
				cpuid(LEAF_HV_TIMING, 0, r);
				if (r[0]) {
					*src = "CPUID 0x40000010";
					return (uint64_t)r[0] * 1000;
				}
			}
		}
	}
	if (max >= LEAF_TSC_CRYSTAL) {
		/* eax: denominator, ebx: numerator, ecx: the crystal's Hz (0
		 * where not stated: then the ratio alone says nothing). */
		cpuid(LEAF_TSC_CRYSTAL, 0, r);
		if (r[0] && r[1] && r[2]) {
			*src = "CPUID 0x15";
			return (uint64_t)r[2] * r[1] / r[0];
		}
	}
	return 0;
}
