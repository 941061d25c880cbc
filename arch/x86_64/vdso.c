/* vdso.c: the kernel's side of the vDSO: the shared data page it keeps up
 * to date, and mapping the data page and the vDSO image into a program. */
#include "kernel/kernel.h"
#include "kernel/vm.h"
#include "arch/x86_64/vdso.h"
#include "arch/x86_64/paging.h"
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

static union {
	struct vdso_data d;
	uint8_t page[PAGE_SIZE];
} data __attribute__((aligned(PAGE_SIZE)));

extern const uint8_t vdso_image[], vdso_image_end[];

void vdso_publish(uint64_t tsc_boot, uint64_t mult, int64_t realtime_base)
{
	data.d.tsc_boot = tsc_boot;
	data.d.mult = mult;
	data.d.realtime_base = realtime_base;
	__asm__ volatile("" ::: "memory");
	data.d.ready = 1;
}

uint64_t vdso_map(struct mm *mm)
{
	// cppcheck-suppress comparePointers ; the linker's start and end of one image
	size_t pages = PAGE_UP(vdso_image_end - vdso_image) / PAGE_SIZE;
	uint64_t base = vm_find_free(mm, (pages + 1) * PAGE_SIZE, 0);
	if (!base)
		return 0;
	uint64_t data_pa = virt_to_phys(&data);
	if (vm_map_special(mm, base, 1, &data_pa, PROT_READ, VMA_VVAR))
		return 0;
	uint64_t pa[8];
	for (size_t i = 0; i < pages && i < ARRAY_SIZE(pa); i++)
		pa[i] = virt_to_phys(vdso_image) + i * PAGE_SIZE;
	if (pages > ARRAY_SIZE(pa) ||
	    vm_map_special(mm, base + PAGE_SIZE, pages, pa, PROT_READ | PROT_EXEC, VMA_VDSO))
		return 0;
	return base + PAGE_SIZE;
}
