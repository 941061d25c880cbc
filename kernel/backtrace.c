/* backtrace.c: walks call chains by frame pointer (the kernel is built
 * with -fno-omit-frame-pointer: [rbp] holds the caller's rbp, [rbp+8] the
 * return address) for a kernel panic, and a crashed program's frames as
 * far as its own frame pointers go. */
#include "kernel/kernel.h"
#include "kernel/backtrace.h"
#include "kernel/ksyms.h"
#include "kernel/pmem.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/usersyms.h"
#include "arch/x86_64/trap.h"
#include <asm-generic/mman-common.h>

#define MAX_FRAMES 32

extern const char _end[];

/* A frame pointer of the kernel: aligned, in the image or in RAM. */
static bool kernel_frame_ok(uint64_t rbp)
{
	if (rbp & 7)
		return false;
	if (rbp >= KERNEL_VMA && rbp + 16 <= (uint64_t)_end)
		return true;
	return rbp >= DIRECT_MAP && rbp + 16 <= DIRECT_MAP + pmem_max_phys();
}

/* Frame n at pc; a return address (ret) points after its call, which
 * may be its function's last instruction: the call names the function. */
static void kernel_frame(int n, uint64_t pc, bool ret)
{
	uint64_t off;
	const char *name = ksym_lookup(pc - ret, &off);

	if (name)
		kprintf("htux: #%d 0x%016lx %s+0x%lx\n", n, pc, name, off + ret);
	else
		kprintf("htux: #%d 0x%016lx\n", n, pc);
}

/* Frames n and up, from frame pointer rbp. */
static void backtrace_kernel_from(int n, uint64_t rbp)
{
	for (; n < MAX_FRAMES && kernel_frame_ok(rbp); n++) {
		const uint64_t *f = (const uint64_t *)rbp;
		uint64_t off;
		if (!ksym_lookup(f[1] - 1, &off))
			break; /* not a return address into the kernel's code */
		kernel_frame(n, f[1], true);
		if (f[0] <= rbp)
			break; /* frames go up the stack */
		rbp = f[0];
	}
}

void backtrace_kernel(uint64_t rip, uint64_t rbp)
{
	kernel_frame(0, rip, false);
	backtrace_kernel_from(1, rbp);
}

__attribute__((noinline)) void backtrace_here(void)
{
	uint64_t rbp = (uint64_t)__builtin_frame_address(0);
	const uint64_t *f = (const uint64_t *)rbp;
	/* Frame #0 is our caller, at the address we return to. */
	uint64_t off;
	kernel_frame(0, f[1], true);
	if (ksym_lookup(f[1] - 1, &off))
		backtrace_kernel_from(1, f[0]);
}

/* A return address of the program: in one of its executable mappings. */
static bool user_code(uint64_t pc)
{
	struct vma *v = pc < USER_TOP && current && current->mm ? vm_find(current->mm, pc) : NULL;
	return v && (v->prot & PROT_EXEC);
}

/* "htux: #N 0xADDR", plus the function's name when the file has one. */
static void user_frame(int n, uint64_t pc, bool ret)
{
	char name[128];

	if (usersym_name(pc, ret, name, sizeof(name)))
		kdiag("htux: #%d 0x%lx %s\n", n, pc, name);
	else
		kdiag("htux: #%d 0x%lx\n", n, pc);
}

void backtrace_user(const struct trapframe *tf)
{
	uint64_t rbp = tf->rbp;

	user_frame(0, tf->rip, false);
	for (int n = 1; n < MAX_FRAMES && rbp && !(rbp & 7) && rbp < USER_TOP; n++) {
		uint64_t f[2];
		if (copy_from_user(f, (const void *)rbp, sizeof(f)) || !user_code(f[1]))
			break;
		user_frame(n, f[1], true);
		if (f[0] <= rbp)
			break;
		rbp = f[0];
	}
}
