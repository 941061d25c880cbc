/* lapic.c: the local APIC: enabled the first time something needs it (the
 * timer or a device interrupt), its EOI and ID, and the timer on vector
 * 32, started the first time something needs it, calibrated against the
 * TSC: one-shot, set at each interrupt to the next tick (TICK_NS) and
 * brought forward to an earlier deadline (a sleeper's, a timer's); IPIs
 * (the INIT and SIPIs that start the other CPUs, wake-ups and TLB
 * flushes); LINT1 takes the host's NMI. Every CPU sees its own local
 * APIC at the same address, and has its own timer (the calibration is
 * shared). */
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "kernel/cputime.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"

#define MSR_APIC_BASE 0x1B
#define REG_ID 0x020
#define REG_EOI 0x0B0
#define REG_SVR 0x0F0
#define REG_ICR_LO 0x300
#define REG_ICR_HI 0x310
#define ICR_PENDING (1u << 12)
#define REG_LVT_TIMER 0x320
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CUR 0x390
#define REG_TIMER_DIV 0x3E0
#define REG_LVT_LINT1 0x360
#define LVT_NMI (4u << 8) /* delivery mode NMI */
#define LVT_MASKED (1u << 16)
#define CALIB_NS 10000000UL

static volatile uint32_t *lapic;
static uint64_t per_tick; /* APIC timer counts per TICK_NS (the same on every CPU) */
/* Each CPU's: percpu.timer_on, and percpu.fires_at, the time_ns() of its
 * next timer interrupt. */

static void reg_write(uint32_t reg, uint32_t v) { lapic[reg / 4] = v; }
static uint32_t reg_read(uint32_t reg) { return lapic[reg / 4]; }

void lapic_enable(void)
{
	if (lapic)
		return;
	uint64_t base = rdmsr(MSR_APIC_BASE);
	wrmsr(MSR_APIC_BASE, base | (1UL << 11)); /* xAPIC enabled */
	lapic = paging_map_mmio(base & 0xFFFFF000UL, PAGE_SIZE);
	reg_write(REG_LVT_TIMER, LVT_MASKED | T_IRQ0);
	reg_write(REG_LVT_LINT1, LVT_NMI); /* the host's NMI (arch/x86_64/nmi.c) */
	reg_write(REG_SVR, 0x100 | T_SPURIOUS);
}

void lapic_init_this(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1UL << 11));
	reg_write(REG_LVT_TIMER, LVT_MASKED | T_IRQ0);
	reg_write(REG_LVT_LINT1, LVT_NMI); /* QEMU's `nmi` comes in there on every CPU */
	reg_write(REG_SVR, 0x100 | T_SPURIOUS);
}

int lapic_send_ipi(unsigned apic_id, uint32_t icr)
{
	lapic_enable();
	reg_write(REG_ICR_HI, apic_id << 24);
	reg_write(REG_ICR_LO, icr);
	for (int i = 0; i < 100000; i++) {
		if (!(reg_read(REG_ICR_LO) & ICR_PENDING))
			return 0;
		cpu_relax();
	}
	return -1;
}

/* Without enabling it (an NMI may come before): ~0u if not yet. */
unsigned lapic_id_now(void) { return lapic ? reg_read(REG_ID) >> 24 : ~0u; }

unsigned lapic_id(void)
{
	lapic_enable();
	return reg_read(REG_ID) >> 24;
}

/* The next interrupt at time at (time_ns()). */
static void arm(uint64_t now, uint64_t at)
{
	uint64_t dt = at > now ? at - now : 0;
	if (dt > TICK_NS)
		dt = TICK_NS;
	uint64_t count = dt * per_tick / TICK_NS;
	reg_write(REG_TIMER_INIT, count ? (uint32_t)count : 1);
	this_cpu()->fires_at = at;
}

void timer_rearm(void)
{
	if (this_cpu()->timer_on) {
		uint64_t now = time_ns();
		arm(now, now + TICK_NS);
	}
}

void timer_wake_at(uint64_t deadline)
{
	struct percpu *c = this_cpu();
	if (c->timer_on && deadline && deadline < c->fires_at)
		arm(time_ns(), deadline);
}

void timer_stop(void)
{
	struct percpu *c = this_cpu();
	if (c->timer_on) {
		reg_write(REG_TIMER_INIT, 0);
		c->fires_at = UINT64_MAX;
	}
}

void timer_start(void)
{
	struct percpu *c = this_cpu();
	if (c->timer_on)
		return;
	lapic_enable();
	reg_write(REG_TIMER_DIV, 0x3); /* divide by 16 */
	reg_write(REG_LVT_TIMER, LVT_MASKED | T_IRQ0);
	if (!per_tick) { /* once, on the first CPU that needs it */
		reg_write(REG_TIMER_INIT, 0xFFFFFFFF);
		uint64_t t0 = time_ns(), tsc0 = rdtsc();
		while (time_ns() - t0 < CALIB_NS)
			cpu_relax();
		uint64_t counted = 0xFFFFFFFFUL - reg_read(REG_TIMER_CUR);
		per_tick = counted * TICK_NS / CALIB_NS;
		if (per_tick == 0)
			per_tick = 1;
		cputime_not_charged(tsc0);
		kinfo("timer: %lu APIC counts per %lu us tick\n", per_tick, TICK_NS / 1000);
	}
	reg_write(REG_LVT_TIMER, T_IRQ0); /* one-shot */
	c->timer_on = true;
	timer_rearm();
}

void lapic_eoi(void)
{
	if (lapic)
		reg_write(REG_EOI, 0);
}
