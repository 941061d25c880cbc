/* backtrace.h: call chains walked by frame pointer, for a kernel panic
 * (with the kernel's symbol names) and a crashed program (addresses). */
#ifndef HTUX_BACKTRACE_H
#define HTUX_BACKTRACE_H

#include <stdint.h>

struct trapframe;

/* "htux: #N 0xADDR name+0xOFF" lines on the console, from the frame whose
 * instruction pointer is rip and frame pointer rbp. */
void backtrace_kernel(uint64_t rip, uint64_t rbp);
/* The same from the caller of this function. */
void backtrace_here(void);
/* "htux: #N 0xADDR" lines of the program's frames at a fault, on the
 * diagnostics channel, while its frame pointers lead to readable memory. */
void backtrace_user(const struct trapframe *tf);

#endif
