/* sys/procmem.c: another process's memory: process_vm_readv and
 * process_vm_writev copy between the caller's iovecs and the target's,
 * through a kernel buffer a piece at a time (kernel/vm.c's
 * vm_copy_remote faults the target's pages in). A transfer stops at the
 * first remote page that is missing (or not writable) or local bytes that
 * fault: the bytes before it are the result, EFAULT when there are none. */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include <linux/uio.h>

#define CHUNK ((size_t)PAGE_SIZE)

/* The vector uiov[0..cnt) copied in; kfree it. remote: its bases are the
 * target's (not checked against ours). */
static struct iovec *iov_in(const struct iovec *uiov, unsigned long cnt, bool remote, long *err)
{
	size_t total;
	return iov_from_user(uiov, cnt, -EINVAL, INT64_MAX, !remote, &total, err);
}

/* A position in a vector. */
struct vpos {
	const struct iovec *v;
	unsigned long cnt, i;
	size_t at;
};

/* The next piece of at most max bytes at *p (0 at the end); moves on. */
static size_t next_piece(struct vpos *p, size_t max, uint64_t *addr)
{
	while (p->i < p->cnt && p->at == p->v[p->i].iov_len) {
		p->i++;
		p->at = 0;
	}
	if (p->i >= p->cnt)
		return 0;
	size_t n = MIN(max, p->v[p->i].iov_len - p->at);
	*addr = (uint64_t)p->v[p->i].iov_base + p->at;
	p->at += n;
	return n;
}

static long vm_rw(int pid, const struct iovec *ulv, unsigned long lcnt, const struct iovec *urv,
		  unsigned long rcnt, unsigned long flags, bool write)
{
	if (flags)
		return -EINVAL;
	long err;
	struct iovec *lv = iov_in(ulv, lcnt, false, &err);
	if (!lv)
		return err;
	size_t ltotal = 0;
	for (unsigned long i = 0; i < lcnt; i++)
		ltotal += lv[i].iov_len;
	if (ltotal == 0) {
		kfree(lv);
		return 0; /* as Linux: the remote vector is not read */
	}
	struct iovec *rv = iov_in(urv, rcnt, true, &err);
	if (!rv) {
		kfree(lv);
		return err;
	}
	struct proc *p = pid > 0 ? proc_find(pid) : NULL;
	uint8_t *buf = NULL;
	if (!p || !p->mm)
		err = -ESRCH;
	else if (!proc_may_access(p))
		err = -EPERM;
	else if (!(buf = kmalloc(CHUNK)))
		err = -ENOMEM;
	if (err) {
		kfree(lv);
		kfree(rv);
		return err;
	}
	struct mm *mm = p->mm;
	mm->refs++; /* kept if the target ends while a copy sleeps */
	struct vpos l = { lv, lcnt, 0, 0 }, r = { rv, rcnt, 0, 0 };
	size_t total = 0;
	bool stop = false;
	while (!stop) {
		/* a piece that is contiguous on both sides */
		uint64_t la, ra;
		size_t n = next_piece(&r, CHUNK, &ra);
		if (n == 0)
			break;
		size_t m = next_piece(&l, n, &la);
		if (m == 0)
			break;
		if (m < n) {
			r.at -= n - m; /* the rest of the remote piece next time */
			n = m;
		}
		size_t k;
		if (write) {
			k = copy_from_user_partial(buf, (const void *)la, n);
			size_t w = vm_copy_remote(mm, ra, buf, k, true);
			stop = w < n;
			k = w;
		} else {
			size_t got = vm_copy_remote(mm, ra, buf, n, false);
			k = copy_to_user_partial((void *)la, buf, got);
			stop = k < n;
		}
		total += k;
	}
	mm_put(mm);
	kfree(buf);
	kfree(lv);
	kfree(rv);
	return total ? (long)total : stop ? -EFAULT : 0;
}

long sys_process_vm_readv(int pid, const struct iovec *lvec, unsigned long liovcnt,
			  const struct iovec *rvec, unsigned long riovcnt, unsigned long flags)
{
	return vm_rw(pid, lvec, liovcnt, rvec, riovcnt, flags, false);
}

long sys_process_vm_writev(int pid, const struct iovec *lvec, unsigned long liovcnt,
			   const struct iovec *rvec, unsigned long riovcnt, unsigned long flags)
{
	return vm_rw(pid, lvec, liovcnt, rvec, riovcnt, flags, true);
}
