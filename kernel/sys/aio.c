/* sys/aio.c: the Linux AIO calls (io_setup, io_destroy, io_submit,
 * io_getevents, io_pgetevents, io_cancel) over fs/aio.c's contexts. Reads,
 * writes and syncs are done in io_submit and their events posted then
 * (Linux does the same for buffered I/O); an IOCB_CMD_POLL whose file is
 * not ready waits in the context (fs/aio.c), the only request io_cancel
 * can find. Reads and writes go through file_read/file_write (fs/rw.c). */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/sys/rw.h"
#include "fs/aio.h"
#include "fs/fdfiles.h"
#include "fs/poll.h"
#include "fs/vfs.h"
#include <linux/time_types.h>
#include <linux/uio.h>

#define NS 1000000000ull
#define KIOCB_KEY 0u

long sys_io_setup(unsigned nr_events, uint64_t *ctxp)
{
	uint64_t old;
	if (copy_from_user(&old, ctxp, sizeof(old)))
		return -EFAULT;
	if (old || nr_events == 0)
		return -EINVAL;
	struct aio_ctx *c;
	int e = aio_ctx_new(nr_events, &c);
	if (e)
		return e;
	uint64_t id = aio_ctx_id(c);
	if (copy_to_user(ctxp, &id, sizeof(id))) {
		aio_ctx_destroy(c);
		return -EFAULT;
	}
	return 0;
}

long sys_io_destroy(uint64_t ctx)
{
	struct aio_ctx *c = aio_ctx_find(ctx);
	if (!c)
		return -EINVAL;
	aio_ctx_destroy(c); /* nothing in flight: every request completed */
	return 0;
}

/* A read or write: the checks Linux makes before the I/O (their errors
 * are io_submit's), then the I/O (its result is the event's). */
static long do_rw(struct file *f, const struct iocb *cb, bool wr, bool vec, long *res)
{
	long how = rwf_how(cb->aio_rw_flags, wr);
	if (how < 0)
		return how;
	if ((how & FILE_IO_NOWAIT) && !S_ISFIFO(f->ino->mode) && !S_ISSOCK(f->ino->mode))
		return -EOPNOTSUPP;
	if (f->flags & O_PATH)
		return -EBADF;
	int e = file_rw_ok(f, wr);
	if (e)
		return e;
	bool stream = f->ops && (f->ops->flags & FOP_STREAM);
	if (!stream && (int64_t)cb->aio_offset < 0)
		return -EINVAL;
	void *buf = (void *)(uintptr_t)cb->aio_buf;
	if (vec ? cb->aio_nbytes > UIO_MAXIOV : !access_ok(buf, cb->aio_nbytes))
		return vec ? -EINVAL : -EFAULT;
	uint64_t pos = cb->aio_offset, *pp = stream ? NULL : &pos;
	file_get(f);
	if (vec)
		*res = rwv_file(f, buf, (int)cb->aio_nbytes, pp, wr, (unsigned)how);
	else if (wr)
		*res = file_write(f, buf, cb->aio_nbytes, pp, FILE_IO_USER | (unsigned)how);
	else
		*res = file_read(f, buf, cb->aio_nbytes, pp, FILE_IO_USER | (unsigned)how);
	file_put(f);
	return 0;
}

static long do_fsync(struct file *f, const struct iocb *cb, long *res)
{
	if (cb->aio_buf || cb->aio_offset || cb->aio_nbytes || cb->aio_rw_flags)
		return -EINVAL;
	if ((f->flags & O_PATH) || (f->ops && (f->ops->flags & FOP_STREAM)))
		return -EINVAL;
	*res = f->ops && f->ops->fsync ? f->ops->fsync(f, cb->aio_lio_opcode == IOCB_CMD_FDSYNC)
				       : 0;
	return 0;
}

/* One iocb, in Linux's order of checks: 0 (its event posted) or the
 * error io_submit reports. */
