/* userfaultfd.c: userfaultfd objects. Each serves one address space (the
 * creator's, until it is freed): areas registered with it (struct vma's
 * uffd; anonymous memory, private or MAP_SHARED) send their missing-page
 * faults here.
 * A faulting thread queues a message (UFFD_EVENT_PAGEFAULT) that read()
 * hands out once, and sleeps until a UFFDIO_COPY or UFFDIO_ZEROPAGE that
 * fills its page, a UFFDIO_WAKE or an unregistration covering its address
 * wakes it, or the file is closed (the areas then fault as usual); then
 * the access runs again. A signal ends a user access's wait; the kernel's
 * copies wait on but for a fatal one. The ioctls follow Linux's checks and errors.
 * /dev/userfaultfd's ioctl makes them too. */
#include "kernel/userfaultfd.h"
#include "kernel/vm.h"
#include "kernel/vmpte.h"
#include "kernel/proc.h"
#include "kernel/pmem.h"
#include "kernel/shmem.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "fs/anon.h"
#include "fs/poll.h"
#include "fs/pseudo.h"
#include <linux/userfaultfd.h>

/* What htux does: missing pages of anonymous memory, private or shared,
 * the faults as signals instead, the thread id and the exact address in
 * messages. */
#define FEATURES \
	(UFFD_FEATURE_MISSING_SHMEM | UFFD_FEATURE_SIGBUS | UFFD_FEATURE_THREAD_ID | \
	 UFFD_FEATURE_EXACT_ADDRESS)
#define API_IOCTLS \
	((1ull << _UFFDIO_API) | (1ull << _UFFDIO_REGISTER) | (1ull << _UFFDIO_UNREGISTER))
/* the requests' numbers (_IOWR and the like need <sys/ioctl.h>'s sizes) */
#define REQ_API 0xc018aa3fu        /* _IOWR(UFFDIO, _UFFDIO_API, struct uffdio_api) */
#define REQ_REGISTER 0xc020aa00u   /* _IOWR(..., struct uffdio_register) */
#define REQ_UNREGISTER 0x8010aa01u /* _IOR(..., struct uffdio_range) */
#define REQ_WAKE 0x8010aa02u       /* _IOR(..., struct uffdio_range) */
#define REQ_COPY 0xc028aa03u       /* _IOWR(..., struct uffdio_copy) */
#define REQ_ZEROPAGE 0xc020aa04u   /* _IOWR(..., struct uffdio_zeropage) */
#define RANGE_IOCTLS ((1ull << _UFFDIO_WAKE) | (1ull << _UFFDIO_COPY) | (1ull << _UFFDIO_ZEROPAGE))

/* A thread asleep in a fault (on its own stack). */
struct uffd_wait {
	struct uffd_wait *next;
	uint64_t addr;  /* the address that faulted */
	uint64_t flags; /* UFFD_PAGEFAULT_FLAG_* */
	int tid;
	bool read;  /* its message was read */
	bool woken; /* its page was filled, or it was woken */
};

struct uffd {
	struct pollsrc src; /* first: FOP_POLLSRC */
	struct mm *mm;      /* served; NULL once freed */
	struct uffd *mm_next;
	int flags;         /* UFFD_USER_MODE_ONLY */
	uint64_t features; /* asked for at UFFDIO_API */
	bool ready;        /* UFFDIO_API done */
	bool released;     /* the file is closed */
	int refs;          /* the file's, and one for each sleeping thread */
	struct uffd_wait *waits;
	struct waitq rq; /* readers */
	struct waitq fq; /* faulting threads */
};

static void uffd_put(struct uffd *u)
{
	if (--u->refs == 0)
		kfree(u);
}

void gen_sys_unpriv_uffd(struct sbuf *sb) { sb_str(sb, UFFD_UNPRIVILEGED ? "1\n" : "0\n"); }

void uffd_mm_gone(struct mm *mm)
{
	for (struct uffd *u = mm->uffds; u; u = u->mm_next)
		u->mm = NULL;
	mm->uffds = NULL;
}

/* ---- faults */

