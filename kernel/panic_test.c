/* panic_test.c: the debugging aid behind the kernel options "panic_test"
 * (the kernel panics on purpose, two calls deep), "panic_test=fault" (it
 * writes through a null pointer), and "panic_test=recurse" and
 * "panic_test=fault-recurse" (each of those, then a null pointer write in
 * the panic's own path): the way tests/boot/debug.sh checks that a panic
 * prints a backtrace with the kernel's symbol names, and
 * tests/boot/harden_entry.sh that a fault while panicking stops the VM
 * with one more line; "panic_test=sleep-in-spinlock" (a wait with a
 * spinlock held) and "panic_test=lock-order" (two spinlocks taken
 * upwards): broken locking rules that a kernel with the lock checks
 * (kernel/spinlock.h) panics at, as tests/boot/lockcheck.sh checks; a
 * kernel without them says so and boots on. With the checks, two more
 * widen rare paths: "panic_test=bkl-race" (kernel/bkl.c) and
 * "panic_test=share-full" (kernel/filemap.c's write-back copies every
 * page as if its sharers' count were full; tests/boot/mmap_sync.sh). */
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"

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

#ifdef HTUX_DEBUG_LOCKS
static struct spinlock waitq_rank = SPINLOCK_INIT(LOCK_WAITQ, "panic_test's waitq lock");
static struct spinlock pmem_rank = SPINLOCK_INIT(LOCK_PMEM, "panic_test's pmem lock");
#endif

static void lock_test(int kind)
{
#ifndef HTUX_DEBUG_LOCKS
	kprintf("htux: panic_test=%s: this kernel has no lock checks (htux-debug.elf, "
		"configure --enable-debug-locks)\n",
		kind == 5   ? "sleep-in-spinlock"
		: kind == 6 ? "lock-order"
		: kind == 7 ? "bkl-race"
			    : "share-full");
#else
	if (kind == 7 || kind == 8) {
		return; /* kernel/bkl.c widens its windows; kernel/filemap.c copies */
	} else if (kind == 5) {
		uint64_t f = spin_lock(&waitq_rank);
		waitq_wait_nosig(NULL); /* the check panics before any sleep */
		spin_unlock(&waitq_rank, f);
	} else {
		uint64_t f = spin_lock(&pmem_rank);
		uint64_t g = spin_lock(&waitq_rank); /* waitq comes before pmem */
		spin_unlock(&waitq_rank, g);
		spin_unlock(&pmem_rank, f);
	}
#endif
}

void panic_test_run(int kind)
{
	if (kind >= 5) {
		lock_test(kind);
		return;
	}
	panic_test_outer(kind);
	__asm__ volatile("");
}

/* Called at the end of every panic report (kernel/kprintf.c panic_end). */
void panic_test_in_panic(void)
{
	if (kopts.panic_test == 3 || kopts.panic_test == 4)
		// cppcheck-suppress nullPointer ; the fault this test asks for
		*(volatile int *)0 = 2;
}
