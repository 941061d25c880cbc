/* panic_test.c: the debugging aid behind the kernel options "panic_test"
 * (the kernel panics on purpose, two calls deep) and "panic_test=fault"
 * (it writes through a null pointer): the way tests/boot/debug.sh checks
 * that a panic prints a backtrace with the kernel's symbol names. */
#include "kernel/kernel.h"

void panic_test_run(int kind);

static __attribute__((noinline)) void panic_test_inner(int kind)
{
	if (kind == 2)
		*(volatile int *)0 = 1;
	panic("panic_test: a panic asked for on the kernel command line");
}

static __attribute__((noinline)) void panic_test_outer(int kind)
{
	panic_test_inner(kind);
	__asm__ volatile("");   /* keeps this frame: no tail call */
}

void panic_test_run(int kind)
{
	panic_test_outer(kind);
	__asm__ volatile("");
}
