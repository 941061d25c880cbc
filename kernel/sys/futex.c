/* sys/futex.c: futex(2)'s arguments: the operation decoded, timeouts read
 * (WAIT relative, WAIT_BITSET and LOCK_PI absolute), words checked and
 * WAKE_OP's read-modify-write; futex_waitv's vector of words read and
 * checked; the waiters and PI locks themselves are kernel/futex.c's. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/sched.h"
#include "kernel/futex.h"
#include "kernel/proc.h"
#include <linux/futex.h>
#include <linux/time_types.h>

/* What Linux checks of a futex it only looks up (a wake, a requeue): the
 * word aligned and in user space; a shared one must also be mapped (Linux
 * finds its page), which reading it tells. */
static int key_ok(const uint32_t *uaddr, bool shared)
{
	uint32_t v;
	if ((uint64_t)uaddr & 3)
		return -EINVAL;
	if (!access_ok(uaddr, sizeof(*uaddr)))
		return -EFAULT;
	return shared ? get_user(v, uaddr) : 0;
}

static int wake_op(uint32_t *uaddr, uint32_t *uaddr2, bool shared, int n, int n2, uint32_t val3)
{
	int op = (val3 >> 28) & 7, cmp = (val3 >> 24) & 15;
	uint32_t oparg = (val3 >> 12) & 0xFFF, cmparg = val3 & 0xFFF, old, nv;
	if ((val3 >> 28) & FUTEX_OP_OPARG_SHIFT)
		oparg = 1u << (oparg & 31);
	int err = futex_read(uaddr2, &old);
	if (err)
		return err;
	/* atomic, as Linux's: the program may change the word on another CPU */
	for (uint32_t seen;; old = seen) {
		switch (op) {
		case FUTEX_OP_SET: nv = oparg; break;
		case FUTEX_OP_ADD: nv = old + oparg; break;
		case FUTEX_OP_OR: nv = old | oparg; break;
		case FUTEX_OP_ANDN: nv = old & ~oparg; break;
		case FUTEX_OP_XOR: nv = old ^ oparg; break;
		default: return -ENOSYS;
		}
		seen = old;
		if (cmpxchg_user_u32(uaddr2, &seen, nv))
			return -EFAULT;
		if (seen == old)
			break;
	}
	int done = futex_wake((uint64_t)uaddr, shared, n, ~0u);
	bool hit;
	switch (cmp) {
	case FUTEX_OP_CMP_EQ: hit = old == cmparg; break;
	case FUTEX_OP_CMP_NE: hit = old != cmparg; break;
	case FUTEX_OP_CMP_LT: hit = (int32_t)old < (int32_t)cmparg; break;
	case FUTEX_OP_CMP_LE: hit = (int32_t)old <= (int32_t)cmparg; break;
	case FUTEX_OP_CMP_GT: hit = (int32_t)old > (int32_t)cmparg; break;
	case FUTEX_OP_CMP_GE: hit = (int32_t)old >= (int32_t)cmparg; break;
	default: return -ENOSYS;
	}
	if (hit)
		done += futex_wake((uint64_t)uaddr2, shared, n2, ~0u);
	return done;
}

/* The deadline in time_ns() terms for a timeout argument: relative for
 * FUTEX_WAIT, absolute on the monotonic or (FUTEX_CLOCK_REALTIME) the
 * real-time clock for FUTEX_WAIT_BITSET. 0: none; <0: -errno. */
static int64_t deadline_of(const struct __kernel_timespec *uts, bool absolute, bool realtime)
{
	int64_t ns;
	if (!uts)
		return 0;
	int e = timespec_from_user(uts, &ns);
	if (e)
		return e;
	if (!absolute)
		return (int64_t)time_ns() + ns + 1;
	if (realtime)
		ns -= realtime_boot_ns();
	return ns > 0 ? ns : 1;
}

