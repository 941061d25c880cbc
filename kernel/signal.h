/* signal.h: signal numbers and names, the recorded dispositions, and what
 * happens when the program faults. */
#ifndef HTUX_SIGNAL_H
#define HTUX_SIGNAL_H

#include "kernel/kernel.h"
#include <asm/signal.h>
#include <linux/signal.h>

#define NSIGNALS 65   /* 1..64 */

struct trapframe;

struct k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

extern struct k_sigaction sigactions[NSIGNALS];
extern uint64_t sigmask;

const char *signal_name(int sig);
/* The program faulted with sig at addr: ends it with 128+sig and one line
 * on the console (handlers run once signal delivery exists). */
__attribute__((noreturn)) void signal_fault(struct trapframe *tf, int sig, uint64_t addr);

#endif
