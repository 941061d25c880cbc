/* smp.h: starting the other CPUs (arch/x86_64/smp.c). */
#ifndef HTUX_SMP_H
#define HTUX_SMP_H

#include <stdint.h>

/* Finds the CPUs in the MADT and starts and parks the others. */
void smp_init(void);
/* CPUs started, the boot CPU included (all but CPU 0 parked). */
unsigned smp_cpus_running(void);

/* The CPUs started, a bit per index in cpus[] (CPU 0 included). */
uint64_t smp_online_mask(void);
/* APs: run kernel/sched.c's idle loop from now on (called once, by CPU 0). */
void smp_release_aps(void);
/* An IPI with vector vec to CPU cpu (an index in cpus[]). */
void ipi_send(unsigned cpu, unsigned vec);

/* TLB shootdown (arch/x86_64/tlb.c). After a change to a page table entry
 * of mm: tlb_flush_page() invalidates va here and notes that the CPUs whose
 * CR3 holds mm owe a flush; tlb_flush_mm() the same for the whole space.
 * tlb_sync() sends them (an IPI, waiting for each to answer) before the
 * big kernel lock is let go or a page is handed out again. tlb_mm_gone():
 * before mm's tables are freed, every CPU still holding it in CR3 (an
 * idle one keeps its last) moves to the kernel's. mm NULL: the kernel's
 * own mappings, every CPU. */
struct mm;
void tlb_flush_page(struct mm *mm, uint64_t va);
void tlb_flush_mm(struct mm *mm);
void tlb_sync(void);
/* Its counts in words, for the NMI report (kernel/sched_report.c). */
void tlb_describe(char *buf, size_t size);
void tlb_mm_gone(struct mm *mm);
/* membarrier(2): every other CPU that holds mm in CR3 (NULL: every
 * CPU) takes an interrupt, a full barrier, before this returns. */
void smp_barrier(struct mm *mm);
/* On a CPU asked to flush (the IPI, or spinning for the lock). */
void tlb_ipi_work(void);

#endif
