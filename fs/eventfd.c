/* eventfd.c: eventfd files: a 64-bit counter behind a file (the calls
 * eventfd and eventfd2 are kernel/sys/fdfiles.c's). A
 * write of 8 bytes adds to it (blocking while it would pass 2^64-2); a
 * read takes it whole and leaves 0, or in semaphore mode takes 1; a read
 * of a zero counter blocks. */
#include "fs/anon.h"
#include "fs/poll.h"
#include "fs/fdfiles.h"
#include "kernel/sched.h"

#define EFD_MAX UINT64_C(0xfffffffffffffffe) /* the counter's ceiling */

struct eventfd {
	struct pollsrc src; /* first: FOP_POLLSRC */
	uint64_t count;
	bool semaphore;
	struct waitq rq; /* readers waiting for a nonzero count */
	struct waitq wq; /* writers waiting for room */
};

static ssize_t efd_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct eventfd *e = f->priv;
	if (n < sizeof(uint64_t))
		return -EINVAL;
	while (e->count == 0) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_wait(&e->rq, 0) == WAKE_SIGNAL)
			return -EINTR;
	}
	uint64_t v = e->semaphore ? 1 : e->count;
	if (xcopy_out(buf, &v, sizeof(v), user))
		return -EFAULT;
	e->count -= v;
	waitq_wake_all(&e->wq);
	poll_notify(&e->src, POLL_KEY_OUT);
	return sizeof(v);
}

static ssize_t efd_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	struct eventfd *e = f->priv;
	uint64_t v;
	if (n != sizeof(v)) /* Linux 6.x: exactly 8 bytes */
		return -EINVAL;
	if (xcopy_in(&v, buf, sizeof(v), user))
		return -EFAULT;
	if (v == UINT64_MAX)
		return -EINVAL;
	while (UINT64_MAX - e->count <= v) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_wait(&e->wq, 0) == WAKE_SIGNAL)
			return -EINTR;
	}
	e->count += v;
	waitq_wake_all(&e->rq);
	poll_notify(&e->src, POLL_KEY_IN);
	return sizeof(v);
}

static unsigned efd_poll(struct file *f)
{
	struct eventfd *e = f->priv;
	unsigned m = 0;
	if (e->count > 0)
		m |= EPOLLIN | EPOLLRDNORM;
	if (e->count == UINT64_MAX)
		m |= EPOLLERR;
	if (e->count < EFD_MAX)
		m |= EPOLLOUT | EPOLLWRNORM;
	return m;
}

static void efd_release(struct file *f)
{
	poll_release(f);
	kfree(f->priv);
}

static const struct file_ops efd_fops = {
	.read = efd_read,
	.write = efd_write,
	.poll = efd_poll,
	.release = efd_release,
	.flags = FOP_STREAM | FOP_SEEK0 | FOP_POLLSRC,
};

struct file *eventfd_new(uint64_t count, bool semaphore, unsigned flags)
{
	struct eventfd *e = kzalloc(sizeof(*e));
	if (!e)
		return NULL;
	e->count = count;
	e->semaphore = semaphore;
	struct file *f = anon_file("eventfd", &efd_fops, e, O_RDWR | (flags & O_NONBLOCK));
	if (!f)
		kfree(e);
	return f;
}

bool eventfd_is(const struct file *f) { return f && f->ops == &efd_fops; }

void eventfd_signal(struct file *f, uint64_t n)
{
	struct eventfd *e = f->priv;
	/* as Linux's eventfd_signal: saturates instead of blocking */
	e->count = UINT64_MAX - e->count <= n ? EFD_MAX : e->count + n;
	waitq_wake_all(&e->rq);
	poll_notify(&e->src, POLL_KEY_IN);
}
