/* cpu.h: x86_64 instructions the kernel needs as C: MSRs, control
 * registers, CPUID, TSC, TLB and interrupt control; the per-CPU data. */
#ifndef HTUX_CPU_H
#define HTUX_CPU_H

#include <stdint.h>
#include "arch/x86_64/entry.h" /* selectors, RFLAGS bits */

#define MSR_EFER 0xC0000080
#define MSR_STAR 0xC0000081
#define MSR_LSTAR 0xC0000082
#define MSR_CSTAR 0xC0000083
#define MSR_FMASK 0xC0000084
#define MSR_FS_BASE 0xC0000100
#define MSR_GS_BASE 0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}
static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}
static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}
static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}
static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}
static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

#define MAX_CPUS 64

/* Per-CPU data, reached through %gs in the kernel (GS base; swapgs on
 * entries from ring 3). The syscall entry uses the offsets of kstack_top
 * and user_rsp (arch/x86_64/syscall_entry.S). cpus[0] is the boot CPU;
 * arch/x86_64/smp.c fills in the others it starts. */
struct cpu_tables;
struct thread;
struct proc;
struct mm;
struct percpu {
	struct percpu *self; /* 0 */
	uint64_t kstack_top; /* 8 */
	uint64_t user_rsp;   /* 16 */
	uint64_t boot_stack; /* 24: where it starts (arch/x86_64/trampoline.S) */
	unsigned id;         /* index in cpus[] */
	unsigned apic_id;
	struct cpu_tables *tables; /* its GDT and TSS (arch/x86_64/gdt.c) */
	int started;               /* set by the CPU itself once it runs */
	/* Scheduling (kernel/sched.c): the thread and process it runs, its
	 * idle thread, the address space its CR3 holds (kept while idle),
	 * the TSC at its last switch (kernel/cputime.c), whether it waits
	 * for an interrupt in its idle loop. */
	struct thread *thread;
	struct proc *proc;
	struct thread *idle_thread;
	struct mm *mm;
	uint64_t switch_tsc;
	int halted;
	/* The big kernel lock (kernel/bkl.c): held by this CPU. TLB
	 * shootdown (arch/x86_64/tlb.c): a flush asked of this CPU (set by
	 * the asker, cleared here when done), and the flushes this CPU owes
	 * the others before it lets the lock go. */
	int bkl_held;
	int bkl_waiting;         /* halted for it (an interrupt then spins) */
	uint64_t bkl_wait_since; /* time_ns() it first halted for it, 0: not */
	int tlb_req;
	/* It touches no user memory before it next takes the big lock
	 * (it waits for it, or runs the idle loop or a driver's wait): a
	 * flush asked of it is done then, without an IPI or a wait. */
	int tlb_lazy;
	struct mm *tlb_pending_mm;
	int tlb_pending; /* 0, 1: CPUs running tlb_pending_mm, 2: every CPU */
	/* Its local APIC timer (arch/x86_64/lapic.c). */
	int timer_on;
	uint64_t fires_at;
	/* Its /proc/stat times, in TSC ticks (kernel/cputime.c): since when
	 * it counts (boot, or joining the scheduler), its user and system
	 * time so far (the busy time up to its last tick or halt, split by
	 * what the ticks found), the busy time counted so far, whether the
	 * last tick found user mode; its time halted in the idle loop (ended
	 * halts), the start of the halt in progress (0: none) and a sequence
	 * count around their updates (odd while one is under way: they
	 * change without the big lock); the values last reported (never
	 * less). */
	uint64_t stat_up_tsc, stat_user_tsc, stat_sys_tsc, stat_busy_tsc;
	int stat_last_user;
	unsigned stat_seq;
	uint64_t stat_idle_tsc, stat_halt_tsc;
	uint64_t stat_seen[3];
	/* Lock checks (kernel/spinlock.c, HTUX_DEBUG_LOCKS): the spinlocks
	 * this CPU holds, as a count and a mask of their ranks. */
	int spin_count;
	unsigned spin_ranks;
};
extern struct percpu cpus[MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
	struct percpu *c;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* This CPU's running thread and process in one load each (volatile: a
 * thread that slept may wake on another CPU, so never reused). */
static inline struct thread *this_cpu_thread(void)
{
	struct thread *t;
	__asm__ volatile("movq %%gs:%c1, %0"
			 : "=r"(t)
			 : "i"(__builtin_offsetof(struct percpu, thread)));
	return t;
}
/* This CPU's index in cpus[] in one load (volatile, as the thread may move). */
static inline unsigned this_cpu_id(void)
{
	unsigned id;
	__asm__ volatile("movl %%gs:%c1, %0"
			 : "=r"(id)
			 : "i"(__builtin_offsetof(struct percpu, id)));
	return id;
}
static inline struct proc *this_cpu_proc(void)
{
	struct proc *p;
	__asm__ volatile("movq %%gs:%c1, %0"
			 : "=r"(p)
			 : "i"(__builtin_offsetof(struct percpu, proc)));
	return p;
}

void percpu_early(void);           /* GS base: cpus[0], before anything runs */
void gdt_init(void);               /* the boot CPU's tables, loaded */
int gdt_prepare(struct percpu *c); /* another CPU's tables: 0 or -ENOMEM */
void gdt_load(struct percpu *c);   /* on that CPU: its GDT, TSS and GS base */
void tss_set_rsp0(uint64_t rsp0);
void idt_init(void);
void idt_load(void); /* the shared IDT, on another CPU */
void syscall_init(void);

#endif
