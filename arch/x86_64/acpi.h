/* acpi.h: finding ACPI tables (RSDP, then the RSDT or XSDT) by signature,
 * and walking the MADT's entries. */
#ifndef HTUX_ACPI_H
#define HTUX_ACPI_H

#include <stdint.h>

struct acpi_sdt {
	char sig[4];
	uint32_t len;
	uint8_t rev, sum;
	char oem[6], table[8];
	uint32_t oemrev, creator, creatorrev;
} __attribute__((packed));

/* Keeps a copy of the RSDP the boot loader gave (may be all zeros). */
void acpi_set_rsdp(const uint8_t *rsdp);
/* The first table with signature sig ("FACP", "APIC", ...), or NULL. */
const struct acpi_sdt *acpi_table(const char *sig);

/* Calls fn on each entry of the MADT ("APIC": e[0] the type, e[1] the
 * length, at least 2 and within the table); -1 if there is no MADT. */
int acpi_madt_walk(void (*fn)(const uint8_t *e, void *arg), void *arg);

#endif
