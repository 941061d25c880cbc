/* power.c: switching the machine off through ACPI (S5), for when QEMU has
 * no isa-debug-exit device: the FADT's PM1 control blocks, or the sleep
 * control register on hardware-reduced ACPI (microvm). SLP_TYP comes from
 * the \_S5 package in the DSDT. */
#include "kernel/kernel.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/acpi.h"

struct gas {
	uint8_t space, width, offset, access;
	uint64_t addr;
} __attribute__((packed));

/* The first value of the \_S5 package: Name(_S5_, Package(n){ a, ... }). */
static int s5_sleep_type(const struct acpi_sdt *dsdt)
{
	const uint8_t *p = (const uint8_t *)(dsdt + 1), *end = (const uint8_t *)dsdt + dsdt->len;
	for (; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) || p[4] != 0x12)
			continue;
		p += 5;
		p += ((*p >> 6) & 3) + 1; /* PkgLength */
		p++;                      /* NumElements */
		if (*p == 0x0A)           /* BytePrefix */
			return p[1];
		if (*p == 0x00 || *p == 0x01) /* ZeroOp, OneOp */
			return *p;
		return -1;
	}
	return -1;
}

void acpi_poweroff(void)
{
	const struct acpi_sdt *fadt = acpi_table("FACP");
	if (!fadt)
		return;
	const uint8_t *f = (const uint8_t *)fadt;
	uint64_t dsdt_pa = fadt->len >= 148 && *(const uint64_t *)(f + 140)
				   ? *(const uint64_t *)(f + 140)
				   : *(const uint32_t *)(f + 40);
	int typ = dsdt_pa ? s5_sleep_type(phys_to_virt(dsdt_pa)) : -1;
	if (typ < 0)
		typ = 0;

	uint32_t pm1a = *(const uint32_t *)(f + 64), pm1b = *(const uint32_t *)(f + 68);
	if (pm1a) {
		outw(pm1a, (typ << 10) | (1 << 13));
		if (pm1b)
			outw(pm1b, (typ << 10) | (1 << 13));
	}
	if (fadt->len >= 256) {
		const struct gas *slp = (const struct gas *)(f + 244);
		uint8_t v = ((typ & 7) << 2) | (1 << 5);
		if (slp->addr && slp->space == 1)
			outb(slp->addr, v);
		else if (slp->addr && slp->space == 0)
			*(volatile uint8_t *)paging_map_mmio(slp->addr, 1) = v;
	}
}
