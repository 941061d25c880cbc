/* netdev.h: network interfaces as the TCP/IP stack sees them: Ethernet
 * frames out through tx, frames in through the rx callback the stack sets.
 * Drivers (virtio-net) register them; the registry is kernel/netdev.c. */
#ifndef HTUX_NETDEV_H
#define HTUX_NETDEV_H

#include "kernel/kernel.h"

struct netdev;

struct netdev_ops {
	/* Sends one Ethernet frame (len bytes, no virtio header; the driver
	 * copies it); 0, or -EAGAIN while the transmit ring is full. */
	int (*tx)(struct netdev *d, const void *frame, size_t len);
	/* Hands every frame received so far to d->rx; returns how many. The
	 * driver calls it itself from its interrupt handler. */
	int (*poll)(struct netdev *d);
};

struct netdev {
	char name[8]; /* "eth0", ... in discovery order */
	uint8_t mac[6];
	unsigned mtu; /* 1500 */
	const struct netdev_ops *ops;
	void *priv; /* the driver's */
	/* Set by the stack: called for each received frame, valid only
	 * during the call; NULL: frames are dropped. */
	void (*rx)(struct netdev *d, const void *frame, size_t len);
	void *stack; /* the stack's */
};

int netdev_register(struct netdev *d);
/* The index-th interface registered (0 first), or NULL. */
struct netdev *netdev_get(int index);

#endif
