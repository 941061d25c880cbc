/* virtio_pci.c: the virtio 1.x PCI transport: devices 1af4:1000-107f, their
 * vendor capabilities (common, notify, ISR and device configuration, each
 * a window into a memory BAR), and their interrupt: MSI-X entry 0 for the
 * configuration and every queue, else INTx through the I/O APIC (the
 * handler reads the ISR, which lowers the line). Legacy-only devices (no
 * common configuration capability) are refused. */
#include "kernel/kernel.h"
#include "kernel/irq.h"
#include "drivers/pci.h"
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtq.h"
#include "arch/x86_64/paging.h"
#include <linux/virtio_pci.h>
#include <linux/pci_regs.h>

#define VIRTIO_VENDOR 0x1AF4

struct vpci {
	struct pci_dev pci;
	struct virtio_dev vd;
	volatile struct virtio_pci_common_cfg *common;
	volatile uint8_t *notify, *isr, *devcfg;
	uint32_t notify_mult;
	bool msix;
};

static struct vpci *vp(struct virtio_dev *d) { return d->tp; }

static uint8_t get_status(struct virtio_dev *d) { return vp(d)->common->device_status; }

static void set_status(struct virtio_dev *d, uint8_t s) { vp(d)->common->device_status = s; }

static uint64_t get_features(struct virtio_dev *d)
{
	volatile struct virtio_pci_common_cfg *c = vp(d)->common;
	c->device_feature_select = 0;
	uint64_t lo = c->device_feature;
	c->device_feature_select = 1;
	return lo | ((uint64_t)c->device_feature << 32);
}

static void set_features(struct virtio_dev *d, uint64_t f)
{
	volatile struct virtio_pci_common_cfg *c = vp(d)->common;
	c->guest_feature_select = 0;
	c->guest_feature = (uint32_t)f;
	c->guest_feature_select = 1;
	c->guest_feature = (uint32_t)(f >> 32);
}

static uint32_t cfg_read(struct virtio_dev *d, unsigned off, unsigned size)
{
	volatile uint8_t *p = vp(d)->devcfg + off;
	if (!vp(d)->devcfg)
		return 0;
	switch (size) {
	case 1: return *p;
	case 2: return *(volatile uint16_t *)p;
	default: return *(volatile uint32_t *)p;
	}
}

static uint32_t cfg_generation(struct virtio_dev *d) { return vp(d)->common->config_generation; }

static unsigned queue_max(struct virtio_dev *d, unsigned idx)
{
	volatile struct virtio_pci_common_cfg *c = vp(d)->common;
	if (idx >= c->num_queues)
		return 0;
	c->queue_select = (uint16_t)idx;
	return c->queue_size;
}

static int queue_enable(struct virtio_dev *d, struct virtq *q)
{
	struct vpci *v = vp(d);
	volatile struct virtio_pci_common_cfg *c = v->common;
	c->queue_select = (uint16_t)q->idx;
	c->queue_size = (uint16_t)q->size;
	if (v->msix) {
		c->queue_msix_vector = 0;
		if (c->queue_msix_vector != 0) {
			kinfo("virtio: %s: no MSI-X vector for queue %u\n", d->where, q->idx);
			return -1;
		}
	}
	c->queue_desc_lo = (uint32_t)q->desc_pa;
	c->queue_desc_hi = (uint32_t)(q->desc_pa >> 32);
	c->queue_avail_lo = (uint32_t)q->avail_pa;
	c->queue_avail_hi = (uint32_t)(q->avail_pa >> 32);
	c->queue_used_lo = (uint32_t)q->used_pa;
	c->queue_used_hi = (uint32_t)(q->used_pa >> 32);
	q->tp = (void *)(v->notify + (uint64_t)c->queue_notify_off * v->notify_mult);
	c->queue_enable = 1;
	return 0;
}

static void notify(struct virtio_dev *d, struct virtq *q)
{
	*(volatile uint16_t *)q->tp = (uint16_t)q->idx;
}

static const struct virtio_transport pci_transport = VIRTIO_TRANSPORT_OPS;

static void irq_handler(void *arg)
{
	struct virtio_dev *d = arg;
	/* With INTx, reading the ISR acknowledges it and lowers the line. */
	if (vp(d)->msix || *vp(d)->isr)
		virtio_interrupt(d);
}

/* The window a virtio capability at cap describes, mapped; NULL if bad. */
static volatile uint8_t *map_cap(struct pci_dev *p, unsigned cap)
{
	uint8_t bar = pci_read8(p, cap + VIRTIO_PCI_CAP_BAR);
	uint32_t off = pci_read32(p, cap + VIRTIO_PCI_CAP_OFFSET);
	uint32_t len = pci_read32(p, cap + VIRTIO_PCI_CAP_LENGTH);
	uint64_t base = pci_bar_addr(p, bar);
	if (!base || !len)
		return NULL;
	return paging_map_mmio(base + off, len);
}

static void probe(struct pci_dev *p)
{
	if (p->vendor != VIRTIO_VENDOR || p->device < 0x1000 || p->device > 0x107F)
		return;
	unsigned id = p->device >= 0x1040 ? p->device - 0x1040u : p->subsys;
	struct vpci *v = kzalloc(sizeof(*v));
	if (!v)
		return;
	v->pci = *p;
	v->vd.t = &pci_transport;
	v->vd.tp = v;
	v->vd.id = id;
	strlcpy(v->vd.where, p->name, sizeof(v->vd.where));

	for (unsigned cap = pci_find_cap(p, PCI_CAP_ID_VNDR, 0); cap;
	     cap = pci_find_cap(p, PCI_CAP_ID_VNDR, cap)) {
		switch (pci_read8(p, cap + VIRTIO_PCI_CAP_CFG_TYPE)) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			if (!v->common)
				v->common = (volatile void *)map_cap(p, cap);
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			if (!v->notify) {
				v->notify = map_cap(p, cap);
				v->notify_mult = pci_read32(p, cap + VIRTIO_PCI_NOTIFY_CAP_MULT);
			}
			break;
		case VIRTIO_PCI_CAP_ISR_CFG:
			if (!v->isr)
				v->isr = map_cap(p, cap);
			break;
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			if (!v->devcfg)
				v->devcfg = map_cap(p, cap);
			break;
		}
	}
	if (!v->common || !v->notify || !v->isr) {
		kinfo("virtio: %s: legacy-only device (type %u) without virtio 1.x capabilities; not used\n",
		      p->name, id);
		kfree(v);
		return;
	}
	if (!virtio_driver_for(&v->vd)) {
		kfree(v);
		return;
	}
	pci_enable(p);
	v->common->device_status = 0; /* reset */
	for (int spins = 0; v->common->device_status != 0; spins++)
		if (spins > 1000000) {
			kinfo("virtio: %s: the device does not reset; not used\n", p->name);
			return;
		}

	int vec = irq_alloc(irq_handler, &v->vd);
	if (vec < 0) {
		kinfo("virtio: %s: no interrupt vector left; not used\n", p->name);
		return;
	}
	if (pci_msix_enable(p, vec) == 0) {
		v->msix = true;
		v->common->msix_config = VIRTIO_MSI_NO_VECTOR;
	} else {
		if (!p->irq_pin || irq_route_gsi(p->irq_line, vec, true)) {
			kinfo("virtio: %s: no MSI-X and no usable INTx line; not used\n", p->name);
			return;
		}
	}
	kinfo("virtio: %s: type %u, %s\n", p->name, id, v->msix ? "MSI-X" : "INTx");
	virtio_probe(&v->vd);
}

void virtio_pci_init(void) { pci_scan(probe); }
