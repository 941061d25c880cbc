/* bootinfo.c: reads the multiboot v1 information (QEMU -kernel), the
 * multiboot2 tags (GRUB) or the Xen PVH start info (Firecracker, Cloud
 * Hypervisor, QEMU's PVH loader) into struct bootinfo. */
#include "kernel/kernel.h"
#include "kernel/bootinfo.h"

#define MB1_LOADER_MAGIC 0x2BADB002
#define MB2_LOADER_MAGIC 0x36D76289
#define PVH_START_MAGIC 0x336ec578 /* boot/multiboot.S passes it as the magic */

struct mb1_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb1_mod {
	uint32_t start, end, string, reserved;
};

struct mb1_mmap {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

static void add_ram(struct bootinfo *bi, uint64_t start, uint64_t len)
{
	if (bi->nram < BOOT_MAX_RANGES)
		bi->ram[bi->nram++] = (struct mem_range){ start, start + len };
}

static void set_cmdline(struct bootinfo *bi, const char *s)
{
	strlcpy(bi->cmdline, s, sizeof(bi->cmdline));
}

static void parse_mb1(const struct mb1_info *mi, struct bootinfo *bi)
{
	if (mi->flags & (1 << 2))
		set_cmdline(bi, phys_to_virt(mi->cmdline));
	if ((mi->flags & (1 << 3)) && mi->mods_count > 0) {
		const struct mb1_mod *m = phys_to_virt(mi->mods_addr);
		bi->initrd_start = m->start;
		bi->initrd_end = m->end;
	}
	if (mi->flags & (1 << 6)) {
		uint64_t p = mi->mmap_addr, end = p + mi->mmap_length;
		while (p < end) {
			const struct mb1_mmap *e = phys_to_virt(p);
			if (e->type == 1)
				add_ram(bi, e->addr, e->len);
			p += e->size + 4;
		}
	} else if (mi->flags & 1) {
		add_ram(bi, 0x100000, (uint64_t)mi->mem_upper * 1024);
	}
	bi->loader = "multiboot";
}

struct mb2_tag {
	uint32_t type, size;
};

static void parse_mb2(uint64_t info_phys, struct bootinfo *bi)
{
	uint32_t total = *(uint32_t *)phys_to_virt(info_phys);
	uint64_t p = info_phys + 8, end = info_phys + total;

	while (p + 8 <= end) {
		const struct mb2_tag *t = phys_to_virt(p);
		const uint8_t *body = (const uint8_t *)(t + 1);
		if (t->type == 0)
			break;
		switch (t->type) {
		case 1: /* command line */ set_cmdline(bi, (const char *)body); break;
		case 3: /* module */
			if (!bi->initrd_start) {
				bi->initrd_start = ((const uint32_t *)body)[0];
				bi->initrd_end = ((const uint32_t *)body)[1];
			}
			break;
		case 6: { /* memory map */
			uint32_t esize = ((const uint32_t *)body)[0];
			for (const uint8_t *e = body + 8; e + esize <= (const uint8_t *)t + t->size;
			     e += esize) {
				uint64_t addr = *(const uint64_t *)e,
					 len = *(const uint64_t *)(e + 8);
				if (*(const uint32_t *)(e + 16) == 1)
					add_ram(bi, addr, len);
			}
			break;
		}
		case 11: /* EFI 32-bit system table pointer */
		case 12: /* EFI 64-bit system table pointer */ bi->efi = true; break;
		case 14: /* ACPI 1.0 RSDP copy */
		case 15: /* ACPI 2.0 RSDP copy */
			if (!bi->acpi_rsdp[0] || t->type == 15)
				memcpy(bi->acpi_rsdp, body,
				       MIN(t->size - 8, sizeof(bi->acpi_rsdp)));
			break;
		}
		p += (t->size + 7) & ~7U;
	}
	bi->loader = bi->efi ? "multiboot2 from UEFI" : "multiboot2";
}

/* xen/include/public/arch-x86/hvm/start_info.h, version 1. */
struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
	uint64_t memmap_paddr; /* version >= 1 */
	uint32_t memmap_entries, reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

static int parse_pvh(const struct hvm_start_info *si, struct bootinfo *bi)
{
	if (si->magic != PVH_START_MAGIC)
		return -1;
	if (si->cmdline_paddr)
		set_cmdline(bi, phys_to_virt(si->cmdline_paddr));
	if (si->nr_modules > 0 && si->modlist_paddr) {
		const struct hvm_modlist_entry *m = phys_to_virt(si->modlist_paddr);
		bi->initrd_start = m->paddr;
		bi->initrd_end = m->paddr + m->size;
	}
	if (si->rsdp_paddr)
		memcpy(bi->acpi_rsdp, phys_to_virt(si->rsdp_paddr), sizeof(bi->acpi_rsdp));
	if (si->version >= 1 && si->memmap_paddr) {
		const struct hvm_memmap_entry *e = phys_to_virt(si->memmap_paddr);
		for (uint32_t i = 0; i < si->memmap_entries; i++)
			if (e[i].type == 1) /* XEN_HVM_MEMMAP_TYPE_RAM, as E820 */
				add_ram(bi, e[i].addr, e[i].size);
	}
	bi->loader = "PVH";
	return 0;
}

int bootinfo_parse(uint32_t magic, uint64_t info_phys, struct bootinfo *bi)
{
	memset(bi, 0, sizeof(*bi));
	if (magic == MB1_LOADER_MAGIC)
		parse_mb1(phys_to_virt(info_phys), bi);
	else if (magic == MB2_LOADER_MAGIC)
		parse_mb2(info_phys, bi);
	else if (magic == PVH_START_MAGIC)
		return parse_pvh(phys_to_virt(info_phys), bi);
	else
		return -1;
	return 0;
}
