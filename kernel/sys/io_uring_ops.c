/* sys/io_uring_ops.c: the io_uring operations, issued by fs/io_uring.c
 * through the entry points of the calls they stand for: the file layer's
 * file_read/file_write and readv's rwv_file, the socket calls on an open
 * file (net/socket.h), openat, close, statx, splice, and the calls on
 * paths and descriptors that never wait (fallocate, fadvise, madvise,
 * sync_file_range, openat2, epoll_ctl, renameat2, unlinkat, mkdirat,
 * symlinkat, linkat, socket: by descriptor only, IOSQE_FIXED_FILE is
 * EBADF for them). Nothing here blocks:
 * reads, writes, socket calls and splices run as with O_NONBLOCK, and
 * where that would be EAGAIN (EINPROGRESS for connect) the request waits
 * for its file's readiness and is issued again then (unless the program
 * asked not to wait: RWF_NOWAIT, MSG_DONTWAIT, an O_NONBLOCK file, as
 * Linux answers EAGAIN there too). Bad descriptors, addresses, opcodes
 * and flags are the CQE's -EBADF, -EFAULT, -EINVAL. */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/sys/io_uring_ops.h"
#include "kernel/sys/rw.h"
#include "fs/io_uring.h"
#include "fs/poll.h"
#include "fs/pipe.h"
#include "fs/vfs.h"
#include "net/socket.h"
#include "net/abi.h"
#include <linux/uio.h>

#define SQE_FLAGS 0x7fu /* IOSQE_* Linux knows */
#define SPLICE_F_NONBLOCK 2u

static long wait_for(struct io_req *q, struct file *f, unsigned events)
{
	q->pf = f;
	q->events = events;
	return IOU_WAIT;
}

/* The request's file (looked up once: a retry keeps it). */
static struct file *req_file(struct io_ring *r, struct io_req *q)
{
	if (!q->f)
		q->f = io_req_file(r, q, q->sqe.fd);
	return q->f;
}

static bool stream(struct file *f) { return f->ops && (f->ops->flags & FOP_STREAM); }

enum { RW_PLAIN, RW_VEC, RW_FIXED };

static long op_rw(struct io_ring *r, struct io_req *q, bool wr, int kind)
{
	struct file *f = req_file(r, q);
	if (!f)
		return -EBADF;
	long how = rwf_how(q->sqe.op_flags, wr);
	if (how < 0)
		return how;
	bool nowait = (how & FILE_IO_NOWAIT) || (f->flags & O_NONBLOCK);
	how |= FILE_IO_NOWAIT;
	uint64_t pos = q->sqe.off;
	uint64_t *pp = pos == UINT64_MAX || stream(f) ? NULL : &pos;
	void *buf = (void *)q->sqe.addr;
	long res;
	if (kind == RW_FIXED) {
		int e = io_ring_buffer(r, q->sqe.buf_index, q->sqe.addr, q->sqe.len);
		if (e)
			return e;
	}
	if (kind == RW_VEC)
		res = rwv_file(f, buf, (int)q->sqe.len, pp, wr, (unsigned)how);
	else if (wr)
		res = file_write(f, buf, q->sqe.len, pp, FILE_IO_USER | (unsigned)how);
	else
		res = file_read(f, buf, q->sqe.len, pp, FILE_IO_USER | (unsigned)how);
	if (res == -EAGAIN && !nowait)
		return wait_for(q, f, wr ? EPOLLOUT : EPOLLIN);
	if (kind != RW_VEC && res >= 0 && (uint64_t)res < q->sqe.len)
		q->fail = true; /* a short transfer breaks a chain, as on Linux */
	return res;
}

static long op_poll_add(struct io_ring *r, struct io_req *q)
{
	struct file *f = req_file(r, q);
	if (!f)
		return -EBADF;
	unsigned ev = q->sqe.op_flags;
	unsigned m = file_poll(f) & (ev | EPOLLERR | EPOLLHUP);
	return m ? (long)m : wait_for(q, f, ev);
}

static long op_timeout(struct io_ring *r, struct io_req *q)
{
	unsigned fl = q->sqe.op_flags;
	int64_t ns;
	int e = timespec_from_user((const void *)q->sqe.addr, &ns);
	if (e)
		return e;
	uint64_t now = time_ns(), d;
	if (!(fl & IORING_TIMEOUT_ABS))
		d = now + (uint64_t)ns;
	else if (fl & IORING_TIMEOUT_REALTIME)
		d = ns > realtime_now_ns() ? now + (uint64_t)(ns - realtime_now_ns()) : now;
	else
		d = (uint64_t)ns;
	q->deadline = d ? d : 1;
	if (q->sqe.off)
		q->count = io_ring_completions(r) + q->sqe.off;
	return IOU_WAIT;
}

