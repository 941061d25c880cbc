/* aio.c: Linux AIO contexts (io_setup's objects; the calls are
 * kernel/sys/aio.c's). A context is a ring mapped into its process's
 * memory as on Linux: a struct aio_ring header (id, nr, head, tail,
 * magic, features, header length) followed by nr struct io_event slots;
 * the context's id is the ring's user address, and a program (libaio)
 * may read events and move head itself. The kernel writes the ring
 * through the copy helpers, in the owning process: reads, writes and
 * syncs complete in io_submit; an IOCB_CMD_POLL not ready then waits in
 * the context's list and completes when one of its threads enters
 * io_submit or io_getevents and finds the file ready (a program reaping
 * the ring itself sees it only then). /proc/sys/fs/aio-max-nr (65536)
 * caps the events of all contexts together. */
#include "fs/aio.h"
#include "fs/fdfiles.h"
#include "fs/poll.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/vm.h"
#include <linux/mman.h>

#define AIO_RING_MAGIC 0xa10a10a1u
#define AIO_MAX_NR 65536u /* /proc/sys/fs/aio-max-nr */

struct aio_ring {
	unsigned id, nr, head, tail;
	unsigned magic, compat_features, incompat_features, header_length;
};

/* An IOCB_CMD_POLL waiting for its file. */
struct aio_poll {
	struct file *f, *resfd; /* held */
	uint64_t obj, data;
	unsigned events;
	struct aio_poll *next;
};

struct aio_ctx {
	struct mm *mm;
	uint64_t ring; /* user address; the context's id */
	uint64_t len;  /* the mapping's bytes */
	unsigned nr;   /* ring slots */
	unsigned max;  /* events asked for (counted against aio-max-nr) */
	unsigned npolls;
	struct aio_poll *polls;
	struct aio_ctx *next;
};

static struct aio_ctx *ctxs;
static unsigned aio_nr; /* events of all contexts */
static unsigned next_id;

int aio_ctx_new(unsigned nr_events, struct aio_ctx **out)
{
	/* Linux's sizing, for one CPU: at least 4, doubled, 2 spare */
	unsigned n = MAX(nr_events, 4u) * 2;
	if (n > 0x10000000u / sizeof(struct io_event))
		return -EINVAL;
	if (nr_events == 0 || nr_events > AIO_MAX_NR || aio_nr + nr_events > AIO_MAX_NR)
		return -EAGAIN;
	n += 2;
	uint64_t len = PAGE_UP(sizeof(struct aio_ring) + (uint64_t)n * sizeof(struct io_event));
	n = (unsigned)((len - sizeof(struct aio_ring)) / sizeof(struct io_event));
	struct aio_ctx *c = kzalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	struct mm *mm = current->mm;
	uint64_t at = vm_find_free(mm, len, 0);
	int e = at ? vm_map(mm, at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL,
			    0, 0, 0)
		   : -ENOMEM;
	struct aio_ring h = { next_id++, n, 0, 0, AIO_RING_MAGIC, 1, 0, sizeof(struct aio_ring) };
	if (!e && copy_to_user((void *)at, &h, sizeof(h))) {
		vm_unmap(mm, at, len);
		e = -ENOMEM;
	}
	if (e) {
		kfree(c);
		return e;
	}
	c->mm = mm;
	c->ring = at;
	c->len = len;
	c->nr = n;
	c->max = nr_events;
	c->next = ctxs;
	ctxs = c;
	aio_nr += nr_events;
	*out = c;
	return 0;
}

struct aio_ctx *aio_ctx_find(uint64_t id)
{
	for (struct aio_ctx *c = ctxs; c; c = c->next)
		if (c->mm == current->mm && c->ring == id)
			return c;
	return NULL;
}

uint64_t aio_ctx_id(const struct aio_ctx *c) { return c->ring; }

unsigned aio_ctx_max(const struct aio_ctx *c) { return c->max; }

