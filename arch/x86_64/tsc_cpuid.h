/* tsc_cpuid.h: the TSC's frequency as CPUID states it, where it does
 * (arch/x86_64/tsc_cpuid.c); freestanding, so the host's unit tests build
 * it too. */
#ifndef HTUX_TSC_CPUID_H
#define HTUX_TSC_CPUID_H

#include <stdint.h>

/* How to read a CPUID leaf: r[] = eax, ebx, ecx, edx of (leaf, sub). */
typedef void (*tsc_cpuid_fn)(uint32_t leaf, uint32_t sub, uint32_t r[4]);

/* The TSC's rate in Hz from the hypervisor's timing leaf 0x40000010 (EAX:
 * kHz; QEMU/KVM with invtsc, VMware) or leaf 0x15 (TSC/crystal ratio times
 * the crystal's Hz), each only where the highest leaf of its range reaches
 * it (a leaf past the top returns another leaf's values on Intel) and it
 * holds a value; 0 where neither does. *src names the leaf used. */
uint64_t tsc_cpuid_hz(tsc_cpuid_fn cpuid, const char **src);

#endif
