/* virtio.c: what every virtio device goes through whatever its transport:
 * the status handshake, feature negotiation (VIRTIO_F_VERSION_1 and only
 * the features the driver implements), consistent reads of the device
 * configuration, and the choice of driver by device type. */
#include "kernel/kernel.h"
#include "drivers/virtio/virtio.h"

static const struct {
	unsigned id;
	const char *name;
	int (*probe)(struct virtio_dev *d);
} drivers[] = {
	{ VIRTIO_ID_BLOCK, "virtio-blk", virtio_blk_probe },
	{ VIRTIO_ID_NET, "virtio-net", virtio_net_probe },
	{ VIRTIO_ID_CONSOLE, "virtio-console", virtio_console_probe },
};

bool virtio_driver_for(struct virtio_dev *d)
{
	if (d->id == VIRTIO_ID_CONSOLE && !kopts.console_hvc) {
		kinfo("virtio: %s: a console, left alone (the kernel option console=hvc uses it)\n",
		      d->where);
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(drivers); i++)
		if (drivers[i].id == d->id)
			return true;
	kinfo("virtio: %s: device type %u has no driver, left alone\n", d->where, d->id);
	return false;
}

void virtio_probe(struct virtio_dev *d)
{
	for (size_t i = 0; i < ARRAY_SIZE(drivers); i++)
		if (drivers[i].id == d->id) {
			drivers[i].probe(d);
			return;
		}
}

void virtio_interrupt(struct virtio_dev *d)
{
	if (d->intr)
		d->intr(d);
}

void virtio_fail(struct virtio_dev *d, const char *why)
{
	kinfo("virtio: %s: %s; device not used\n", d->where, why);
	d->t->set_status(d, d->t->get_status(d) | VIRTIO_CONFIG_S_FAILED);
}

int virtio_negotiate(struct virtio_dev *d, uint64_t wanted)
{
	const struct virtio_transport *t = d->t;
	t->set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	t->set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	uint64_t offered = t->get_features(d);
	if (!(offered & (1ULL << VIRTIO_F_VERSION_1))) {
		virtio_fail(d, "legacy-only device (no VIRTIO_F_VERSION_1)");
		return -1;
	}
	/* No IOMMU here: physical addresses are what the device sees. */
	wanted |= (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_ACCESS_PLATFORM);
	d->features = offered & wanted;
	t->set_features(d, d->features);
	t->set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
				 VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(t->get_status(d) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		virtio_fail(d, "the device refused our features");
		return -1;
	}
	return 0;
}

void virtio_ready(struct virtio_dev *d)
{
	d->t->set_status(d, d->t->get_status(d) | VIRTIO_CONFIG_S_DRIVER_OK);
}

static uint32_t cfg_read(struct virtio_dev *d, unsigned off, unsigned size)
{
	uint32_t gen, v;
	do {
		gen = d->t->cfg_generation(d);
		v = d->t->cfg_read(d, off, size);
	} while (gen != d->t->cfg_generation(d));
	return v;
}

uint32_t virtio_cfg32(struct virtio_dev *d, unsigned off) { return cfg_read(d, off, 4); }
uint16_t virtio_cfg16(struct virtio_dev *d, unsigned off) { return (uint16_t)cfg_read(d, off, 2); }
uint8_t virtio_cfg8(struct virtio_dev *d, unsigned off) { return (uint8_t)cfg_read(d, off, 1); }

uint64_t virtio_cfg64(struct virtio_dev *d, unsigned off)
{
	uint32_t gen, lo, hi;
	do {
		gen = d->t->cfg_generation(d);
		lo = d->t->cfg_read(d, off, 4);
		hi = d->t->cfg_read(d, off + 4, 4);
	} while (gen != d->t->cfg_generation(d));
	return ((uint64_t)hi << 32) | lo;
}
