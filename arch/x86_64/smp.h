/* smp.h: starting the other CPUs (arch/x86_64/smp.c). */
#ifndef HTUX_SMP_H
#define HTUX_SMP_H

/* Finds the CPUs in the MADT and starts and parks the others. */
void smp_init(void);
/* CPUs started, the boot CPU included (all but CPU 0 parked). */
unsigned smp_cpus_running(void);

#endif
