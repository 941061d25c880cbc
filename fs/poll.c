/* poll.c: the readiness machinery shared by poll, select and epoll: the
 * notifications, the poll tables of poll and select (one entry per
 * polled file on its pollsrc, a queue of their own: fs/poll.h), the
 * shared queue poll_wq of the waits that cannot tell their objects, a
 * file's readiness and wake-up counters, and the temporary signal mask of
 * the p- variants. */
#include "fs/poll.h"
#include "kernel/signal.h"

struct waitq poll_wq;
static uint64_t generation;

/* The keys that wake an entry: those of its events; a wait for anything
 * but plain input and output (POLLPRI, the bands, ...) wakes for all. */
static bool entry_wants(const struct poll_entry *e, unsigned key)
{
	const unsigned plain = POLL_KEY_IN | POLL_KEY_OUT | EPOLLERR | EPOLLHUP;
	return key == POLL_KEY_ALL || (e->events & key) || (e->events & ~plain);
}

static void wake_waiters(struct pollsrc *src, unsigned key)
{
	for (struct poll_entry *e = src->waiters; e; e = e->next)
		if (entry_wants(e, key))
			waitq_wake_all(&e->pt->q);
}

void poll_wake_waiters(struct pollsrc *src) { wake_waiters(src, POLL_KEY_ALL); }

void poll_notify(struct pollsrc *src, unsigned key)
{
	if (src) {
		wake_waiters(src, key);
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

void poll_table_init(struct poll_table *pt, unsigned n)
{
	pt->q.head = NULL;
	pt->global = false;
	pt->put = false;
	pt->n = n;
	pt->ent = pt->inl;
	if (n > POLL_TABLE_INLINE)
		pt->ent = kmalloc(sizeof(*pt->ent) * n);
	if (!pt->ent) { /* never fail the call: wait as for any object */
		pt->global = true;
		pt->n = 0;
		return;
	}
	memset(pt->ent, 0, sizeof(*pt->ent) * n);
}

static void entry_unlink(struct poll_entry *e)
{
	*e->pprev = e->next;
	if (e->next)
		e->next->pprev = e->pprev;
	e->next = NULL;
	e->pprev = NULL;
	e->src = NULL;
}

void poll_table_watch(struct poll_table *pt, unsigned i, struct file *f, unsigned events)
{
	if (pt->global || i >= pt->n)
		return;
	struct poll_entry *e = &pt->ent[i];
	if (e->file == f) {
		e->events = events | EPOLLERR | EPOLLHUP;
		return;
	}
	if (e->file) {
		struct file *old = e->file;
		entry_unlink(e);
		e->file = NULL;
		pt->put = true;
		file_put(old); /* may be the last: its object's list no longer has e */
	}
	if (!f)
		return;
	struct pollsrc *src = file_pollsrc(f);
	if (!src) { /* readiness no object tells: every notification wakes */
		pt->global = true;
		return;
	}
	e->src = src;
	e->file = file_get(f);
	e->pt = pt;
	e->events = events | EPOLLERR | EPOLLHUP;
	e->next = src->waiters;
	e->pprev = &src->waiters;
	if (src->waiters)
		src->waiters->pprev = &e->next;
	src->waiters = e;
}

int poll_table_wait(struct poll_table *pt, uint64_t deadline)
{
	if (pt->put) {
		/* A file was put in the last pass: its release may have
		 * slept, and a wake-up of a file looked at before then gone
		 * unseen. Look once more first. */
		pt->put = false;
		return WAKE_EVENT;
	}
	if (pt->global)
		return poll_wait(deadline);
	return poll_wait_on(&pt->q, deadline);
}

void poll_table_done(struct poll_table *pt)
{
	/* Off every list first: a put may free an object another slot's
	 * entry is on. */
	for (unsigned i = 0; i < pt->n; i++)
		if (pt->ent[i].file)
			entry_unlink(&pt->ent[i]);
	for (unsigned i = 0; i < pt->n; i++)
		if (pt->ent[i].file) {
			struct file *f = pt->ent[i].file;
			pt->ent[i].file = NULL;
			file_put(f);
		}
	if (pt->ent != pt->inl)
		kfree(pt->ent);
	pt->ent = NULL;
	pt->n = 0;
}

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
