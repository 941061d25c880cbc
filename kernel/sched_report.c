/* sched_report.c: the state report an NMI asks for (arch/x86_64/nmi.c):
 * CPU 0 prints, at a tick 50 ms later and under the big kernel lock, the lock's
 * state, each CPU's queue and every thread: its process, state, CPU, the
 * system call it is in, where the program was, and for a thread switched
 * out the kernel functions it waits in. A debugging aid for hangs. */
#include "kernel/kernel.h"
#include "kernel/bkl.h"
#include "kernel/ksyms.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/trap.h"

#define GATHER_NS 50000000UL /* the other CPUs' NMIs come in meanwhile */

/* "f1 < f2 < ..." of a switched-out thread: its saved kernel stack holds
 * r15 r14 r13 r12 rbp rbx and switch_to's return address. */
static void chain(char *buf, size_t size, const struct thread *t)
{
	const uint64_t *s = (const uint64_t *)t->ksp;
	uint64_t rbp = s[4], pc = s[6];
	size_t len = 0;
	buf[0] = 0;
	for (int n = 0; n < 8 && len + 1 < size; n++) {
		uint64_t off;
		const char *name = ksym_lookup(pc - 1, &off);
		if (!name)
			break;
		len += (size_t)ksnprintf(buf + len, size - len, "%s%s", n ? " < " : "", name);
		if ((rbp & 7) || rbp < t->ksp || rbp + 16 > t->kstack_top)
			break; /* frames stay on its own stack */
		const uint64_t *f = (const uint64_t *)rbp;
		pc = f[1];
		if (f[0] <= rbp)
			break;
		rbp = f[0];
	}
}

static const char *state_name(const struct thread *t)
{
	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (cpus[i].thread == t && cpus[i].self)
			return "running";
	return t->state == T_RUNNABLE ? "queued" : t->state == T_BLOCKED ? "blocked" : "dead";
}

void sched_report(void)
{
	uint64_t due = __atomic_load_n(&nmi_report_due, __ATOMIC_ACQUIRE);
	if (!due || tsc_to_ns(rdtsc() - due) < GATHER_NS)
		return;
	__atomic_store_n(&nmi_report_due, 0, __ATOMIC_RELAXED);
	uint64_t now = time_ns();
	char buf[200];
	bkl_describe(buf, sizeof(buf));
	kprintf("htux: nmi: at %lu ms: %s\n", now / 1000000, buf);
	tlb_describe(buf, sizeof(buf));
	kprintf("htux: nmi: %s\n", buf);
	uint64_t online = smp_online_mask();
	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (online & (1UL << i))
			kprintf("htux: nmi: cpu %u: %d queued, thread %d\n", i, sched_queue_len(i),
				cpus[i].thread ? cpus[i].thread->tid : -1);
	for (struct thread *t = all_threads; t; t = t->all_next) {
		if (t->kthread)
			continue;
		const char *st = state_name(t);
		buf[0] = 0;
		if (st[0] != 'r' || st[1] != 'u')
			chain(buf, sizeof(buf), t);
		const struct trapframe *tf = t->tf;
		long sys = tf && tf_syscall(tf) ? (long)tf->err : -1;
		kprintf("htux: nmi: tid %d pid %d %s cpu %u sys %ld user rip %lx wake %d "
			"deadline %ld ms sigpend %lx mask %lx ran %lu ms: %s\n",
			t->tid, t->proc ? t->proc->pid : -1, st, t->cpu, sys, tf ? tf->rip : 0,
			t->wake_reason, t->deadline ? (long)(t->deadline - now) / 1000000 : 0,
			t->sigpending, t->sigmask, tsc_to_ns(t->run_tsc) / 1000000, buf);
	}
}
