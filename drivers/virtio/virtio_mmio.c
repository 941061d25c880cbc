/* virtio_mmio.c: the virtio-mmio transport, version 2 (virtio 1.x): the
 * register block of each device, its interrupt line through the I/O APIC
 * (level-triggered, active-high; the handler acknowledges the interrupt
 * status). Devices come from virtio_mmio.device=SIZE@ADDR:IRQ words on the
 * kernel command line and, on a machine without a PCI host bridge (QEMU's
 * microvm), from probing microvm's transports: 512 bytes each from
 * 0xfeb00000, on GSI 24+n when a second I/O APIC gives 24 of them, else
 * GSI 16+n with ACPI and 5+n without. Version 1 (legacy) devices, QEMU's
 * default, are refused with a kinfo line naming the QEMU option. */
#include "kernel/kernel.h"
#include "kernel/irq.h"
#include "kernel/cmdline.h"
#include "drivers/pci.h"
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtq.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/paging.h"
#include <linux/virtio_mmio.h>

#define MICROVM_BASE 0xFEB00000UL
#define MICROVM_STRIDE 512
#define MICROVM_MAX 24
#define MAGIC 0x74726976u /* "virt" */
#define MAX_SEEN 32

struct vmmio {
	struct virtio_dev vd;
	volatile uint8_t *regs;
	uint64_t pa;
};

static uint64_t seen[MAX_SEEN];
static int nseen;

static uint32_t rd(struct virtio_dev *d, unsigned off)
{
	return *(volatile uint32_t *)(((struct vmmio *)d->tp)->regs + off);
}

static void wr(struct virtio_dev *d, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(((struct vmmio *)d->tp)->regs + off) = v;
}

static uint8_t get_status(struct virtio_dev *d) { return (uint8_t)rd(d, VIRTIO_MMIO_STATUS); }
static void set_status(struct virtio_dev *d, uint8_t s) { wr(d, VIRTIO_MMIO_STATUS, s); }

static uint64_t get_features(struct virtio_dev *d)
{
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	uint64_t lo = rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	return lo | ((uint64_t)rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32);
}

static void set_features(struct virtio_dev *d, uint64_t f)
{
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

static uint32_t cfg_read(struct virtio_dev *d, unsigned off, unsigned size)
{
	volatile uint8_t *p = ((struct vmmio *)d->tp)->regs + VIRTIO_MMIO_CONFIG + off;
	switch (size) {
	case 1: return *p;
	case 2: return *(volatile uint16_t *)p;
	default: return *(volatile uint32_t *)p;
	}
}

static uint32_t cfg_generation(struct virtio_dev *d)
{
	return rd(d, VIRTIO_MMIO_CONFIG_GENERATION);
}

static unsigned queue_max(struct virtio_dev *d, unsigned idx)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, idx);
	if (rd(d, VIRTIO_MMIO_QUEUE_READY))
		return 0;
	return rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
}

static int queue_enable(struct virtio_dev *d, struct virtq *q)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, q->idx);
	wr(d, VIRTIO_MMIO_QUEUE_NUM, q->size);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)q->desc_pa);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(q->desc_pa >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)q->avail_pa);
	wr(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(q->avail_pa >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)q->used_pa);
	wr(d, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(q->used_pa >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
	return 0;
}

static void notify(struct virtio_dev *d, struct virtq *q)
{
	wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, q->idx);
}

static const struct virtio_transport mmio_transport = VIRTIO_TRANSPORT_OPS;

static void irq_handler(void *arg)
{
	struct virtio_dev *d = arg;
	uint32_t st = rd(d, VIRTIO_MMIO_INTERRUPT_STATUS);
	if (!st)
		return;
	wr(d, VIRTIO_MMIO_INTERRUPT_ACK, st); /* lowers the line */
	if (st & VIRTIO_MMIO_INT_VRING)
		virtio_interrupt(d);
}

