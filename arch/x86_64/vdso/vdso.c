/* vdso.c: the virtual shared object mapped into the program: clock_gettime,
 * gettimeofday, time and getcpu without entering the kernel, from the TSC
 * and the data page the kernel maps just before this image. Anything it
 * cannot answer goes to the real system call. */
#include <stdint.h>
#include <stddef.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <asm/unistd_64.h>
#include "arch/x86_64/vdso/vdso_data.h"

extern const struct vdso_data vvar __attribute__((visibility("hidden")));

static long sys2(long nr, long a, long b)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static int64_t mono_ns(void)
{
	uint64_t d = rdtsc() - vvar.tsc_boot;
	return (int64_t)(((unsigned __int128)d * vvar.mult) >> 32);
}

int __vdso_clock_gettime(int clk, struct __kernel_timespec *ts)
{
	int64_t ns;

	if (!vvar.ready)
		return (int)sys2(__NR_clock_gettime, clk, (long)ts);
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI: ns = vvar.realtime_base + mono_ns(); break;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME: ns = mono_ns(); break;
	default: return (int)sys2(__NR_clock_gettime, clk, (long)ts);
	}
	ts->tv_sec = ns / 1000000000;
	ts->tv_nsec = ns % 1000000000;
	return 0;
}

int __vdso_gettimeofday(struct __kernel_old_timeval *tv, void *tz)
{
	if (!vvar.ready || tz)
		return (int)sys2(__NR_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		int64_t ns = vvar.realtime_base + mono_ns();
		tv->tv_sec = ns / 1000000000;
		tv->tv_usec = (ns % 1000000000) / 1000;
	}
	return 0;
}

long __vdso_time(long *t)
{
	if (!vvar.ready)
		return sys2(__NR_time, (long)t, 0);
	long s = (vvar.realtime_base + mono_ns()) / 1000000000;
	if (t)
		*t = s;
	return s;
}

/* The CPU's number is the limit of its GDT's SEL_CPUNUM segment
 * (arch/x86_64/gdt.c); node 0. */
int __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	(void)unused;
	unsigned lim = 0;
	__asm__ volatile("lsl %1, %0" : "=r"(lim) : "r"(0x4Bu));
	if (cpu)
		*cpu = lim & 0xFFF;
	if (node)
		*node = 0;
	return 0;
}

int clock_gettime(int, struct __kernel_timespec *)
	__attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct __kernel_old_timeval *, void *)
	__attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
int getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