static void unlink_ctx(struct aio_ctx *c)
{
	for (struct aio_ctx **p = &ctxs; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	aio_nr -= c->max;
	while (c->polls) { /* cancelled: the ring that would tell is going */
		struct aio_poll *p = c->polls;
		c->polls = p->next;
		file_put(p->f);
		if (p->resfd)
			file_put(p->resfd);
		kfree(p);
	}
	poll_notify(NULL, POLL_KEY_ALL); /* its waiters look again */
}

void aio_ctx_destroy(struct aio_ctx *c)
{
	unlink_ctx(c);
	vm_unmap(c->mm, c->ring, c->len);
	kfree(c);
}

void aio_mm_gone(struct mm *mm)
{
	for (struct aio_ctx *c = ctxs, *n; c; c = n) {
		n = c->next;
		if (c->mm == mm) {
			unlink_ctx(c);
			kfree(c);
		}
	}
}

/* head and tail from the ring (the program may have moved head), each
 * below nr; false if the ring cannot be read. */
static bool get_ends(struct aio_ctx *c, unsigned *head, unsigned *tail)
{
	struct aio_ring h;
	if (copy_from_user(&h, (void *)c->ring, sizeof(h)))
		return false;
	*head = h.head % c->nr;
	*tail = h.tail % c->nr;
	return true;
}

static struct io_event *slot(struct aio_ctx *c, unsigned i)
{
	return (struct io_event *)(c->ring + sizeof(struct aio_ring)) + i;
}

bool aio_room(struct aio_ctx *c)
{
	unsigned head, tail;
	if (!get_ends(c, &head, &tail))
		return false;
	return (tail + c->nr - head) % c->nr + c->npolls + 1 < c->nr;
}

void aio_post(struct aio_ctx *c, const struct io_event *ev, struct file *resfd)
{
	unsigned head, tail;
	if (get_ends(c, &head, &tail) && !copy_to_user(slot(c, tail), ev, sizeof(*ev))) {
		tail = (tail + 1) % c->nr;
		copy_to_user((void *)(c->ring + offsetof(struct aio_ring, tail)), &tail,
			     sizeof(tail));
	}
	if (resfd)
		eventfd_signal(resfd, 1);
	poll_notify(NULL, POLL_KEY_ALL); /* io_getevents waits in poll_wait */
}

long aio_reap(struct aio_ctx *c, struct io_event *uev, long nr)
{
	unsigned head, tail;
	long n = 0;
	if (!get_ends(c, &head, &tail))
		return -EFAULT;
	while (n < nr && head != tail) {
		struct io_event ev;
		if (copy_from_user(&ev, slot(c, head), sizeof(ev)) ||
		    copy_to_user(uev + n, &ev, sizeof(ev)))
			return n ? n : -EFAULT;
		n++;
		head = (head + 1) % c->nr;
		if (copy_to_user((void *)(c->ring + offsetof(struct aio_ring, head)), &head,
				 sizeof(head)))
			return n;
	}
	return n;
}

int aio_wait(uint64_t deadline) { return poll_wait(deadline); }

/* Ends p (unlinked) with result res. */
static void poll_done(struct aio_ctx *c, struct aio_poll *p, int64_t res)
{
	struct io_event ev = { p->data, p->obj, res, 0 };
	c->npolls--;
	aio_post(c, &ev, p->resfd);
	file_put(p->f);
	if (p->resfd)
		file_put(p->resfd);
	kfree(p);
}

/* The readiness a poll of events reports (at submission: only those
 * asked for, as Linux; later: as Linux's wake-up key, which carries the
 * NORM bit of a read or write side asked for too). */
static unsigned poll_mask(struct file *f, unsigned events, bool later)
{
	unsigned want = events;
	if (later && (events & EPOLLIN))
		want |= EPOLLRDNORM;
	if (later && (events & EPOLLOUT))
		want |= EPOLLWRNORM;
	return file_poll(f) & want;
}

static void check(struct aio_ctx *c, bool later)
{
	for (struct aio_poll **pp = &c->polls; *pp;) {
		struct aio_poll *p = *pp;
		unsigned m = poll_mask(p->f, p->events, later);
		if (!m) {
			pp = &p->next;
			continue;
		}
		*pp = p->next;
		poll_done(c, p, m);
	}
}

void aio_poll_check(struct aio_ctx *c) { check(c, true); }

int aio_poll_add(struct aio_ctx *c, struct file *f, struct file *resfd, uint64_t obj, uint64_t data,
		 unsigned events)
{
	struct aio_poll *p = kzalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	file_get(f);
	if (resfd)
		file_get(resfd);
	*p = (struct aio_poll){ f, resfd, obj, data, events, c->polls };
	c->polls = p;
	c->npolls++;
	unsigned m = poll_mask(f, events, false);
	if (m) {
		c->polls = p->next;
		poll_done(c, p, m);
	}
	return 0;
}

int aio_poll_cancel(struct aio_ctx *c, uint64_t obj)
{
	for (struct aio_poll **pp = &c->polls; *pp; pp = &(*pp)->next)
		if ((*pp)->obj == obj) {
			struct aio_poll *p = *pp;
			*pp = p->next;
			poll_done(c, p, 0);
			return 0;
		}
	return -EINVAL;
}