static long submit_one(struct aio_ctx *c, struct iocb *ucb)
{
	struct iocb cb;
	if (copy_from_user(&cb, ucb, sizeof(cb)))
		return -EFAULT;
	if (cb.aio_reserved2 || (int64_t)cb.aio_nbytes < 0)
		return -EINVAL;
	if (!aio_room(c))
		return -EAGAIN;
	struct file *f = fd_get((int)cb.aio_fildes), *resfd = NULL;
	if (!f)
		return -EBADF;
	if (cb.aio_flags & IOCB_FLAG_RESFD) {
		resfd = fd_get((int)cb.aio_resfd);
		if (!resfd)
			return -EBADF;
		if (!eventfd_is(resfd))
			return -EINVAL;
	}
	unsigned key = KIOCB_KEY;
	if (copy_to_user(&ucb->aio_key, &key, sizeof(key)))
		return -EFAULT;
	long res = 0, e;
	switch (cb.aio_lio_opcode) {
	case IOCB_CMD_PREAD:
	case IOCB_CMD_PWRITE:
	case IOCB_CMD_PREADV:
	case IOCB_CMD_PWRITEV:
		e = do_rw(f, &cb,
			  cb.aio_lio_opcode == IOCB_CMD_PWRITE ||
				  cb.aio_lio_opcode == IOCB_CMD_PWRITEV,
			  cb.aio_lio_opcode == IOCB_CMD_PREADV ||
				  cb.aio_lio_opcode == IOCB_CMD_PWRITEV,
			  &res);
		break;
	case IOCB_CMD_FSYNC:
	case IOCB_CMD_FDSYNC: e = do_fsync(f, &cb, &res); break;
	case IOCB_CMD_POLL:
		if (cb.aio_buf > 0xffff || cb.aio_offset || cb.aio_nbytes || cb.aio_rw_flags)
			return -EINVAL;
		return aio_poll_add(c, f, resfd, (uint64_t)(uintptr_t)ucb, cb.aio_data,
				    (unsigned)cb.aio_buf | EPOLLERR | EPOLLHUP);
	default: e = -EINVAL;
	}
	if (e)
		return e;
	struct io_event ev = { cb.aio_data, (uint64_t)(uintptr_t)ucb, res, 0 };
	if (resfd)
		file_get(resfd); /* the I/O may have closed it; not here */
	aio_post(c, &ev, resfd);
	if (resfd)
		file_put(resfd);
	return 0;
}

long sys_io_submit(uint64_t ctx, long nr, struct iocb **iocbpp)
{
	if (nr < 0)
		return -EINVAL;
	struct aio_ctx *c = aio_ctx_find(ctx);
	if (!c)
		return -EINVAL;
	aio_poll_check(c);
	long i, e = 0;
	for (i = 0; i < nr; i++) {
		struct iocb *ucb;
		if (copy_from_user(&ucb, iocbpp + i, sizeof(ucb))) {
			e = -EFAULT;
			break;
		}
		e = submit_one(c, ucb);
		if (e)
			break;
		c = aio_ctx_find(ctx); /* an I/O may not end it, but be sure */
		if (!c)
			break;
	}
	return i ? i : e;
}

long sys_io_cancel(uint64_t ctx, struct iocb *iocb, struct io_event *result)
{
	(void)result;
	unsigned key;
	if (copy_from_user(&key, &iocb->aio_key, sizeof(key)))
		return -EFAULT;
	struct aio_ctx *c = aio_ctx_find(ctx);
	if (key != KIOCB_KEY || !c)
		return -EINVAL;
	/* as Linux since 5.0: the event comes through the ring */
	int e = aio_poll_cancel(c, (uint64_t)(uintptr_t)iocb);
	return e ? e : -EINPROGRESS;
}

/* io_getevents: at least min_nr events (fewer at the deadline), at most
 * nr; -EINTR for a signal before any. */
static long getevents(uint64_t ctx, long min_nr, long nr, struct io_event *events,
		      const struct __kernel_timespec *ts)
{
	struct aio_ctx *c = aio_ctx_find(ctx);
	if (!c || min_nr < 0 || min_nr > nr)
		return -EINVAL;
	uint64_t deadline = 0;
	bool poll_only = false;
	if (ts) {
		if (ts->tv_sec < 0 || (ts->tv_sec == 0 && ts->tv_nsec <= 0))
			poll_only = true;
		else
			deadline = time_ns() + (uint64_t)ts->tv_sec * NS + (uint64_t)ts->tv_nsec;
	}
	long got = 0;
	for (;;) {
		aio_poll_check(c);
		long r = aio_reap(c, events + got, nr - got);
		if (r < 0)
			return got ? got : r;
		got += r;
		if (got >= min_nr || poll_only)
			return got;
		int w = aio_wait(deadline);
		c = aio_ctx_find(ctx);
		if (!c)
			return got ? got : -EINVAL;
		if (w == WAKE_TIMEOUT)
			poll_only = true;
		else if (w == WAKE_SIGNAL && !got)
			return -EINTR;
		else if (w == WAKE_SIGNAL)
			return got;
	}
}

long sys_io_getevents(uint64_t ctx, long min_nr, long nr, struct io_event *events,
		      struct __kernel_timespec *timeout)
{
	struct __kernel_timespec ts;
	if (timeout && copy_from_user(&ts, timeout, sizeof(ts)))
		return -EFAULT;
	return getevents(ctx, min_nr, nr, events, timeout ? &ts : NULL);
}

struct aio_sigset {
	const uint64_t *sigmask;
	size_t sigsetsize;
};

long sys_io_pgetevents(uint64_t ctx, long min_nr, long nr, struct io_event *events,
		       struct __kernel_timespec *timeout, const void *usig)
{
	struct __kernel_timespec ts;
	if (timeout && copy_from_user(&ts, timeout, sizeof(ts)))
		return -EFAULT;
	struct aio_sigset ss = { NULL, 0 };
	if (usig && copy_from_user(&ss, usig, sizeof(ss)))
		return -EFAULT;
	long e = poll_sigmask_set(ss.sigmask, ss.sigsetsize);
	if (e)
		return e;
	long r = getevents(ctx, min_nr, nr, events, timeout ? &ts : NULL);
	poll_sigmask_done(ss.sigmask, r);
	return r;
}
