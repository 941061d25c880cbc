/* bootinfo.h: what the boot loader told us, in one loader-neutral form,
 * copied out so that nothing the loader left in memory must survive but
 * the initrd. */
#ifndef HTUX_BOOTINFO_H
#define HTUX_BOOTINFO_H

#include <stdbool.h>
#include <stdint.h>

#define BOOT_MAX_RANGES 64

struct mem_range {
	uint64_t start, end; /* [start, end) physical */
};

struct bootinfo {
	char cmdline[2048];                    /* kernel command line (a copy), "" if none */
	uint64_t initrd_start, initrd_end;     /* physical; 0, 0 if none */
	struct mem_range ram[BOOT_MAX_RANGES]; /* usable RAM */
	int nram;
	uint8_t acpi_rsdp[36]; /* copy of the RSDP the loader gave, zeros if none */
	bool efi;              /* started from UEFI: no BIOS data areas */
	const char *loader;
};

/* Reads the multiboot v1 or v2 information or the PVH start info; 0 or -1
 * (unknown magic). */
int bootinfo_parse(uint32_t magic, uint64_t info_phys, struct bootinfo *bi);

#endif