static bool already(uint64_t pa)
{
	for (int i = 0; i < nseen; i++)
		if (seen[i] == pa)
			return true;
	if (nseen < MAX_SEEN)
		seen[nseen++] = pa;
	return false;
}

/* The device at physical address pa on interrupt line gsi, if any. */
static void probe(uint64_t pa, unsigned gsi)
{
	if (already(pa))
		return;
	volatile uint32_t *r = paging_map_mmio(pa, 0x200);
	if (r[VIRTIO_MMIO_MAGIC_VALUE / 4] != MAGIC)
		return;
	unsigned id = r[VIRTIO_MMIO_DEVICE_ID / 4], version = r[VIRTIO_MMIO_VERSION / 4];
	if (id == 0)
		return; /* an empty transport */
	struct vmmio *v = kzalloc(sizeof(*v));
	if (!v)
		return;
	v->regs = (volatile uint8_t *)r;
	v->pa = pa;
	v->vd.t = &mmio_transport;
	v->vd.tp = v;
	v->vd.id = id;
	ksnprintf(v->vd.where, sizeof(v->vd.where), "mmio %lx", pa);
	if (version != 2) {
		kinfo("virtio: %s: legacy virtio-mmio version %u device (type %u); not used "
		      "(give QEMU -global virtio-mmio.force-legacy=false)\n",
		      v->vd.where, version, id);
		kfree(v);
		return;
	}
	if (!virtio_driver_for(&v->vd)) {
		kfree(v);
		return;
	}
	set_status(&v->vd, 0); /* reset */
	for (int spins = 0; get_status(&v->vd); spins++)
		if (spins > 1000000) {
			kinfo("virtio: %s: the device does not reset; not used\n", v->vd.where);
			return;
		}
	int vec = irq_alloc(irq_handler, &v->vd);
	if (vec < 0 || irq_route_gsi_mode(gsi, vec, true, false)) {
		kinfo("virtio: %s: cannot route GSI %u; not used\n", v->vd.where, gsi);
		return;
	}
	kinfo("virtio: %s: type %u, GSI %u\n", v->vd.where, id, gsi);
	virtio_probe(&v->vd);
}

static uint64_t parse_num(const char **sp, int base)
{
	const char *s = *sp;
	uint64_t v = 0;
	if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (;; s++) {
		int dg;
		if (*s >= '0' && *s <= '9')
			dg = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			dg = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			dg = *s - 'A' + 10;
		else
			break;
		v = v * base + dg;
	}
	*sp = s;
	return v;
}

/* SIZE@ADDR:IRQ (SIZE with an optional K or M), as Linux reads it. */
static void from_cmdline(const char *w)
{
	const char *s = w;
	parse_num(&s, 10);
	if (*s == 'K' || *s == 'k' || *s == 'M' || *s == 'm')
		s++;
	if (*s++ != '@')
		goto bad;
	uint64_t addr = parse_num(&s, 16);
	if (*s++ != ':')
		goto bad;
	const char *irq = s;
	unsigned gsi = (unsigned)parse_num(&s, 10);
	if (s == irq || addr == 0)
		goto bad;
	probe(addr, gsi);
	return;
bad:
	kinfo("virtio: virtio_mmio.device=%s: expected SIZE@ADDR:IRQ; ignored\n", w);
}

void virtio_mmio_init(void)
{
	for (int i = 0; i < cmdline_nvirtio_mmio; i++)
		from_cmdline(cmdline_virtio_mmio[i]);
	if (pci_host_present())
		return;
	/* microvm: 24 transports on a second I/O APIC, else 8. */
	volatile uint32_t *ninth = paging_map_mmio(MICROVM_BASE + 8 * MICROVM_STRIDE, 4);
	bool many = *ninth == MAGIC;
	unsigned n = many ? MICROVM_MAX : 8;
	unsigned base = many ? 24 : acpi_table("APIC") ? 16 : 5;
	for (unsigned i = 0; i < n; i++)
		probe(MICROVM_BASE + i * MICROVM_STRIDE, base + i);
}
