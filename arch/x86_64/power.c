/* power.c: switching the machine off through ACPI (S5), for when QEMU has
 * no isa-debug-exit device: the FADT's PM1 control blocks, or the sleep
 * control register on hardware-reduced ACPI (microvm). SLP_TYP comes from
 * the \_S5 package in the DSDT. */
#include "kernel/kernel.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/paging.h"

static uint8_t rsdp_copy[36];

struct sdt {
	char sig[4];
	uint32_t len;
	uint8_t rev, sum;
	char oem[6], table[8];
	uint32_t oemrev, creator, creatorrev;
} __attribute__((packed));

struct gas {
	uint8_t space, width, offset, access;
	uint64_t addr;
} __attribute__((packed));

void power_set_rsdp(const uint8_t *rsdp)
{
	memcpy(rsdp_copy, rsdp, sizeof(rsdp_copy));
}

static const uint8_t *find_rsdp(void)
{
	if (!memcmp(rsdp_copy, "RSD PTR ", 8))
		return rsdp_copy;
	uint64_t ebda = (uint64_t)*(uint16_t *)phys_to_virt(0x40E) << 4;
	uint64_t areas[2][2] = { { ebda, ebda + 1024 }, { 0xE0000, 0x100000 } };
	for (int a = 0; a < 2; a++) {
		if (!areas[a][0])
			continue;
		for (uint64_t p = areas[a][0]; p < areas[a][1]; p += 16)
			if (!memcmp(phys_to_virt(p), "RSD PTR ", 8))
				return phys_to_virt(p);
	}
	return NULL;
}

static const struct sdt *find_table(const uint8_t *rsdp, const char *sig)
{
	uint32_t rsdt = *(const uint32_t *)(rsdp + 16);
	uint64_t xsdt = rsdp[15] >= 2 ? *(const uint64_t *)(rsdp + 24) : 0;
	const struct sdt *root = phys_to_virt(xsdt ? xsdt : rsdt);
	int esize = xsdt ? 8 : 4;
	int n = (root->len - sizeof(*root)) / esize;
	const uint8_t *ents = (const uint8_t *)(root + 1);

	for (int i = 0; i < n; i++) {
		uint64_t pa = esize == 8 ? *(const uint64_t *)(ents + 8 * i) : *(const uint32_t *)(ents + 4 * i);
		const struct sdt *t = phys_to_virt(pa);
		if (!memcmp(t->sig, sig, 4))
			return t;
	}
	return NULL;
}

/* The first value of the \_S5 package: Name(_S5_, Package(n){ a, ... }). */
static int s5_sleep_type(const struct sdt *dsdt)
{
	const uint8_t *p = (const uint8_t *)(dsdt + 1), *end = (const uint8_t *)dsdt + dsdt->len;
	for (; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) || p[4] != 0x12)
			continue;
		p += 5;
		p += ((*p >> 6) & 3) + 1;    /* PkgLength */
		p++;                         /* NumElements */
		if (*p == 0x0A)              /* BytePrefix */
			return p[1];
		if (*p == 0x00 || *p == 0x01)   /* ZeroOp, OneOp */
			return *p;
		return -1;
	}
	return -1;
}

void acpi_poweroff(void)
{
	const uint8_t *rsdp = find_rsdp();
	if (!rsdp)
		return;
	const struct sdt *fadt = find_table(rsdp, "FACP");
	if (!fadt)
		return;
	const uint8_t *f = (const uint8_t *)fadt;
	uint64_t dsdt_pa = fadt->len >= 148 && *(const uint64_t *)(f + 140) ? *(const uint64_t *)(f + 140) : *(const uint32_t *)(f + 40);
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
