/* irq.h: device interrupts and periodic work. Interrupts arrive only while
 * a thread runs in user mode or the CPU idles (the kernel runs with them
 * off), so a handler may call into any kernel code (wake queues, run the
 * network stack) without locks. Implemented in arch/x86_64/irq.c and
 * arch/x86_64/ioapic.c. */
#ifndef HTUX_IRQ_H
#define HTUX_IRQ_H

#include "kernel/kernel.h"

typedef void (*irq_handler_t)(void *arg);

/* Takes a free IDT vector (48..239) that calls h(arg) and then sends the
 * LAPIC EOI; returns the vector, or -1 when none is left. For MSI/MSI-X
 * the message address is irq_msi_address() and the data the vector. */
int irq_alloc(irq_handler_t h, void *arg);
uint64_t irq_msi_address(void);
/* Routes I/O APIC input gsi to vector (level-triggered active-low when
 * level, as PCI INTx; edge active-high otherwise); -1 when there is no
 * I/O APIC or no such input. A line routed before is shared: it keeps its
 * first vector and mode, and vector's handler runs after that one's (so a
 * handler must check that its device interrupted). */
int irq_route_gsi(unsigned gsi, int vector, bool level);
/* The same with the polarity given (virtio-mmio lines on microvm are
 * level-triggered active-high); an ACPI interrupt source override for gsi
 * still wins over both. */
int irq_route_gsi_mode(unsigned gsi, int vector, bool level, bool active_low);

/* Runs fn on every timer tick (TICK_NS) once the timer runs (see
 * timer_start in kernel/sched.h); for polling and protocol timers. */
void tick_hook_add(void (*fn)(void));
/* Runs them (the tick in kernel/sched.c calls it). */
void tick_hooks_run(void);

#endif