int uffd_fault(struct vma *v, uint64_t addr, uint64_t err)
{
	struct uffd *u = v->uffd;
	bool user = err & PF_USER;
	if (u->features & UFFD_FEATURE_SIGBUS)
		return user ? VM_FAULT_SIGBUS : -1;
	if ((!user && (u->flags & UFFD_USER_MODE_ONLY)) || cur_thread->exiting || current->exiting)
		return -1;
	struct uffd_wait w = { .addr = addr,
			       .flags = (err & PF_WRITE) ? UFFD_PAGEFAULT_FLAG_WRITE : 0,
			       .tid = cur_thread->tid };
	struct uffd_wait **pp = &u->waits;
	while (*pp)
		pp = &(*pp)->next;
	*pp = &w;
	u->refs++;
	waitq_wake_all(&u->rq);
	poll_notify(&u->src, POLL_KEY_IN);
	/* A signal ends the program's wait: its access runs again after the
	 * handler (and faults again). A copy in the kernel waits on through
	 * signals with handlers and fails (EFAULT) only for a fatal one,
	 * as Linux's fault_signal_pending: the call completes, then the
	 * handler runs. */
	bool fatal = false;
	while (!w.woken && !u->released) {
		if (user) {
			if (waitq_wait(&u->fq, 0) == WAKE_SIGNAL)
				break;
		} else if ((fatal = signal_fatal_pending(cur_thread))) {
			break;
		} else {
			waitq_wait_nosig(&u->fq);
		}
	}
	for (pp = &u->waits; *pp; pp = &(*pp)->next)
		if (*pp == &w) {
			*pp = w.next;
			break;
		}
	uffd_put(u);
	return fatal ? -1 : 0;
}

/* Wakes the threads whose fault address is in [start, start+len). */
static void wake_range(struct uffd *u, uint64_t start, uint64_t len)
{
	bool any = false;
	for (struct uffd_wait *w = u->waits; w; w = w->next)
		if (w->addr >= start && w->addr - start < len) {
			w->woken = true;
			any = true;
		}
	if (any)
		waitq_wake_all(&u->fq);
}

/* ---- the file */

static ssize_t uffd_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct uffd *u = f->priv;
	if (!u->ready || n < sizeof(struct uffd_msg))
		return -EINVAL;
	size_t done = 0;
	while (n - done >= sizeof(struct uffd_msg)) {
		struct uffd_wait *w = u->waits;
		while (w && (w->read || w->woken))
			w = w->next;
		if (!w) {
			if (done)
				break;
			if (f->flags & O_NONBLOCK)
				return -EAGAIN;
			if (waitq_wait(&u->rq, 0) == WAKE_SIGNAL)
				return -EINTR;
			continue;
		}
		struct uffd_msg m;
		memset(&m, 0, sizeof(m));
		m.event = UFFD_EVENT_PAGEFAULT;
		m.arg.pagefault.flags = w->flags;
		m.arg.pagefault.address = (u->features & UFFD_FEATURE_EXACT_ADDRESS)
						  ? w->addr
						  : PAGE_DOWN(w->addr);
		if (u->features & UFFD_FEATURE_THREAD_ID)
			m.arg.pagefault.feat.ptid = (uint32_t)w->tid;
		/* read before the copy, which may sleep: w may be gone then */
		w->read = true;
		if (xcopy_out((uint8_t *)buf + done, &m, sizeof(m), user))
			return done ? (ssize_t)done : -EFAULT;
		done += sizeof(m);
	}
	return (ssize_t)done;
}

static unsigned uffd_poll(struct file *f)
{
	struct uffd *u = f->priv;
	/* as Linux: a blocking descriptor is an error to poll, since a
	 * fault may be woken before its message is read */
	if (!u->ready || !(f->flags & O_NONBLOCK))
		return EPOLLERR;
	for (struct uffd_wait *w = u->waits; w; w = w->next)
		if (!w->read && !w->woken)
			return EPOLLIN | EPOLLRDNORM;
	return 0;
}

static void uffd_release(struct file *f)
{
	struct uffd *u = f->priv;
	u->released = true;
	if (u->mm) {
		for (struct vma *v = u->mm->vmas; v; v = v->next)
			if (v->uffd == u)
				v->uffd = NULL;
		for (struct uffd **pp = &u->mm->uffds; *pp; pp = &(*pp)->mm_next)
			if (*pp == u) {
				*pp = u->mm_next;
				break;
			}
	}
	waitq_wake_all(&u->fq);
	poll_release(f);
	uffd_put(u);
}

/* ---- ioctls */

/* Linux's validate_range: a page-aligned, non-empty range of user space
 * above mmap_min_addr. */
static bool range_ok(uint64_t start, uint64_t len)
{
	return !(start & (PAGE_SIZE - 1)) && !(len & (PAGE_SIZE - 1)) && len &&
	       start >= USER_MMAP_MIN && start < USER_TOP && len <= USER_TOP - start;
}