/* accept, connect, send, recv, sendmsg, recvmsg. */
static long op_sock(struct io_ring *r, struct io_req *q, int call, unsigned events)
{
	struct file *f = req_file(r, q);
	if (!f)
		return -EBADF;
	const struct io_uring_sqe *s = &q->sqe;
	int flags = (int)s->op_flags;
	bool nowait = f->flags & O_NONBLOCK;
	long res;
	switch (call) {
	case SOCK_CALL_ACCEPT:
		res = sock_file_call(f, call, (void *)s->addr, (void *)s->off, 0, flags);
		break;
	case SOCK_CALL_CONNECT:
		res = sock_file_call(f, call, (void *)s->addr, NULL, s->off, 0);
		if (q->retry && res == -EISCONN)
			res = 0; /* the connection the first try started is made */
		if (res == -EINPROGRESS || res == -EALREADY)
			return nowait ? res : wait_for(q, f, EPOLLOUT);
		return res;
	default:
		nowait |= (flags & MSG_DONTWAIT) != 0;
		res = sock_file_call(f, call, (void *)s->addr, NULL, s->len, flags);
	}
	if (res == -EAGAIN && !nowait)
		return wait_for(q, f, events);
	return res;
}

static long op_splice(struct io_ring *r, struct io_req *q)
{
	const struct io_uring_sqe *s = &q->sqe;
	unsigned fl = s->op_flags;
	struct file *out = req_file(r, q);
	if (!out)
		return -EBADF;
	if (!q->f2) {
		struct io_req fix = { .sqe.flags = (fl & SPLICE_F_FD_IN_FIXED) ? IOSQE_FIXED_FILE
									       : 0 };
		q->f2 = io_req_file(r, &fix, s->file_index);
		if (!q->f2)
			return -EBADF;
	}
	struct file *in = q->f2;
	fl &= ~SPLICE_F_FD_IN_FIXED;
	int64_t offin = (int64_t)s->addr, offout = (int64_t)s->off;
	long res = splice_files(in, s->addr == UINT64_MAX ? NULL : &offin, out,
				s->off == UINT64_MAX ? NULL : &offout, s->len,
				fl | SPLICE_F_NONBLOCK, true);
	if (res != -EAGAIN || (fl & SPLICE_F_NONBLOCK) || ((in->flags | out->flags) & O_NONBLOCK))
		return res;
	if (file_is_pipe(in) && !(file_poll(in) & EPOLLIN))
		return wait_for(q, in, EPOLLIN);
	return wait_for(q, out, EPOLLOUT);
}

static long op_close(struct io_ring *r, struct io_req *q)
{
	(void)r;
	const struct io_uring_sqe *s = &q->sqe;
	struct file *f = fd_get(s->fd);
	if (!f || io_ring_of(f))
		return -EBADF; /* Linux: not a ring through itself */
	return sys_close(s->fd);
}

#define OP(x) (1ull << IORING_OP_##x)
static const uint64_t supported = OP(NOP) | OP(READV) | OP(WRITEV) | OP(FSYNC) | OP(READ_FIXED) |
				  OP(WRITE_FIXED) | OP(POLL_ADD) | OP(POLL_REMOVE) |
				  OP(SYNC_FILE_RANGE) | OP(SENDMSG) | OP(RECVMSG) | OP(TIMEOUT) |
				  OP(TIMEOUT_REMOVE) | OP(ACCEPT) | OP(ASYNC_CANCEL) | OP(CONNECT) |
				  OP(FALLOCATE) | OP(OPENAT) | OP(CLOSE) | OP(STATX) | OP(READ) |
				  OP(WRITE) | OP(FADVISE) | OP(MADVISE) | OP(SEND) | OP(RECV) |
				  OP(OPENAT2) | OP(EPOLL_CTL) | OP(SPLICE) | OP(SHUTDOWN) |
				  OP(RENAMEAT) | OP(UNLINKAT) | OP(MKDIRAT) | OP(SYMLINKAT) |
				  OP(LINKAT) | OP(SOCKET);

bool io_uring_supported(unsigned op) { return op < 64 && (supported >> op & 1); }

