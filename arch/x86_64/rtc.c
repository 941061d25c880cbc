/* rtc.c: the CMOS real-time clock, read once for the wall-clock time, and
 * its periodic flag as a time base where there is no PIT (microvm). */
#include "kernel/kernel.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/cpu.h"

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static int bcd(int v) { return (v & 0x0F) + (v >> 4) * 10; }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t rtc_read_epoch(void)
{
	for (int i = 0; i < 1000000 && (cmos(0x0A) & 0x80); i++)
		cpu_relax(); /* update in progress */
	int sec = cmos(0x00), min = cmos(0x02), hour = cmos(0x04);
	int day = cmos(0x07), mon = cmos(0x08), year = cmos(0x09), cent = cmos(0x32);
	uint8_t b = cmos(0x0B);

	bool pm = hour & 0x80;
	hour &= 0x7F;
	if (!(b & 0x04)) {
		sec = bcd(sec), min = bcd(min), hour = bcd(hour);
		day = bcd(day), mon = bcd(mon), year = bcd(year), cent = bcd(cent);
	}
	if (!(b & 0x02) && pm)
		hour = (hour % 12) + 12;
	if (cent < 19 || cent > 30)
		cent = 20;
	int64_t days = days_from_civil(cent * 100 + year, mon, day);
	return days * 86400 + hour * 3600 + min * 60 + sec;
}

/* The TSC's rate measured over 16 periods of the RTC's periodic flag at
 * 1024 Hz (15.6 ms), polled in register C (reading it clears the flag;
 * QEMU runs the periodic timer only while PIE is set, and IRQ 8 stays
 * masked at the I/O APIC, so no interrupt comes). 0 without an RTC or
 * when the flag never rises. */
uint64_t rtc_tsc_hz(void)
{
	enum { PERIODS = 16, HZ = 1024 };
	if (cmos(0x0D) != 0x80)
		return 0; /* register D: "valid RAM" alone; 0xFF: nothing there */
	uint8_t a = cmos(0x0A), b = cmos(0x0B);
	outb(0x70, 0x0A);
	outb(0x71, (a & 0xF0) | 6); /* rate 6: 32768 >> 5 = 1024 Hz */
	outb(0x70, 0x0B);
	outb(0x71, b | 0x40); /* PIE */
	(void)cmos(0x0C);
	uint64_t t0 = 0, t1 = 0;
	for (int n = 0; n <= PERIODS; n++) {
		uint64_t spins = 0;
		while (!(cmos(0x0C) & 0x40))
			if (++spins > (1UL << 24))
				goto out;
		if (n == 0)
			t0 = rdtsc();
		else
			t1 = rdtsc();
	}
out:
	outb(0x70, 0x0B);
	outb(0x71, b);
	outb(0x70, 0x0A);
	outb(0x71, a);
	(void)cmos(0x0C);
	return t1 > t0 ? (t1 - t0) * HZ / PERIODS : 0;
}
