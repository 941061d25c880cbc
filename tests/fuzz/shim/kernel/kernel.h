/* kernel.h (fuzzing shim): the few kernel services that the parsers built
 * for the host by tests/fuzz/run.sh use, mapped onto the host's libc. The
 * real kernel/kernel.h is freestanding; this one stands in for it so that
 * kernel/cmdline.c compiles unchanged outside the kernel. */
#ifndef HTUX_KERNEL_H
#define HTUX_KERNEL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kopts {
	bool verbose, trace, strace, console_hvc, console_notty, stderr_com3, summary, watch;
	int panic_test;
	int init;
	int fastsys;
	bool sysrw;
};
extern struct kopts kopts;

#define kprintf(...) ((void)0)
#define kinfo(...) ((void)0)
/* The harness keeps track of what the parser allocates, and frees it
   after each input (the kernel keeps its command line for good). */
void *fuzz_kmalloc(size_t n);
void fuzz_kfree(void *p);
#define kmalloc fuzz_kmalloc
#define kzalloc(n) memset(fuzz_kmalloc(n), 0, (n))
#define kfree fuzz_kfree
__attribute__((noreturn)) void vm_exit(int status);
__attribute__((noreturn)) void panic(const char *fmt, ...);

#endif