/* The checks Linux makes as it takes the SQE (its prep): 0 or -errno. */
static long io_uring_prep(struct io_ring *r, struct io_req *q)
{
	const struct io_uring_sqe *s = &q->sqe;
	unsigned fl = s->op_flags;
	if (!io_uring_supported(s->opcode) || (s->flags & ~SQE_FLAGS) ||
	    (s->flags & IOSQE_BUFFER_SELECT) || s->personality)
		return -EINVAL;
	bool fixed = s->flags & IOSQE_FIXED_FILE;
	switch (s->opcode) {
	case IORING_OP_READ_FIXED:
	case IORING_OP_WRITE_FIXED: return io_ring_has_buffer(r, s->buf_index) ? 0 : -EFAULT;
	case IORING_OP_FSYNC: return fl & ~IORING_FSYNC_DATASYNC ? -EINVAL : 0;
	case IORING_OP_POLL_ADD:
		return s->len || s->addr || s->off ? -EINVAL : 0; /* no multishot, updates */
	case IORING_OP_POLL_REMOVE: return s->len || fl ? -EINVAL : 0;
	case IORING_OP_TIMEOUT: {
		int64_t ns;
		if (s->len != 1 || s->buf_index)
			return -EINVAL;
		if (fl & ~(IORING_TIMEOUT_ABS | IORING_TIMEOUT_BOOTTIME | IORING_TIMEOUT_REALTIME |
			   IORING_TIMEOUT_ETIME_SUCCESS))
			return -EINVAL;
		if ((fl & IORING_TIMEOUT_BOOTTIME) && (fl & IORING_TIMEOUT_REALTIME))
			return -EINVAL;
		return timespec_from_user((const void *)s->addr, &ns);
	}
	case IORING_OP_TIMEOUT_REMOVE: return fl || s->len ? -EINVAL : 0;
	case IORING_OP_ACCEPT: return s->ioprio || s->file_index || s->len ? -EINVAL : 0;
	case IORING_OP_CONNECT: return s->len || fl || s->buf_index ? -EINVAL : 0;
	case IORING_OP_SEND:
	case IORING_OP_RECV:
	case IORING_OP_SENDMSG:
	case IORING_OP_RECVMSG: return s->ioprio ? -EINVAL : 0; /* IORING_RECVSEND_* are not done */
	case IORING_OP_OPENAT:
		if (s->file_index || s->buf_index)
			return -EINVAL; /* no direct descriptors */
		return fixed ? -EINVAL : 0;
	case IORING_OP_CLOSE:
		if (s->off || s->addr || s->len || fl || s->buf_index || s->file_index)
			return -EINVAL;
		return fixed ? -EBADF : 0;
	case IORING_OP_STATX: return fixed ? -EBADF : 0;
	case IORING_OP_ASYNC_CANCEL:
		if (s->off || s->len || s->file_index || (fl & ~(IO_CANCEL_ALL | IO_CANCEL_ANY)))
			return -EINVAL; /* no cancel by descriptor or opcode */
		return 0;
	case IORING_OP_SHUTDOWN:
		return s->off || s->addr || fl || s->buf_index || s->file_index || s->addr3
			       ? -EINVAL
			       : 0;
	case IORING_OP_SOCKET: return s->addr || fl || s->buf_index || s->file_index ? -EINVAL : 0;
	case IORING_OP_UNLINKAT:
		if (fl & ~AT_REMOVEDIR)
			return -EINVAL;
		/* fall through */
	case IORING_OP_RENAMEAT:
	case IORING_OP_MKDIRAT:
	case IORING_OP_SYMLINKAT:
	case IORING_OP_LINKAT:
		if (s->buf_index || s->file_index)
			return -EINVAL;
		return fixed ? -EBADF : 0;
	case IORING_OP_FALLOCATE:
		if (s->buf_index || fl || s->file_index)
			return -EINVAL;
		/* fall through */
	case IORING_OP_FADVISE:
	case IORING_OP_SYNC_FILE_RANGE:
	case IORING_OP_EPOLL_CTL:
	case IORING_OP_OPENAT2: return fixed ? -EBADF : 0; /* done by descriptor: no fixed files */
	}
	return 0;
}

static long op_cancel(struct io_ring *r, const struct io_uring_sqe *s)
{
	int n = io_ring_cancel(r, s->addr, -1, s->op_flags);
	return n < 0 || (s->op_flags & (IO_CANCEL_ALL | IO_CANCEL_ANY)) ? n : 0;
}