long sys_futex(uint32_t *uaddr, int op, uint32_t val, const struct __kernel_timespec *timeout,
	       uint32_t *uaddr2, uint32_t val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	bool shared = !(op & FUTEX_PRIVATE_FLAG);
	int64_t dl;
	int err;

	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT && cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		dl = deadline_of(timeout, false, false);
		return dl < 0 ? dl : futex_wait(uaddr, shared, val, dl, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAIT_BITSET:
		if (!val3)
			return -EINVAL;
		dl = deadline_of(timeout, true, realtime);
		return dl < 0 ? dl : futex_wait(uaddr, shared, val, dl, val3);
	case FUTEX_WAKE:
		if ((err = key_ok(uaddr, shared)))
			return err;
		return futex_wake((uint64_t)uaddr, shared, (int)val, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		if (!val3)
			return -EINVAL;
		if ((err = key_ok(uaddr, shared)))
			return err;
		return futex_wake((uint64_t)uaddr, shared, (int)val, val3);
	case FUTEX_REQUEUE:
		if ((err = key_ok(uaddr, shared)) || (err = key_ok(uaddr2, shared)))
			return err;
		return futex_requeue((uint64_t)uaddr, (uint64_t)uaddr2, shared, (int)val,
				     (int)(uint64_t)timeout);
	case FUTEX_CMP_REQUEUE: {
		uint32_t cur;
		if ((err = key_ok(uaddr, shared)) || (err = key_ok(uaddr2, shared)))
			return err;
		err = futex_read(uaddr, &cur);
		if (err)
			return err;
		if (cur != val3)
			return -EAGAIN;
		return futex_requeue((uint64_t)uaddr, (uint64_t)uaddr2, shared, (int)val,
				     (int)(uint64_t)timeout);
	}
	case FUTEX_WAKE_OP:
		return wake_op(uaddr, uaddr2, shared, (int)val, (int)(uint64_t)timeout, val3);
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
		/* LOCK_PI's timeout is absolute on CLOCK_REALTIME; LOCK_PI2's
		 * on CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME */
		dl = deadline_of(timeout, true, cmd == FUTEX_LOCK_PI || realtime);
		return dl < 0 ? dl : futex_lock_pi(uaddr, shared, dl, false);
	case FUTEX_TRYLOCK_PI: return futex_lock_pi(uaddr, shared, 0, true);
	case FUTEX_UNLOCK_PI: return futex_unlock_pi(uaddr, shared);
	default: return -ENOSYS; /* the requeue-to-PI operations */
	}
}

/* futex_waitv: waits on up to 128 32-bit words at once until one is
 * woken (its index), with an absolute timeout on CLOCK_MONOTONIC or
 * CLOCK_REALTIME. Each word's flags: FUTEX2_SIZE_U32, FUTEX2_PRIVATE. */
#define FUTEX2_SIZE_U32 0x02
#define FUTEX2_SIZE_MASK 0x03
#define FUTEX2_PRIVATE FUTEX_PRIVATE_FLAG

long sys_futex_waitv(const struct futex_waitv *uv, unsigned n, unsigned flags,
		     const struct __kernel_timespec *timeout, int clockid)
{
	int64_t dl = 0;

	if (flags || !n || n > FUTEX_WAITV_MAX || !uv)
		return -EINVAL;
	if (timeout) {
		if (clockid != CLOCK_REALTIME && clockid != CLOCK_MONOTONIC)
			return -EINVAL;
		dl = deadline_of(timeout, true, clockid == CLOCK_REALTIME);
		if (dl < 0)
			return dl;
	}
	struct futex_vec *v = kmalloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	long err = 0;
	for (unsigned i = 0; i < n && !err; i++) {
		struct futex_waitv w;
		if (copy_from_user(&w, &uv[i], sizeof(w))) {
			err = -EFAULT;
			break;
		}
		if ((w.flags & ~(unsigned)(FUTEX2_SIZE_MASK | FUTEX2_PRIVATE)) || w.__reserved ||
		    (w.flags & FUTEX2_SIZE_MASK) != FUTEX2_SIZE_U32 || (w.val >> 32))
			err = -EINVAL;
		v[i].uaddr = w.uaddr;
		v[i].val = (uint32_t)w.val;
		v[i].shared = !(w.flags & FUTEX2_PRIVATE);
	}
	for (unsigned i = 0; i < n && !err; i++) /* every key before any value */
		err = key_ok((const uint32_t *)v[i].uaddr, v[i].shared);
	if (!err)
		err = futex_wait_multiple(v, n, (uint64_t)dl);
	kfree(v);
	return err;
}
