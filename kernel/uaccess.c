/* uaccess.c: the kernel's way into user memory: the range check
 * (access_ok), the copies in and out built on the fault-surviving routines
 * of arch/x86_64/uaccess.S, and the search of their exception table that
 * trap() makes for a kernel fault it cannot otherwise resolve. (access_ok
 * itself is inline, in kernel/kernel.h.)
 *
 * Checking the areas first and then copying with memcpy is not enough: a
 * fault in the middle of the copy may sleep (a page of a file read from a
 * disk), another thread may unmap the rest meanwhile, and the copy would
 * then fault in the kernel. So the copies check only the range, and a fault
 * that finds no page makes them fail instead, as on Linux.
 *
 * A copy that sleeps in a fault also lets other threads change what the
 * caller holds (a pipe's buffer, a file's bytes). Where that matters the
 * _nosleep copies run with uaccess_nosleep set: trap() then resolves no
 * fault on a user address, so the copy stops at the first byte whose page
 * is not there yet (or is to be copied on write), and the caller, holding
 * nothing, brings it in with fault_in_user and looks again (as Linux
 * copies with page faults disabled, then faults the pages in). */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include <linux/uio.h>

size_t uaccess_copy(void *dst, const void *src, size_t n);
size_t uaccess_clear(void *dst, size_t n);
long uaccess_strncpy(char *dst, const char *src, size_t max);

struct ex_entry {
	uint64_t insn, fixup;
};
extern const struct ex_entry uaccess_ex_start[], uaccess_ex_end[];

int uaccess_get32(uint32_t *dst, const uint32_t *src);

int get_user_u32(uint32_t *v, const uint32_t *uaddr)
{
	if (!access_ok(uaddr, sizeof(*uaddr)))
		return -EFAULT;
	return uaccess_get32(v, uaddr);
}

int uaccess_cmpxchg32(uint32_t *uaddr, uint32_t *old, uint32_t nv);

int cmpxchg_user_u32(uint32_t *uaddr, uint32_t *old, uint32_t nv)
{
	if (!access_ok(uaddr, sizeof(*uaddr)) || ((uint64_t)uaddr & 3))
		return -EFAULT;
	return uaccess_cmpxchg32(uaddr, old, nv);
}

size_t copy_from_user_partial(void *dst, const void *usrc, size_t n)
{
	if (!access_ok(usrc, n))
		return 0;
	return n - uaccess_copy(dst, usrc, n);
}

size_t copy_to_user_partial(void *udst, const void *src, size_t n)
{
	if (!access_ok(udst, n))
		return 0;
	return n - uaccess_copy(udst, src, n);
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	return copy_from_user_partial(dst, usrc, n) == n ? 0 : -EFAULT;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	return copy_to_user_partial(udst, src, n) == n ? 0 : -EFAULT;
}

bool uaccess_nosleep;

/* (No page-table walk first: the fault itself finds the page missing, at
 * no cost when it is there, the usual case.) */
static size_t copy_nosleep(void *dst, const void *src, size_t n)
{
	uaccess_nosleep = true;
	size_t left = uaccess_copy(dst, src, n);
	uaccess_nosleep = false;
	return n - left;
}

/* The bytes of [a, a+n) below the top of user space: a _nosleep copy of a
 * range that runs past it stops there, so that the caller's fault_in_user
 * of the next byte fails (a copy of nothing would send it back to fault in
 * a page that is there, and round again for ever). */
static size_t below_top(uint64_t a, size_t n)
{
	if (a >= USER_TOP)
		return 0;
	return MIN(n, USER_TOP - a);
}

size_t copy_from_user_nosleep(void *dst, const void *usrc, size_t n)
{
	n = below_top((uint64_t)usrc, n);
	return access_ok(usrc, n) ? copy_nosleep(dst, usrc, n) : 0;
}

size_t copy_to_user_nosleep(void *udst, const void *src, size_t n)
{
	n = below_top((uint64_t)udst, n);
	return access_ok(udst, n) ? copy_nosleep(udst, src, n) : 0;
}

int fault_in_user(const void *uaddr, bool write)
{
	/* a write faults as one (a userfaultfd reports its write flag) */
	if (write)
		return access_ok(uaddr, 1) && !vm_prepare_write((uint64_t)uaddr, 1) ? 0 : -EFAULT;
	uint8_t b;
	return copy_from_user(&b, uaddr, 1);
}

size_t clear_user_partial(void *udst, size_t n)
{
	if (!access_ok(udst, n))
		return 0;
	return n - uaccess_clear(udst, n);
}

int clear_user(void *udst, size_t n) { return clear_user_partial(udst, n) == n ? 0 : -EFAULT; }

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	uint64_t a = (uint64_t)usrc;
	if (max == 0)
		return -ENAMETOOLONG;
	if (a >= USER_TOP)
		return -EFAULT;
	size_t lim = MIN(max, USER_TOP - a); /* the string may not run past user space */
	long r = uaccess_strncpy(dst, usrc, lim);
	if (r < 0 || (size_t)r < lim)
		return r;
	return lim < max ? -EFAULT : -ENAMETOOLONG;
}

bool uaccess_fixup(struct trapframe *tf)
{
	/* a page fault on a user address, or a #GP (a non-canonical one) */
	if (!(tf->trapno == T_PF && read_cr2() < USER_TOP) && tf->trapno != T_GP)
		return false;
	// cppcheck-suppress comparePointers ; the linker's start and end of one table
	for (const struct ex_entry *e = uaccess_ex_start; e < uaccess_ex_end; e++) {
		if (e->insn == tf->rip) {
			tf->rip = e->fixup;
			return true;
		}
	}
	return false;
}

int timespec_from_user(const void *uts, int64_t *ns)
{
	struct {
		int64_t tv_sec, tv_nsec;
	} ts; /* struct __kernel_timespec */
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	*ns = ts.tv_sec * 1000000000L + ts.tv_nsec;
	return 0;
}

struct iovec *iov_from_user(const struct iovec *uiov, size_t cnt, int too_many, size_t max_total,
			    bool check_bases, size_t *total, long *err)
{
	if (cnt > UIO_MAXIOV) {
		*err = too_many;
		return NULL;
	}
	struct iovec *v = kmalloc(sizeof(*v) * (cnt ? cnt : 1));
	if (!v) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = 0;
	*total = 0;
	if (copy_from_user(v, uiov, sizeof(*v) * cnt))
		*err = -EFAULT;
	for (size_t i = 0; i < cnt && !*err; i++) {
		if (v[i].iov_len > max_total - *total)
			*err = -EINVAL;
		else if (check_bases && !access_ok(v[i].iov_base, v[i].iov_len))
			*err = -EFAULT;
		*total += v[i].iov_len;
	}
	if (*err) {
		kfree(v);
		return NULL;
	}
	return v;
}
