/* irq.c: device interrupt vectors (48..239): handing them out, running
 * the handler of one when it fires (trap.c then sends the EOI), chaining
 * the handlers of devices that share one I/O APIC line, the MSI message
 * address, and the functions run on every timer tick. */
#include "kernel/kernel.h"
#include "kernel/irq.h"
#include "arch/x86_64/trap.h"

#define NVEC (T_DEV_LAST - T_DEV_FIRST + 1)
#define MAX_TICK_HOOKS 16

static struct {
	irq_handler_t fn;
	void *arg;
	int next; /* vector sharing this one's line, or 0 */
} handlers[NVEC];
static int next_free;

static void (*tick_hooks[MAX_TICK_HOOKS])(void);
static int ntick_hooks;

int irq_alloc(irq_handler_t h, void *arg)
{
	if (next_free >= NVEC)
		return -1;
	lapic_enable();
	handlers[next_free].fn = h;
	handlers[next_free].arg = arg;
	return T_DEV_FIRST + next_free++;
}

void irq_dispatch(unsigned v)
{
	for (int guard = 0; guard < NVEC && v >= T_DEV_FIRST && v <= T_DEV_LAST; guard++) {
		unsigned i = v - T_DEV_FIRST;
		if (handlers[i].fn)
			handlers[i].fn(handlers[i].arg);
		v = (unsigned)handlers[i].next;
	}
}

void irq_share(int first, int vector)
{
	unsigned i = (unsigned)first - T_DEV_FIRST;
	while (i < NVEC && handlers[i].next)
		i = (unsigned)handlers[i].next - T_DEV_FIRST;
	if (i < NVEC && first != vector)
		handlers[i].next = vector;
}

/* Fixed delivery, physical destination: this CPU's local APIC. */
uint64_t irq_msi_address(void) { return 0xFEE00000UL | ((uint64_t)lapic_id() << 12); }

void tick_hook_add(void (*fn)(void))
{
	if (ntick_hooks < MAX_TICK_HOOKS)
		tick_hooks[ntick_hooks++] = fn;
	else
		kprintf("htux: too many tick hooks\n");
}

void tick_hooks_run(void)
{
	for (int i = 0; i < ntick_hooks; i++)
		tick_hooks[i]();
}
