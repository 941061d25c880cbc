/* netdev.c: the registry of network interfaces, in discovery order. */
#include "kernel/kernel.h"
#include "kernel/netdev.h"

#define MAX_NETDEVS 8

static struct netdev *devs[MAX_NETDEVS];
static int ndevs;

int netdev_register(struct netdev *d)
{
	if (ndevs >= MAX_NETDEVS)
		return -ENOSPC;
	devs[ndevs++] = d;
	return 0;
}

struct netdev *netdev_get(int index) { return index >= 0 && index < ndevs ? devs[index] : NULL; }
