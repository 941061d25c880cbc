/* panic_test.c: the debugging aid behind the kernel options "panic_test"
 * (the kernel panics on purpose, two calls deep), "panic_test=fault" (it
 * writes through a null pointer), and "panic_test=recurse" and
 * "panic_test=fault-recurse" (each of those, then a null pointer write in
 * the panic's own path): the way tests/boot/debug.sh checks that a panic
 * prints a backtrace with the kernel's symbol names, and
 * tests/boot/harden_entry.sh that a fault while panicking stops the VM
 * with one more line. */
#include "kernel/kernel.h"

void panic_test_run(int kind);
void panic_test_in_panic(void);

static __attribute__((noinline)) void panic_test_inner(int kind)
{
	if (kind == 2 || kind == 4)
		// cppcheck-suppress nullPointer ; the fault this test asks for
		*(volatile int *)0 = 1;
	panic("panic_test: a panic asked for on the kernel command line");
}

static __attribute__((noinline)) void panic_test_outer(int kind)
{
	panic_test_inner(kind);
	__asm__ volatile(""); /* keeps this frame: no tail call */
}

void panic_test_run(int kind)
{
	panic_test_outer(kind);
	__asm__ volatile("");
}

/* Called at the end of every panic report (kernel/kprintf.c panic_end). */
void panic_test_in_panic(void)
{
	if (kopts.panic_test >= 3)
		// cppcheck-suppress nullPointer ; the fault this test asks for
		*(volatile int *)0 = 2;
}
