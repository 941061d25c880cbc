/* net.c: the virtio network device driver: raw Ethernet frames for the
 * TCP/IP stack (kernel/netdev.h). Queue 0 receives into 2 KiB buffers
 * kept posted; queue 1 sends copies of the stack's frames, each behind a
 * zeroed 12-byte virtio_net_hdr (VERSION_1 layout: no checksum or
 * segmentation offloads are negotiated). Receive interrupts hand frames to
 * the stack through poll; finished sends are collected on the next send. */
#include "kernel/kernel.h"
#include "kernel/netdev.h"
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtq.h"
#include <linux/virtio_net.h>

#define BUF 2048 /* header + the largest frame, rounded */
#define HDR ((uint32_t)sizeof(struct virtio_net_hdr_v1))
#define NBUF 128     /* per queue, at most */
#define ETH_MAX 1514 /* MTU 1500 + the Ethernet header */

struct vnet {
	struct netdev nd;
	struct virtio_dev *vd;
	struct virtq rx, tx;
	uint8_t *rxmem, *txmem;
	uint8_t *txfree[NBUF]; /* send buffers not in the ring */
	int ntxfree;
};

static int nnets;

static void reclaim_tx(struct vnet *v)
{
	uint8_t *b;
	while ((b = virtq_get(&v->tx, NULL)))
		v->txfree[v->ntxfree++] = b;
}

static int net_tx(struct netdev *d, const void *frame, size_t len)
{
	struct vnet *v = d->priv;
	if (len > ETH_MAX)
		return -EMSGSIZE;
	reclaim_tx(v);
	if (v->ntxfree == 0)
		return -EAGAIN;
	uint8_t *b = v->txfree[--v->ntxfree];
	memset(b, 0, HDR);
	memcpy(b + HDR, frame, len);
	struct vq_buf vb = { b, HDR + (uint32_t)len, false };
	if (virtq_add(&v->tx, &vb, 1, b)) {
		v->txfree[v->ntxfree++] = b;
		return -EAGAIN;
	}
	virtq_kick(&v->tx);
	return 0;
}

static void post_rx(struct vnet *v, uint8_t *b)
{
	struct vq_buf vb = { b, BUF, true };
	virtq_add(&v->rx, &vb, 1, b);
}

/* At most a ring's worth of frames a call: under a flood the device
 * refills the ring as fast as frames are taken, and an interrupt handler
 * that drains it until it is empty would run, interrupts off, for as long
 * as the flood lasts (the timer's interrupt pending meanwhile). What is
 * left is taken at the next interrupt or tick (net/stack.c). */
static int net_poll(struct netdev *d)
{
	struct vnet *v = d->priv;
	uint8_t *b;
	uint32_t len;
	int n = 0;
	while (n < (int)v->rx.size && (b = virtq_get(&v->rx, &len))) {
		if (len > HDR && len <= BUF && d->rx)
			d->rx(d, b + HDR, len - HDR);
		post_rx(v, b);
		n++;
	}
	virtq_kick(&v->rx);
	return n;
}

static void intr(struct virtio_dev *d)
{
	struct vnet *v = d->drv;
	net_poll(&v->nd);
}

static const struct netdev_ops ops = { .tx = net_tx, .poll = net_poll };

int virtio_net_probe(struct virtio_dev *d)
{
	if (virtio_negotiate(d, 1ULL << VIRTIO_NET_F_MAC))
		return -1;
	struct vnet *v = kzalloc(sizeof(*v));
	if (!v)
		return -1;
	v->vd = d;
	d->drv = v;
	if (virtq_setup(&v->rx, d, 0, NBUF) || virtq_setup(&v->tx, d, 1, NBUF)) {
		virtio_fail(d, "cannot set up the receive and send queues");
		return -1;
	}
	v->rxmem = kmalloc((size_t)v->rx.size * BUF);
	v->txmem = kmalloc((size_t)v->tx.size * BUF);
	if (!v->rxmem || !v->txmem) {
		virtio_fail(d, "out of memory for buffers");
		return -1;
	}
	for (unsigned i = 0; i < v->tx.size; i++)
		v->txfree[v->ntxfree++] = v->txmem + (size_t)i * BUF;
	for (unsigned i = 0; i < v->rx.size; i++)
		post_rx(v, v->rxmem + (size_t)i * BUF);
	virtq_intr_off(&v->tx);

	ksnprintf(v->nd.name, sizeof(v->nd.name), "eth%d", nnets);
	if (virtio_has(d, VIRTIO_NET_F_MAC)) {
		for (int i = 0; i < 6; i++)
			v->nd.mac[i] = virtio_cfg8(d, offsetof(struct virtio_net_config, mac) + i);
	} else {
		random_bytes(v->nd.mac, 6);
		v->nd.mac[0] = (v->nd.mac[0] & 0xFE) | 0x02; /* unicast, locally administered */
	}
	v->nd.mtu = 1500;
	v->nd.ops = &ops;
	v->nd.priv = v;
	d->intr = intr;
	virtio_ready(d);
	virtq_kick(&v->rx);
	if (netdev_register(&v->nd)) {
		kinfo("virtio-net: %s: too many interfaces; not used\n", d->where);
		return -1;
	}
	nnets++;
	const uint8_t *m = v->nd.mac;
	kinfo("virtio-net %s %02x:%02x:%02x:%02x:%02x:%02x (%s, %u receive buffers)\n", v->nd.name,
	      m[0], m[1], m[2], m[3], m[4], m[5], d->where, v->rx.size);
	return 0;
}
