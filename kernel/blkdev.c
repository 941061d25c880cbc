/* blkdev.c: the registry of block devices, in discovery order. */
#include "kernel/kernel.h"
#include "kernel/blkdev.h"

#define MAX_BLKDEVS 26

static struct blkdev *devs[MAX_BLKDEVS];
static int ndevs;

int blkdev_register(struct blkdev *d)
{
	if (ndevs >= MAX_BLKDEVS)
		return -ENOSPC;
	devs[ndevs++] = d;
	return 0;
}

struct blkdev *blkdev_get(int index) { return index >= 0 && index < ndevs ? devs[index] : NULL; }
