/* pci.c: PCI configuration space (mechanism #1, ports 0xCF8/0xCFC), bus
 * enumeration (bus 0 and the buses behind its bridges), memory BARs, the
 * capability list and MSI-X table setup. */
#include "kernel/kernel.h"
#include "kernel/irq.h"
#include "drivers/pci.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/paging.h"
#include <linux/pci_regs.h>

#define CONFIG_ADDRESS 0xCF8
#define CONFIG_DATA 0xCFC

static uint32_t cfg_addr(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	return 0x80000000u | ((uint32_t)bus << 16) | ((uint32_t)dev << 11) | ((uint32_t)fn << 8) |
	       (off & 0xFC);
}

static uint32_t raw_read32(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	outl(CONFIG_ADDRESS, cfg_addr(bus, dev, fn, off));
	return inl(CONFIG_DATA);
}

uint32_t pci_read32(const struct pci_dev *p, unsigned off)
{
	return raw_read32(p->bus, p->dev, p->fn, off);
}

uint16_t pci_read16(const struct pci_dev *p, unsigned off)
{
	return (uint16_t)(pci_read32(p, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(const struct pci_dev *p, unsigned off)
{
	return (uint8_t)(pci_read32(p, off) >> ((off & 3) * 8));
}

void pci_write32(const struct pci_dev *p, unsigned off, uint32_t v)
{
	outl(CONFIG_ADDRESS, cfg_addr(p->bus, p->dev, p->fn, off));
	outl(CONFIG_DATA, v);
}

void pci_write16(const struct pci_dev *p, unsigned off, uint16_t v)
{
	outl(CONFIG_ADDRESS, cfg_addr(p->bus, p->dev, p->fn, off));
	outw(CONFIG_DATA + (off & 2), v);
}

static void scan_bus(uint8_t bus, void (*fn)(struct pci_dev *p), int depth)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		int nfn = 1;
		for (uint8_t f = 0; f < nfn; f++) {
			uint32_t id = raw_read32(bus, dev, f, PCI_VENDOR_ID);
			if ((id & 0xFFFF) == 0xFFFF)
				continue;
			struct pci_dev p = { .bus = bus,
					     .dev = dev,
					     .fn = f,
					     .vendor = id & 0xFFFF,
					     .device = id >> 16 };
			uint8_t htype = pci_read8(&p, PCI_HEADER_TYPE);
			if (f == 0 && (htype & 0x80))
				nfn = 8;
			if ((htype & 0x7F) == PCI_HEADER_TYPE_BRIDGE) {
				uint8_t sec = pci_read8(&p, PCI_SECONDARY_BUS);
				if (sec > bus && depth < 8)
					scan_bus(sec, fn, depth + 1);
				continue;
			}
			if ((htype & 0x7F) != PCI_HEADER_TYPE_NORMAL)
				continue;
			uint32_t ss = pci_read32(&p, PCI_SUBSYSTEM_VENDOR_ID);
			p.subsys_vendor = ss & 0xFFFF;
			p.subsys = ss >> 16;
			p.irq_line = pci_read8(&p, PCI_INTERRUPT_LINE);
			p.irq_pin = pci_read8(&p, PCI_INTERRUPT_PIN);
			ksnprintf(p.name, sizeof(p.name), "pci %02x:%02x.%x", bus, dev, f);
			fn(&p);
		}
	}
}

bool pci_host_present(void) { return (raw_read32(0, 0, 0, PCI_VENDOR_ID) & 0xFFFF) != 0xFFFF; }

void pci_scan(void (*fn)(struct pci_dev *p)) { scan_bus(0, fn, 0); }

unsigned pci_find_cap(const struct pci_dev *p, uint8_t id, unsigned from)
{
	if (!(pci_read16(p, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	unsigned off = from ? pci_read8(p, from + PCI_CAP_LIST_NEXT)
			    : pci_read8(p, PCI_CAPABILITY_LIST);
	for (int guard = 0; off >= 0x40 && guard < 48; guard++) {
		off &= 0xFC;
		if (pci_read8(p, off + PCI_CAP_LIST_ID) == id)
			return off;
		off = pci_read8(p, off + PCI_CAP_LIST_NEXT);
	}
	return 0;
}

uint64_t pci_bar_addr(const struct pci_dev *p, int bar)
{
	if (bar < 0 || bar > 5)
		return 0;
	uint32_t lo = pci_read32(p, PCI_BASE_ADDRESS_0 + 4 * bar);
	if (lo & PCI_BASE_ADDRESS_SPACE_IO)
		return 0;
	uint64_t addr = lo & PCI_BASE_ADDRESS_MEM_MASK;
	if ((lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64 && bar < 5)
		addr |= (uint64_t)pci_read32(p, PCI_BASE_ADDRESS_0 + 4 * (bar + 1)) << 32;
	return addr;
}

void pci_enable(const struct pci_dev *p)
{
	uint16_t cmd = pci_read16(p, PCI_COMMAND);
	pci_write16(p, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

int pci_msix_enable(const struct pci_dev *p, int vector)
{
	unsigned cap = pci_find_cap(p, PCI_CAP_ID_MSIX, 0);
	if (!cap)
		return -1;
	uint16_t ctrl = pci_read16(p, cap + PCI_MSIX_FLAGS);
	unsigned n = (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1;
	uint32_t tbl = pci_read32(p, cap + PCI_MSIX_TABLE);
	uint64_t base = pci_bar_addr(p, tbl & PCI_MSIX_TABLE_BIR);
	if (!base)
		return -1;
	volatile uint32_t *t = paging_map_mmio(base + (tbl & PCI_MSIX_TABLE_OFFSET),
					       n * PCI_MSIX_ENTRY_SIZE);
	/* Enabled with the function masked while the table is written. */
	pci_write16(p, cap + PCI_MSIX_FLAGS, ctrl | PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	for (unsigned i = 0; i < n; i++)
		t[i * 4 + 3] = PCI_MSIX_ENTRY_CTRL_MASKBIT;
	uint64_t addr = irq_msi_address();
	t[0] = (uint32_t)addr;
	t[1] = (uint32_t)(addr >> 32);
	t[2] = (uint32_t)vector;
	t[3] = 0;
	pci_write16(p, cap + PCI_MSIX_FLAGS,
		    (ctrl | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL);
	return 0;
}
