/* sys/io_uring.c: io_uring_setup, io_uring_enter and io_uring_register
 * over fs/io_uring.c's instances; the operations the requests run are
 * kernel/sys/io_uring_ops.c's. Rings are made with Linux's checks of the
 * parameters; setups this kernel does not do (a polling thread, polled
 * I/O, big SQEs or CQEs, rings made disabled) are EINVAL. */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/sys/io_uring_ops.h"
#include "fs/io_uring.h"
#include "fs/poll.h"
#include "fs/vfs.h"
#include <linux/time_types.h>

/* The setup flags Linux 6.1 knows, and those done here. */
#define SETUP_KNOWN 0x3fffu
#define SETUP_DONE \
	(IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP | IORING_SETUP_SUBMIT_ALL | \
	 IORING_SETUP_COOP_TASKRUN)

long sys_io_uring_setup(unsigned entries, struct io_uring_params *params)
{
	struct io_uring_params p;
	if (copy_from_user(&p, params, sizeof(p)))
		return -EFAULT;
	for (unsigned i = 0; i < sizeof(p.resv) / sizeof(p.resv[0]); i++)
		if (p.resv[i])
			return -EINVAL;
	if ((p.flags & ~SETUP_KNOWN) || (p.flags & ~SETUP_DONE))
		return -EINVAL;
	p.sq_entries = entries;
	struct file *f;
	int e = io_ring_new(&p, &f);
	if (e)
		return e;
	int fd = fd_alloc(f, 0, true); /* Linux: always O_CLOEXEC */
	if (fd < 0)
		return fd;
	if (copy_to_user(params, &p, sizeof(p))) {
		fd_close(fd);
		return -EFAULT;
	}
	return fd;
}

#define ENTER_KNOWN \
	(IORING_ENTER_GETEVENTS | IORING_ENTER_SQ_WAKEUP | IORING_ENTER_SQ_WAIT | \
	 IORING_ENTER_EXT_ARG)

/* EXT_ARG's struct: its signal mask (*sig, *sigsz) and timeout (a
 * time_ns() deadline in *deadline, 0: none). */
static long ext_arg(const void *arg, size_t argsz, const uint64_t **sig, size_t *sigsz,
		    uint64_t *deadline)
{
	struct io_uring_getevents_arg a;
	if (argsz != sizeof(a))
		return -EINVAL;
	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	*sig = (const uint64_t *)a.sigmask;
	*sigsz = a.sigmask_sz;
	if (a.ts) {
		/* as Linux: not checked; one not ahead is "now" */
		struct __kernel_timespec ts;
		if (copy_from_user(&ts, (const void *)a.ts, sizeof(ts)))
			return -EFAULT;
		int64_t ns = ts.tv_sec > INT64_MAX / 1000000000 - 1
				     ? INT64_MAX / 2
				     : ts.tv_sec * 1000000000 + ts.tv_nsec;
		*deadline = time_ns() + (uint64_t)MAX(ns, 0);
	}
	return 0;
}

long sys_io_uring_enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags,
			const void *arg, size_t argsz)
{
	if (flags & ~ENTER_KNOWN)
		return -EINVAL;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	struct io_ring *r = io_ring_of(f);
	if (!r)
		return -EOPNOTSUPP;
	const uint64_t *sig = arg;
	size_t sigsz = argsz;
	uint64_t deadline = 0;
	if ((flags & IORING_ENTER_GETEVENTS) && (flags & IORING_ENTER_EXT_ARG)) {
		long e = ext_arg(arg, argsz, &sig, &sigsz, &deadline);
		if (e)
			return e;
	}
	file_get(f); /* the instance stays while its requests run */
	long ret = io_ring_submit(r, to_submit, &io_uring_ops);
	if ((flags & IORING_ENTER_GETEVENTS) && ret >= 0) {
		long w = poll_sigmask_set(sig, sigsz);
		if (!w)
			w = io_ring_wait(r, min_complete, deadline, &io_uring_ops);
		poll_sigmask_done(sig, w);
		if (!ret)
			ret = w;
	}
	file_put(f);
	return ret;
}

long sys_io_uring_register(int fd, unsigned op, void *arg, unsigned nr)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	struct io_ring *r = io_ring_of(f);
	if (!r)
		return -EOPNOTSUPP;
	file_get(f);
	long e = io_ring_register(r, op, arg, nr, io_uring_supported);
	file_put(f);
	return e;
}
