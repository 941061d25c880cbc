/* virtio.h: a virtio device as its driver sees it, whatever the transport
 * (PCI or MMIO): status handshake, feature negotiation, device-specific
 * configuration, queues and one interrupt handler per device. */
#ifndef HTUX_VIRTIO_H
#define HTUX_VIRTIO_H

#include "kernel/kernel.h"
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

struct virtq;
struct virtio_dev;

struct virtio_transport {
	uint8_t (*get_status)(struct virtio_dev *d);
	void (*set_status)(struct virtio_dev *d, uint8_t status);
	uint64_t (*get_features)(struct virtio_dev *d);
	void (*set_features)(struct virtio_dev *d, uint64_t features);
	/* Device configuration, size 1, 2 or 4 bytes at off. */
	uint32_t (*cfg_read)(struct virtio_dev *d, unsigned off, unsigned size);
	uint32_t (*cfg_generation)(struct virtio_dev *d);
	/* Largest size of queue idx; 0: no such queue. */
	unsigned (*queue_max)(struct virtio_dev *d, unsigned idx);
	/* Tells the device where q's rings are and enables it; 0 or -1. */
	int (*queue_enable)(struct virtio_dev *d, struct virtq *q);
	void (*notify)(struct virtio_dev *d, struct virtq *q);
};

/* A transport's table, from the static functions of its file named as
 * the members (drivers/virtio/virtio_pci.c, virtio_mmio.c). */
#define VIRTIO_TRANSPORT_OPS \
	{ \
		.get_status = get_status, .set_status = set_status, .get_features = get_features, \
		.set_features = set_features, .cfg_read = cfg_read, \
		.cfg_generation = cfg_generation, .queue_max = queue_max, \
		.queue_enable = queue_enable, .notify = notify, \
	}

struct virtio_dev {
	const struct virtio_transport *t;
	void *tp;          /* the transport's */
	unsigned id;       /* VIRTIO_ID_* */
	char where[24];    /* "pci 00:04.0", "mmio 0xfeb00000" */
	uint64_t features; /* negotiated */
	/* Set by the driver: called on each interrupt of the device. */
	void (*intr)(struct virtio_dev *d);
	void *drv; /* the driver's */
};

/* Whether a driver takes devices of d's type (a kinfo line when not). */
bool virtio_driver_for(struct virtio_dev *d);
/* Called by a transport for each device it found (reset, interrupt ready):
 * hands it to the driver of its type. */
void virtio_probe(struct virtio_dev *d);
/* Called by a transport's interrupt handler. */
void virtio_interrupt(struct virtio_dev *d);

/* Driver side. ACKNOWLEDGE, DRIVER, then accepts VIRTIO_F_VERSION_1 and
 * the features of wanted the device offers, FEATURES_OK. Returns 0, or -1
 * after a kinfo line and FAILED (legacy-only device, features refused). */
int virtio_negotiate(struct virtio_dev *d, uint64_t wanted);
static inline bool virtio_has(struct virtio_dev *d, unsigned bit)
{
	return (d->features >> bit) & 1;
}
/* DRIVER_OK: the queues are set up. */
void virtio_ready(struct virtio_dev *d);
/* FAILED, with a kinfo line saying why. */
void virtio_fail(struct virtio_dev *d, const char *why);
/* Device configuration fields, read consistently (config generation). */
uint32_t virtio_cfg32(struct virtio_dev *d, unsigned off);
uint16_t virtio_cfg16(struct virtio_dev *d, unsigned off);
uint8_t virtio_cfg8(struct virtio_dev *d, unsigned off);
uint64_t virtio_cfg64(struct virtio_dev *d, unsigned off);

/* The drivers (drivers/virtio/blk.c, net.c, console.c). */
int virtio_blk_probe(struct virtio_dev *d);
int virtio_net_probe(struct virtio_dev *d);
int virtio_console_probe(struct virtio_dev *d);

/* The transports: find devices (drivers/virtio/virtio_pci.c, virtio_mmio.c). */
void virtio_pci_init(void);
void virtio_mmio_init(void);

#endif
