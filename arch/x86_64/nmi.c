/* nmi.c: the non-maskable interrupt, which the host sends to ask a stuck
 * guest what it is doing (QEMU's monitor command `nmi` sends one to every
 * CPU). Each CPU prints at
 * once one line of where it was and what it holds: without any lock (the
 * CPU that holds the console's may be the one interrupted) and without
 * its %gs (an NMI at the first instruction of syscall_entry finds the
 * program's): it knows itself by its APIC ID. The CPUs' lines may mix
 * with the console's other output. Then CPU 0, at a tick 50 ms later
 * and under the big kernel lock, prints every thread
 * (kernel/sched_report.c).
 * The program never sees an NMI. */
#include "kernel/kernel.h"
#include "kernel/ksyms.h"
#include "kernel/sched.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/trap.h"

uint64_t nmi_report_due;
static int line_lock; /* one CPU's line at a time */

static struct percpu *cpu_by_apic_id(unsigned apic)
{
	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (cpus[i].self && cpus[i].apic_id == apic)
			return &cpus[i];
	return &cpus[0];
}

void nmi_handle(const struct trapframe *tf)
{
	struct percpu *c = cpu_by_apic_id(lapic_id_now());
	bool user = tf->rip < USER_TOP; /* fastsys: CS tells nothing here */
	uint64_t off = 0;
	const char *fn = user ? NULL : ksym_lookup(tf->rip, &off);
	char where[80] = "";
	if (fn)
		ksnprintf(where, sizeof(where), " %s+%lx", fn, off);
	const struct thread *t = c->thread;
	char line[256];
	int n = ksnprintf(line, sizeof(line),
			  "htux: nmi: cpu %u: %s rip %lx%s, thread %d%s, halted %d, "
			  "lock held %d waiting %d, tlb req %d owed %d, timer %s\n",
			  c->id, user ? "user" : "kernel", tf->rip, where, t ? t->tid : -1,
			  t && t == c->idle_thread ? " (idle)" : "", c->halted, c->bkl_held,
			  c->bkl_waiting, c->tlb_req, c->tlb_pending,
			  c->timer_on ? (c->fires_at == UINT64_MAX ? "stopped" : "on") : "off");
	/* The CPUs take the NMI at once: one line at a time, and a CPU
	 * that waits too long (the host did not run the holder) writes
	 * anyway. */
	bool mine = false;
	for (long i = 0; i < 10000000 && !mine; i++) {
		mine = !__atomic_exchange_n(&line_lock, 1, __ATOMIC_ACQUIRE);
		if (!mine)
			cpu_relax();
	}
	serial_write(line, MIN((size_t)n, sizeof(line) - 1));
	if (mine)
		__atomic_store_n(&line_lock, 0, __ATOMIC_RELEASE);
	uint64_t none = 0;
	__atomic_compare_exchange_n(&nmi_report_due, &none, rdtsc(), false, __ATOMIC_RELEASE,
				    __ATOMIC_RELAXED);
}
