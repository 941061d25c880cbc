/* acpi.c: the ACPI root tables: the RSDP (from the boot loader, else the
 * EBDA and BIOS area), the RSDT or XSDT, and lookup of a table by its
 * signature for the power-off code and the I/O APIC setup; the one walk
 * over the MADT's entries (I/O APICs, overrides, processors). */
#include "kernel/kernel.h"
#include "arch/x86_64/acpi.h"

static uint8_t rsdp_copy[36];

void acpi_set_rsdp(const uint8_t *rsdp) { memcpy(rsdp_copy, rsdp, sizeof(rsdp_copy)); }

/* "RSD PTR " as one little-endian word */
#define RSDP_SIG 0x2052545020445352ull

static bool is_rsdp(const void *p) { return *(const uint64_t *)p == RSDP_SIG; }

/* The RSDP, searched for once: the boot loader's copy, else the first 1 KiB
 * of the EBDA, else the BIOS area 0xE0000-0xFFFFF, 16-byte aligned (ACPI
 * 5.2.5.1); its upper half first, where SeaBIOS puts it (there is one RSDP,
 * so the order does not matter otherwise). What the search finds is kept in
 * rsdp_copy, so later lookups cost nothing (the search took ~60,000
 * instructions each time under SeaBIOS). */
static const uint8_t *find_rsdp(void)
{
	if (is_rsdp(rsdp_copy))
		return rsdp_copy;
	uint64_t ebda = (uint64_t) * (uint16_t *)phys_to_virt(0x40E) << 4;
	uint64_t areas[3][2] = { { ebda, ebda + 1024 },
				 { 0xF0000, 0x100000 },
				 { 0xE0000, 0xF0000 } };
	for (int a = 0; a < 3; a++) {
		if (!areas[a][0])
			continue;
		for (uint64_t p = areas[a][0]; p < areas[a][1]; p += 16)
			if (is_rsdp(phys_to_virt(p))) {
				acpi_set_rsdp(phys_to_virt(p));
				return rsdp_copy;
			}
	}
	return NULL;
}

const struct acpi_sdt *acpi_table(const char *sig)
{
	const uint8_t *rsdp = find_rsdp();
	if (!rsdp)
		return NULL;
	uint32_t rsdt = *(const uint32_t *)(rsdp + 16);
	uint64_t xsdt = rsdp[15] >= 2 ? *(const uint64_t *)(rsdp + 24) : 0;
	const struct acpi_sdt *root = phys_to_virt(xsdt ? xsdt : rsdt);
	int esize = xsdt ? 8 : 4;
	int n = (root->len - sizeof(*root)) / esize;
	const uint8_t *ents = (const uint8_t *)(root + 1);

	for (int i = 0; i < n; i++) {
		uint64_t pa = esize == 8 ? *(const uint64_t *)(ents + 8 * i)
					 : *(const uint32_t *)(ents + 4 * i);
		const struct acpi_sdt *t = phys_to_virt(pa);
		if (!memcmp(t->sig, sig, 4))
			return t;
	}
	return NULL;
}

int acpi_madt_walk(void (*fn)(const uint8_t *e, void *arg), void *arg)
{
	const struct acpi_sdt *madt = acpi_table("APIC");
	if (!madt)
		return -1;
	/* after the header: the local APIC address and flags (8 bytes) */
	const uint8_t *p = (const uint8_t *)madt + sizeof(*madt) + 8;
	const uint8_t *end = (const uint8_t *)madt + madt->len;
	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1])
		fn(p, arg);
	return 0;
}
