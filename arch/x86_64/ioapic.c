/* ioapic.c: the I/O APICs, found in the ACPI MADT (with its interrupt
 * source overrides), and routing one global system interrupt (GSI) to a
 * vector on this CPU; a second device on a routed line shares its vector. Looked up the first time a driver asks, so a boot
 * without devices pays nothing. */
#include "kernel/kernel.h"
#include "kernel/irq.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"

#define MAX_IOAPICS 4
#define MAX_OVERRIDES 16
#define IOREGSEL 0x00
#define IOWIN 0x10
#define REG_VER 0x01
#define REG_REDTBL(n) (0x10 + 2 * (n))
#define RED_LOW (1u << 13)
#define RED_LEVEL (1u << 15)
#define RED_MASK (1u << 16)

static struct ioapic {
	volatile uint32_t *regs;
	unsigned gsi_base, npins;
} ioapics[MAX_IOAPICS];
static int nioapics;

static struct {
	unsigned gsi;
	uint16_t flags; /* MPS INTI flags: polarity bits 0-1, trigger 2-3 */
} overrides[MAX_OVERRIDES];
static int noverrides;
static bool scanned;
#define MAX_GSI 256
static uint8_t gsi_vector[MAX_GSI]; /* vector a line is routed to, 0: none */

static uint32_t reg_read(struct ioapic *a, uint32_t r)
{
	a->regs[IOREGSEL / 4] = r;
	return a->regs[IOWIN / 4];
}

static void reg_write(struct ioapic *a, uint32_t r, uint32_t v)
{
	a->regs[IOREGSEL / 4] = r;
	a->regs[IOWIN / 4] = v;
}

static void add_ioapic(uint32_t addr, unsigned gsi_base)
{
	struct ioapic *a = &ioapics[nioapics];
	a->gsi_base = gsi_base;
	a->regs = paging_map_mmio(addr, 0x20);
	uint32_t ver = reg_read(a, REG_VER);
	if (ver == 0xFFFFFFFFu || ver == 0)
		return;
	a->npins = ((ver >> 16) & 0xFF) + 1;
	nioapics++;
	kinfo("ioapic: at %x, GSI %u-%u\n", addr, a->gsi_base, a->gsi_base + a->npins - 1);
}

static void madt_entry(const uint8_t *p, void *arg)
{
	(void)arg;
	if (p[0] == 1 && p[1] >= 12 && nioapics < MAX_IOAPICS)
		add_ioapic(*(const uint32_t *)(p + 4), *(const uint32_t *)(p + 8));
	else if (p[0] == 2 && p[1] >= 10 && noverrides < MAX_OVERRIDES) {
		overrides[noverrides].gsi = *(const uint32_t *)(p + 4);
		overrides[noverrides].flags = *(const uint16_t *)(p + 8);
		noverrides++;
	}
}

static void scan_madt(void)
{
	scanned = true;
	if (acpi_madt_walk(madt_entry, NULL) < 0) {
		/* No ACPI (microvm,acpi=off): the standard place, GSI 0 up. */
		add_ioapic(0xFEC00000u, 0);
	}
}

int irq_route_gsi_mode(unsigned gsi, int vector, bool level, bool active_low)
{
	if (!scanned)
		scan_madt();
	for (int i = 0; i < noverrides; i++) {
		if (overrides[i].gsi != gsi)
			continue;
		unsigned pol = overrides[i].flags & 3, trig = (overrides[i].flags >> 2) & 3;
		if (pol == 1 || pol == 3)
			active_low = pol == 3;
		if (trig == 1 || trig == 3)
			level = trig == 3;
	}
	for (int i = 0; i < nioapics; i++) {
		struct ioapic *a = &ioapics[i];
		if (gsi < a->gsi_base || gsi >= a->gsi_base + a->npins)
			continue;
		if (gsi < MAX_GSI && gsi_vector[gsi]) {
			/* A shared line (PCI INTx): both handlers run on it. */
			irq_share(gsi_vector[gsi], vector);
			return 0;
		}
		if (gsi < MAX_GSI)
			gsi_vector[gsi] = (uint8_t)vector;
		unsigned pin = gsi - a->gsi_base;
		uint32_t lo = (uint32_t)vector | (active_low ? RED_LOW : 0) |
			      (level ? RED_LEVEL : 0);
		lapic_enable();
		reg_write(a, REG_REDTBL(pin), RED_MASK);
		reg_write(a, REG_REDTBL(pin) + 1, lapic_id() << 24);
		reg_write(a, REG_REDTBL(pin), lo);
		return 0;
	}
	return -1;
}

int irq_route_gsi(unsigned gsi, int vector, bool level)
{
	return irq_route_gsi_mode(gsi, vector, level, level);
}