/* Whether v's missing pages can come from a userfaultfd: anonymous
 * memory, private or shared (not a System V segment's). */
static bool can_register(const struct vma *v)
{
	if (VMA_SPECIAL(v) || v->kind == VMA_SHM)
		return false;
	return !v->file || (vma_shared(v) && shmem_is(v->file));
}

static long api(struct uffd *u, struct uffdio_api *ua)
{
	struct uffdio_api a;
	if (copy_from_user(&a, ua, sizeof(a)))
		return -EFAULT;
	uint64_t want = a.features;
	long err = -EINVAL;
	if (a.api != UFFD_API)
		goto fail;
	a.features = FEATURES;
	a.ioctls = API_IOCTLS;
	if (want & ~FEATURES)
		goto fail;
	if (copy_to_user(ua, &a, sizeof(a)))
		return -EFAULT;
	if (u->ready)
		goto fail; /* once only */
	u->features = want;
	u->ready = true;
	return 0;
fail:
	memset(&a, 0, sizeof(a));
	return copy_to_user(ua, &a, sizeof(a)) ? -EFAULT : err;
}

/* The first area of mm meeting [start, end), which every area there must
 * be able to take (else -EINVAL). */
static long check_areas(struct mm *mm, uint64_t start, uint64_t end, struct uffd *u)
{
	struct vma *v = mm->vmas;
	while (v && v->end <= start)
		v = v->next;
	if (!v || v->start >= end)
		return -EINVAL;
	for (; v && v->start < end; v = v->next) {
		if (!can_register(v))
			return -EINVAL;
		if (u && v->uffd && v->uffd != u)
			return -EBUSY;
	}
	return 0;
}

static long do_register(struct uffd *u, struct uffdio_register *ur)
{
	struct uffdio_register r;
	if (copy_from_user(&r, ur, sizeof(r) - sizeof(r.ioctls)))
		return -EFAULT;
	/* write-protect and minor faults are not done here */
	if (r.mode != UFFDIO_REGISTER_MODE_MISSING)
		return -EINVAL;
	if (!range_ok(r.range.start, r.range.len))
		return -EINVAL;
	if (!u->mm)
		return -ENOMEM;
	uint64_t end = r.range.start + r.range.len;
	long e = check_areas(u->mm, r.range.start, end, u);
	if (!e)
		e = vm_set_uffd(u->mm, r.range.start, end, u);
	if (e)
		return e;
	uint64_t ioctls = RANGE_IOCTLS;
	return put_user(ioctls, &ur->ioctls);
}

static long do_unregister(struct uffd *u, struct uffdio_range *ur)
{
	struct uffdio_range r;
	if (copy_from_user(&r, ur, sizeof(r)))
		return -EFAULT;
	if (!range_ok(r.start, r.len))
		return -EINVAL;
	if (!u->mm)
		return -ENOMEM;
	uint64_t end = r.start + r.len;
	long e = check_areas(u->mm, r.start, end, NULL);
	if (e)
		return e;
	/* the threads asleep there fault as usual now */
	for (struct vma *v = u->mm->vmas; v && v->start < end; v = v->next)
		if (v->end > r.start && v->uffd)
			wake_range(v->uffd, r.start, r.len);
	return vm_set_uffd(u->mm, r.start, end, NULL);
}

/* Puts a page (src's bytes, or zeros for src 0) at each page of [dst,
 * dst+len) in u's address space, where nothing is: the bytes done, or
 * -errno if none were. */
static long fill(struct uffd *u, uint64_t dst, const void *src, uint64_t len)
{
	struct mm *mm = u->mm;
	struct vma *v = vm_find(mm, dst);
	if (!v || !v->uffd || dst + len > v->end)
		return -ENOENT;
	uint64_t done = 0;
	long err = 0;
	while (done < len) {
		uint64_t va = dst + done;
		uint64_t pa = pmem_alloc_zeroed();
		if (!pa) {
			err = -ENOMEM;
			break;
		}
		/* the copy may sleep: the areas are looked at afterwards */
		if (src &&
		    copy_from_user(phys_to_virt(pa), (const uint8_t *)src + done, PAGE_SIZE)) {
			pmem_free(pa);
			err = -EFAULT;
			break;
		}
		v = u->mm == mm ? vm_find(mm, va) : NULL;
		uint64_t *pte = v && v->uffd ? paging_walk(mm->pml4, va, true) : NULL;
		if (!pte || (*pte & PTE_ADDR)) {
			pmem_free(pa);
			err = !v || !v->uffd ? -ENOENT : pte ? -EEXIST : -ENOMEM;
			break;
		}
		/* a shared object's page is its own, for every mapping */
		int e = vma_shared(v)
				? shmem_add_page(v->file, (v->file_off + va - v->start) / PAGE_SIZE,
						 pa)
				: 0;
		if (e) {
			pmem_free(pa);
			err = e;
			break;
		}
		*pte = pa | paging_user_flags(v->prot);
		mm->mapped_pages++;
		if (current && current->mm == mm)
			invlpg(va);
		done += PAGE_SIZE;
	}
	return done ? (long)done : err;
}

