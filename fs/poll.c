/* poll.c: the readiness machinery shared by poll, select and epoll: the
 * waiters' queue and its notifications, a file's readiness and wake-up
 * counters, and the temporary signal mask of the p- variants. */
#include "fs/poll.h"
#include "kernel/signal.h"

struct waitq poll_wq;
static uint64_t generation;

void poll_notify(struct pollsrc *src, unsigned key)
{
	if (src) {
		if (key == POLL_KEY_ALL)
			src->all_seq++;
		if (key & POLL_KEY_IN)
			src->in_seq++;
		if (key & POLL_KEY_OUT)
			src->out_seq++;
		if (src->async)
			fasync_notify(src, key);
	}
	epoll_wakeup(src, key); /* NULL: every epoll file's sleepers */
	generation++;
	waitq_wake_all(&poll_wq);
}

uint64_t poll_generation(void) { return generation; }

unsigned file_poll(struct file *f)
{
	if (!f->ops || !f->ops->poll)
		return POLL_DEFAULT_MASK;
	return f->ops->poll(f);
}

struct pollsrc *file_pollsrc(struct file *f)
{
	if (!f->ops || !(f->ops->flags & FOP_POLLSRC))
		return NULL;
	return f->priv;
}

void poll_release(struct file *f) { epoll_forget(f); }

int poll_wait(uint64_t deadline) { return poll_wait_on(&poll_wq, deadline); }

int poll_wait_on(struct waitq *q, uint64_t deadline)
{
	uint64_t t = timerfd_next_expiry();
	if (t && (!deadline || t < deadline))
		deadline = t;
	t = io_uring_next_expiry();
	if (t && (!deadline || t < deadline))
		deadline = t;
	return waitq_wait(q, deadline);
}

#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

long poll_sigmask_set(const uint64_t *umask, size_t size)
{
	uint64_t m;
	if (!umask)
		return 0;
	if (size != sizeof(uint64_t))
		return -EINVAL;
	if (copy_from_user(&m, umask, sizeof(m)))
		return -EFAULT;
	cur_thread->sigsaved = cur_thread->sigmask;
	cur_thread->sigsaved_valid = true;
	cur_thread->sigmask = m & ~UNBLOCKABLE;
	return 0;
}

void poll_sigmask_done(const uint64_t *umask, long ret)
{
	if (!umask || !cur_thread->sigsaved_valid || ret == -EINTR)
		return;
	cur_thread->sigmask = cur_thread->sigsaved;
	cur_thread->sigsaved_valid = false;
}