/* The calls on paths and descriptors that complete at once. */
static long op_call(const struct io_uring_sqe *s)
{
	const char *a = (const char *)s->addr, *b = (const char *)s->off;
	int fl = (int)s->op_flags;
	switch (s->opcode) {
	case IORING_OP_FALLOCATE:
		return sys_fallocate(s->fd, (int)s->len, (int64_t)s->off, (int64_t)s->addr);
	case IORING_OP_FADVISE: return sys_fadvise64(s->fd, (int64_t)s->off, s->len, fl);
	case IORING_OP_MADVISE: return sys_madvise(s->addr, s->len, fl);
	case IORING_OP_SYNC_FILE_RANGE:
		return sys_sync_file_range(s->fd, (int64_t)s->off, s->len, s->op_flags);
	case IORING_OP_OPENAT2: return sys_openat2(s->fd, a, (const struct open_how *)b, s->len);
	case IORING_OP_EPOLL_CTL:
		return sys_epoll_ctl(s->fd, (int)s->len, (int)s->off, (struct epoll_event *)a);
	case IORING_OP_RENAMEAT: return sys_renameat2(s->fd, a, (int)s->len, b, s->op_flags);
	case IORING_OP_UNLINKAT: return sys_unlinkat(s->fd, a, fl);
	case IORING_OP_MKDIRAT: return sys_mkdirat(s->fd, a, (int)s->len);
	case IORING_OP_SYMLINKAT: return sys_symlinkat(a, s->fd, b);
	case IORING_OP_LINKAT: return sys_linkat(s->fd, a, (int)s->len, b, fl);
	case IORING_OP_SOCKET: return sys_socket(s->fd, (int)s->off, (int)s->len);
	}
	return -EINVAL;
}

static long io_uring_issue(struct io_ring *r, struct io_req *q)
{
	const struct io_uring_sqe *s = &q->sqe;
	switch (s->opcode) {
	case IORING_OP_NOP: return 0;
	case IORING_OP_READV:
	case IORING_OP_WRITEV: return op_rw(r, q, s->opcode == IORING_OP_WRITEV, RW_VEC);
	case IORING_OP_READ:
	case IORING_OP_WRITE: return op_rw(r, q, s->opcode == IORING_OP_WRITE, RW_PLAIN);
	case IORING_OP_READ_FIXED:
	case IORING_OP_WRITE_FIXED:
		return op_rw(r, q, s->opcode == IORING_OP_WRITE_FIXED, RW_FIXED);
	case IORING_OP_FSYNC:
		return req_file(r, q) ? file_fsync(q->f, s->op_flags & IORING_FSYNC_DATASYNC)
				      : -EBADF;
	case IORING_OP_POLL_ADD: return op_poll_add(r, q);
	case IORING_OP_POLL_REMOVE:
		return MIN(io_ring_cancel(r, s->addr, IORING_OP_POLL_ADD, 0), 0);
	case IORING_OP_TIMEOUT: return op_timeout(r, q);
	case IORING_OP_TIMEOUT_REMOVE:
		return MIN(io_ring_cancel(r, s->addr, IORING_OP_TIMEOUT, 0), 0);
	case IORING_OP_ACCEPT: return op_sock(r, q, SOCK_CALL_ACCEPT, EPOLLIN);
	case IORING_OP_CONNECT: return op_sock(r, q, SOCK_CALL_CONNECT, EPOLLOUT);
	case IORING_OP_SEND: return op_sock(r, q, SOCK_CALL_SEND, EPOLLOUT);
	case IORING_OP_RECV: return op_sock(r, q, SOCK_CALL_RECV, EPOLLIN);
	case IORING_OP_SENDMSG: return op_sock(r, q, SOCK_CALL_SENDMSG, EPOLLOUT);
	case IORING_OP_RECVMSG: return op_sock(r, q, SOCK_CALL_RECVMSG, EPOLLIN);
	case IORING_OP_OPENAT:
		return sys_openat(s->fd, (const char *)s->addr, (int)s->op_flags, (int)s->len);
	case IORING_OP_CLOSE: return op_close(r, q);
	case IORING_OP_STATX:
		return sys_statx(s->fd, (const char *)s->addr, (int)s->op_flags, s->len,
				 (struct statx *)s->off);
	case IORING_OP_SPLICE: return op_splice(r, q);
	case IORING_OP_ASYNC_CANCEL: return op_cancel(r, s);
	case IORING_OP_SHUTDOWN:
		return req_file(r, q)
			       ? sock_file_call(q->f, SOCK_CALL_SHUTDOWN, NULL, NULL, s->len, 0)
			       : -EBADF;
	}
	return op_call(s);
}

const struct io_ops io_uring_ops = { io_uring_prep, io_uring_issue };
