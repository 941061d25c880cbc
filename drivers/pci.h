/* pci.h: PCI devices: configuration space through ports 0xCF8/0xCFC, the
 * functions found on the buses, their memory BARs, capabilities and MSI-X. */
#ifndef HTUX_PCI_H
#define HTUX_PCI_H

#include "kernel/kernel.h"

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device, subsys_vendor, subsys;
	uint8_t irq_line, irq_pin; /* interrupt line set by the firmware; pin 0: none */
	char name[16];             /* "pci 00:04.0" */
};

uint32_t pci_read32(const struct pci_dev *p, unsigned off);
uint16_t pci_read16(const struct pci_dev *p, unsigned off);
uint8_t pci_read8(const struct pci_dev *p, unsigned off);
void pci_write32(const struct pci_dev *p, unsigned off, uint32_t v);
void pci_write16(const struct pci_dev *p, unsigned off, uint16_t v);

/* Whether a host bridge answers at 00:00.0 (not on QEMU's microvm). */
bool pci_host_present(void);
/* Calls fn for every function on the buses reachable from bus 0. */
void pci_scan(void (*fn)(struct pci_dev *p));
/* Offset of the first capability with id at or after offset from (0: the
 * first of the list), or 0. */
unsigned pci_find_cap(const struct pci_dev *p, uint8_t id, unsigned from);
/* Physical address of memory BAR bar (64-bit BARs read in full); 0 when it
 * is not a memory BAR or not assigned. */
uint64_t pci_bar_addr(const struct pci_dev *p, int bar);
/* Turns on memory decoding and bus mastering (DMA). */
void pci_enable(const struct pci_dev *p);
/* Programs MSI-X table entry 0 to deliver vector to this CPU and enables
 * MSI-X (all entries but 0 stay masked); 0 or -1 when the function has no
 * MSI-X. */
int pci_msix_enable(const struct pci_dev *p, int vector);

#endif
