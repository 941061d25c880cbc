/* virtio_mmio.c: the virtio-mmio transport (placeholder until the MMIO
 * commit: finds nothing). */
#include "drivers/virtio/virtio.h"

void virtio_mmio_init(void)
{
}