/* UFFDIO_COPY (src set) and UFFDIO_ZEROPAGE (src NULL): the result also
 * goes to *res, the bytes done or -errno; the call is 0 when all were
 * done, -EAGAIN when only part. */
static long do_fill(struct uffd *u, uint64_t dst, const void *src, uint64_t len, uint64_t mode,
		    __s64 *res)
{
	if (!range_ok(dst, len))
		return -EINVAL;
	if (mode & ~(uint64_t)UFFDIO_COPY_MODE_DONTWAKE)
		return -EINVAL;
	if (!u->mm)
		return -ESRCH;
	long r = fill(u, dst, src, len);
	if (put_user((__s64)r, res))
		return -EFAULT;
	if (r < 0)
		return r;
	if (!(mode & UFFDIO_COPY_MODE_DONTWAKE))
		wake_range(u, dst, (uint64_t)r);
	return (uint64_t)r == len ? 0 : -EAGAIN;
}

static long uffd_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	struct uffd *u = f->priv;
	void *p = (void *)arg;
	if (req == REQ_API)
		return api(u, p);
	if (!u->ready)
		return -EINVAL;
	switch (req) {
	case REQ_REGISTER: return do_register(u, p);
	case REQ_UNREGISTER: return do_unregister(u, p);
	case REQ_WAKE: {
		struct uffdio_range r;
		if (copy_from_user(&r, p, sizeof(r)))
			return -EFAULT;
		if (!range_ok(r.start, r.len))
			return -EINVAL;
		wake_range(u, r.start, r.len);
		return 0;
	}
	case REQ_COPY: {
		struct uffdio_copy c;
		struct uffdio_copy *uc = p;
		if (copy_from_user(&c, uc, sizeof(c) - sizeof(c.copy)))
			return -EFAULT;
		/* the source need not be aligned */
		if (!range_ok(PAGE_DOWN(c.src), c.len) || c.len > USER_TOP - c.src)
			return -EINVAL;
		return do_fill(u, c.dst, (const void *)c.src, c.len, c.mode, &uc->copy);
	}
	case REQ_ZEROPAGE: {
		struct uffdio_zeropage z;
		struct uffdio_zeropage *uz = p;
		if (copy_from_user(&z, uz, sizeof(z) - sizeof(z.zeropage)))
			return -EFAULT;
		return do_fill(u, z.range.start, NULL, z.range.len, z.mode, &uz->zeropage);
	}
	default: return -EINVAL;
	}
}

static const struct file_ops uffd_fops = {
	.read = uffd_read,
	.poll = uffd_poll,
	.ioctl = uffd_ioctl,
	.release = uffd_release,
	.flags = FOP_STREAM | FOP_POLLSRC,
};

struct file *uffd_new(struct mm *mm, int flags)
{
	struct uffd *u = kzalloc(sizeof(*u));
	if (!u)
		return NULL;
	u->mm = mm;
	u->flags = flags & UFFD_USER_MODE_ONLY;
	u->refs = 1;
	struct file *f = anon_file("userfaultfd", &uffd_fops, u, O_RDWR | (flags & O_NONBLOCK));
	if (!f) {
		kfree(u);
		return NULL;
	}
	u->mm_next = mm->uffds;
	mm->uffds = u;
	return f;
}

/* /dev/userfaultfd: USERFAULTFD_IOC_NEW makes one (for whoever may open
 * the device, so with kernel faults too) */
static long uffd_dev_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	if (req != 0xaa00) /* USERFAULTFD_IOC_NEW: _IO(0xaa, 0) */
		return -EINVAL;
	if (arg & ~(unsigned long)(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY))
		return -EINVAL;
	struct file *u = uffd_new(current->mm, (int)arg);
	if (!u)
		return -ENOMEM;
	return fd_alloc(u, 0, arg & O_CLOEXEC);
}

const struct file_ops uffd_dev_fops = { .ioctl = uffd_dev_ioctl };
