/* tsc.c: the monotonic clock: the TSC, at the rate CPUID states where it
 * does (tsc_cpuid.c: under KVM, or on a CPU with leaf 0x15), else
 * calibrated against the PIT (or, where there is none, as on microvm, the
 * RTC's periodic flag), the first time a program asks for the time (so
 * boot does not wait for it), and sleeping by spinning on it. */
#include "kernel/kernel.h"
#include "kernel/cputime.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/vdso.h"
#include "arch/x86_64/tsc_cpuid.h"

#define PIT_HZ 1193182UL
#define CALIB_TICKS 11932UL /* 10 ms */

static uint64_t tsc_boot;
static uint64_t mult;         /* ns = (ticks * mult) >> 32 */
static int64_t realtime_base; /* ns since the epoch at tsc_boot */
static bool have_realtime;

void time_init(void)
{
	tsc_boot = rdtsc();
	cputime_cpu_up(&cpus[0], tsc_boot); /* /proc/stat counts from boot */
}

static uint64_t calibrate(const char **src)
{
	uint32_t r[4];
	uint8_t gate = inb(0x61);

	outb(0x61, (gate & ~0x02) | 0x01); /* speaker off, channel 2 gate on */
	outb(0x43, 0xB0);                  /* channel 2, lo/hi, mode 0 */
	outb(0x42, CALIB_TICKS & 0xFF);
	outb(0x42, CALIB_TICKS >> 8);
	uint64_t t0 = rdtsc();
	/* Mode 0's output is low until the count runs out: high at once (port
	 * 0x61 reads 0xFF where nothing answers) means there is no PIT. */
	bool no_pit = inb(0x61) & 0x20;
	for (uint64_t spins = 0; no_pit || !(inb(0x61) & 0x20); spins++) {
		if (no_pit || spins > (1UL << 26)) {
			outb(0x61, gate);
			uint64_t hz = rtc_tsc_hz();
			*src = "RTC";
			if (hz)
				return hz;
			/* Neither: CPUID's nominal frequency, else 1 GHz. */
			cpuid(0, 0, r);
			if (r[0] >= 0x16) {
				cpuid(0x16, 0, r);
				*src = "CPUID 0x16";
				if (r[0])
					return (uint64_t)r[0] * 1000000;
			}
			*src = "a guess";
			return 1000000000;
		}
	}
	uint64_t t1 = rdtsc();
	outb(0x61, gate);
	*src = "PIT";
	return (t1 - t0) * PIT_HZ / CALIB_TICKS;
}

static void cpuid_regs(uint32_t leaf, uint32_t sub, uint32_t r[4]) { cpuid(leaf, sub, r); }

uint64_t time_ns(void)
{
	if (!mult) {
		uint64_t t0 = rdtsc();
		const char *src;
		uint64_t hz = tsc_cpuid_hz(cpuid_regs, &src);
		if (!hz)
			hz = calibrate(&src);
		mult = (uint64_t)(((unsigned __int128)1000000000 << 32) / hz);
		kinfo("TSC at %lu kHz (%s)\n", hz / 1000, src);
		vdso_publish(tsc_boot, mult, realtime_boot_ns());
		cputime_not_charged(t0);
	}
	uint64_t d = rdtsc() - tsc_boot;
	return (uint64_t)(((unsigned __int128)d * mult) >> 32);
}

uint64_t tsc_to_ns(uint64_t ticks)
{
	if (!mult)
		time_ns();
	return (uint64_t)(((unsigned __int128)ticks * mult) >> 32);
}

int64_t realtime_boot_ns(void)
{
	if (!have_realtime) {
		int64_t now = rtc_read_epoch() * 1000000000L;
		realtime_base = now - (int64_t)time_ns();
		have_realtime = true;
	}
	return realtime_base;
}

bool time_ready(void) { return mult != 0; }

void realtime_set_ns(int64_t ns)
{
	realtime_base = ns - (int64_t)time_ns();
	have_realtime = true;
	vdso_publish(tsc_boot, mult, realtime_base);
}

int64_t realtime_now_ns(void)
{
	static int64_t rtc_at_boot;

	if (mult)
		return realtime_boot_ns() + (int64_t)time_ns();
	/* Not calibrated yet (nobody asked for precise time): the RTC's
	 * second, read once, is good enough for the kernel's own stamps. */
	if (!rtc_at_boot)
		rtc_at_boot = rtc_read_epoch() * 1000000000L;
	return rtc_at_boot;
}

void time_sleep_ns(uint64_t ns)
{
	uint64_t end = time_ns() + ns;
	while (time_ns() < end)
		cpu_relax();
}
