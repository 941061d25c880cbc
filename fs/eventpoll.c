/* eventpoll.c: epoll instances (kernel/sys/epoll.c holds the system
 * calls). An epoll file keeps a list of items, one per
 * watched (descriptor, file). epoll_wait asks each item's file for its
 * readiness and sleeps until something is: on the epoll file's own
 * queue when every item's file has wake-up counters (struct pollsrc),
 * woken only by a wake-up of one of them (epoll_wakeup) or one with no
 * object (poll_notify(NULL, ...)); else on the shared queue poll_wq
 * (fs/poll.h), woken by every wake-up. An epoll file has no pollsrc of
 * its own: poll and select on one sleep on poll_wq too, woken by the
 * wake-ups of its items' objects among all others and by epoll_ctl's
 * poll_notify(NULL, ...). (Every epoll_wait on poll_wq made
 * each network packet wake every PostgreSQL process: with 4 clients on
 * one CPU, 9 of its 10 processes were found queued at every look, and
 * 4 clients did fewer transactions than 1.)
 *
 * Reports follow a ready list, as Linux's: an item joins its tail when
 * its object has a wake-up that concerns it (poll_notify calls
 * epoll_wakeup), when ADD or MOD finds it ready, or, for objects without
 * wake-up counters, when epoll_wait finds it ready. epoll_wait takes the
 * list's items in order: one no longer ready leaves it, a reported
 * level-triggered one goes back to the tail (so that a short events array
 * sees each in turn), the rest stay at the head for the next call.
 * Edge-triggered items are reported only after a wake-up of their
 * object that concerns them (the object's struct pollsrc counters, by
 * key, as Linux's wake-up keys), or right after ADD/MOD. EPOLLONESHOT
 * items go quiet after one report until the next MOD.
 *
 * Items are found by descriptor in a hash of EP_HASH chains (epoll_ctl),
 * appended at the list's tail, unlinked in place (a back link), and a
 * wake-up or a close of a file with a pollsrc looks only at the items on
 * its object's list, so a server's thousands of connections cost nothing
 * at each packet, accept or close.
 *
 * An item watches a (descriptor, file) pair and does not keep the file
 * open. As on Linux it ends when the file's last reference goes, even if
 * its own descriptor was closed earlier while a dup kept the file: files
 * that promise to call poll_release (FOP_POLLSRC, and epoll files) are
 * forgotten then (epoll_forget). An item on any other pollable file ends
 * as soon as its descriptor no longer names the file, which is noticed
 * the next time the list is walked. */
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "fs/vfs.h"
#include "fs/anon.h"
#include "fs/poll.h"
#include "fs/eventpoll.h"

#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EP_EXCLUSIVE_OK \
	(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MAX_NESTS 4
#define EP_MAX_EVENTS (INT32_MAX / (int)sizeof(struct epoll_event))

static struct eventpoll *all_eps;
static const struct file_ops epoll_fops;

struct epitem {
	struct epitem *next;
	int fd;
	struct file *file; /* not referenced: see item_live */
	uint64_t ino;      /* file->ino->ino */
	bool tracked;      /* the file calls poll_release */
	uint32_t events;   /* asked for, with EPOLLERR | EPOLLHUP */
	uint64_t data;
	bool fresh;                           /* ADD or MOD since the last look (edge-triggered) */
	uint64_t seen_in, seen_out, seen_all; /* pollsrc counters at the last look */
	struct pollsrc *src;                  /* the file's wake-up counters, or NULL */
	struct eventpoll *ep;                 /* whose item it is */
	struct epitem *snext, **sprev;        /* on src's list of items, in ADD order */
	struct epitem **iprev;                /* the link to it in ep's item list */
	struct epitem *hnext;                 /* on ep's hash chain of its fd */
	bool ready;                           /* on the ready list */
	struct epitem *rnext;                 /* next on the ready list */
};

#define EP_HASH 64

struct eventpoll {
	struct waitq wq;                       /* epoll_wait's sleepers, when not on poll_wq */
	struct epitem *head, **tail;           /* every item, in the order of ADD */
	struct epitem *hash[EP_HASH];          /* the items by fd % EP_HASH (epoll_ctl) */
	struct epitem *rhead, **rtail;         /* the ready list */
	struct eventpoll *all_next, *all_prev; /* every epoll file */
};

/* ---- the ready list */

static void rdl_add(struct eventpoll *ep, struct epitem *it)
{
	if (it->ready)
		return;
	it->ready = true;
	it->rnext = NULL;
	*ep->rtail = it;
	ep->rtail = &it->rnext;
}

static void rdl_remove(struct eventpoll *ep, struct epitem *it)
{
	if (!it->ready)
		return;
	for (struct epitem **pp = &ep->rhead; *pp; pp = &(*pp)->rnext)
		if (*pp == it) {
			*pp = it->rnext;
			if (ep->rtail == &it->rnext)
				ep->rtail = pp;
			break;
		}
	it->ready = false;
}

/* An item goes: off its lists. Items on a pollsrc go before the object
 * does: its files' release operations call poll_release first. */
static void item_free(struct eventpoll *ep, struct epitem *it)
{
	*it->iprev = it->next;
	if (it->next)
		it->next->iprev = it->iprev;
	else
		ep->tail = it->iprev;
	struct epitem **hp = &ep->hash[(unsigned)it->fd % EP_HASH];
	while (*hp != it)
		hp = &(*hp)->hnext;
	*hp = it->hnext;
	rdl_remove(ep, it);
	if (it->sprev) {
		*it->sprev = it->snext;
		if (it->snext)
			it->snext->sprev = it->sprev;
	}
	kfree(it);
}

void epoll_wakeup(struct pollsrc *src, unsigned key)
{
	if (!src) { /* a wake-up of no object: every sleeper looks again */
		for (struct eventpoll *ep = all_eps; ep; ep = ep->all_next)
			waitq_wake_all(&ep->wq);
		return;
	}
	/* only the items watching src: a server's thousands of other
	 * connections are not looked at for each packet */
	for (struct epitem *it = src->epitems; it; it = it->snext)
		if ((it->events & ~EP_PRIVATE_BITS) &&
		    (key == POLL_KEY_ALL || (it->events & key))) {
			rdl_add(it->ep, it);
			waitq_wake_all(&it->ep->wq);
		}
}

static struct eventpoll *get_ep(int fd, long *err)
{
	struct file *f = fd_get(fd);
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (f->ops != &epoll_fops) {
		*err = -EINVAL;
		return NULL;
	}
	return f->priv;
}

static bool tracked(struct file *f)
{
	return f->ops == &epoll_fops || (f->ops->flags & FOP_POLLSRC);
}

/* Whether the item's file is still there. An untracked file counts while
 * its descriptor names it; a file freed and another allocated at the same
 * address for the same descriptor is told apart by its inode number,
 * never reused. */
static bool item_live(const struct epitem *it)
{
	if (it->tracked)
		return true;
	struct file *f = fd_get(it->fd);
	return f == it->file && f->ino->ino == it->ino;
}

void epoll_forget(struct file *f)
{
	struct pollsrc *src = file_pollsrc(f);
	if (src) { /* its items are on its object's list: a close costs them only */
		for (struct epitem *it = src->epitems, *next; it; it = next) {
			next = it->snext;
			if (it->file == f)
				item_free(it->ep, it);
		}
		return;
	}
	for (struct eventpoll *ep = all_eps; ep; ep = ep->all_next) {
		struct epitem **pp = &ep->head;
		while (*pp) {
			if ((*pp)->file != f)
				pp = &(*pp)->next;
			else
				item_free(ep, *pp);
		}
	}
}

/* Drops the items whose file is gone. */
static void prune(struct eventpoll *ep)
{
	struct epitem **pp = &ep->head;
	while (*pp) {
		struct epitem *it = *pp;
		if (item_live(it)) {
			pp = &it->next;
			continue;
		}
		item_free(ep, it);
	}
}

static struct epitem *find(struct eventpoll *ep, int fd, struct file *f)
{
	for (struct epitem *it = ep->hash[(unsigned)fd % EP_HASH]; it; it = it->hnext)
		if (it->fd == fd && it->file == f && item_live(it))
			return it;
	return NULL;
}

struct file *epoll_target(struct file *epf, int fd, unsigned long nth, int *err)
{
	if (epf->ops != &epoll_fops) {
		*err = -EINVAL;
		return NULL;
	}
	struct eventpoll *ep = epf->priv;
	for (struct epitem *it = ep->head; it; it = it->next)
		if (it->fd == fd && nth-- == 0)
			return it->file;
	*err = -ENOENT;
	return NULL;
}

/* ---- readiness of one item */

static int poll_depth; /* nesting of epoll files polled through epoll files */

/* The events of it to report now, 0 if none. Consumes the edge of an
 * edge-triggered item when consume is set. */
static uint32_t item_events(struct epitem *it, bool consume)
{
	if (!(it->events & ~EP_PRIVATE_BITS))
		return 0; /* a one-shot item that fired */
	uint32_t m = file_poll(it->file) & it->events;
	if (!(it->events & EPOLLET))
		return m;
	struct pollsrc *s = file_pollsrc(it->file);
	uint64_t in, out, all;
	if (s) {
		in = s->in_seq;
		out = s->out_seq;
		all = s->all_seq;
	} else {
		in = out = 0;
		all = poll_generation();
	}
	bool edge = it->fresh || all != it->seen_all ||
		    ((it->events & POLL_KEY_IN) && in != it->seen_in) ||
		    ((it->events & POLL_KEY_OUT) && out != it->seen_out);
	if (!edge)
		return 0;
	if (consume) {
		it->fresh = false;
		it->seen_in = in;
		it->seen_out = out;
		it->seen_all = all;
	}
	return m;
}

static unsigned epoll_poll(struct file *f)
{
	struct eventpoll *ep = f->priv;
	unsigned m = 0;
	if (poll_depth > EP_MAX_NESTS)
		return 0;
	poll_depth++;
	for (struct epitem *it = ep->head; it && !m; it = it->next)
		if (item_live(it) && item_events(it, false))
			m = EPOLLIN | EPOLLRDNORM;
	poll_depth--;
	return m;
}

static void epoll_release(struct file *f)
{
	struct eventpoll *ep = f->priv;
	waitq_wake_all(&ep->wq); /* they find the descriptor gone */
	poll_release(f);         /* out of the epoll files watching it */
	if (ep->all_prev)
		ep->all_prev->all_next = ep->all_next;
	else
		all_eps = ep->all_next;
	if (ep->all_next)
		ep->all_next->all_prev = ep->all_prev;
	while (ep->head)
		item_free(ep, ep->head);
	kfree(ep);
}

static const struct file_ops epoll_fops = {
	.poll = epoll_poll,
	.release = epoll_release,
	.flags = FOP_STREAM | FOP_SEEK0,
};

/* ---- creating */

struct file *epoll_new(void)
{
	struct eventpoll *ep = kzalloc(sizeof(*ep));
	if (!ep)
		return NULL;
	ep->rtail = &ep->rhead;
	ep->tail = &ep->head;
	struct file *f = anon_file("eventpoll", &epoll_fops, ep, O_RDWR);
	if (!f) {
		kfree(ep);
		return NULL;
	}
	ep->all_next = all_eps;
	if (all_eps)
		all_eps->all_prev = ep;
	all_eps = ep;
	return f;
}

/* ---- epoll_ctl */

/* Whether epoll file target reaches the epoll file self through its items,
 * or nests too deep. */
static bool loops(struct file *target, struct file *self, int depth)
{
	if (target == self || depth > EP_MAX_NESTS)
		return true;
	struct eventpoll *ep = target->priv;
	for (struct epitem *it = ep->head; it; it = it->next)
		if (item_live(it) && it->file->ops == &epoll_fops &&
		    loops(it->file, self, depth + 1))
			return true;
	return false;
}

long epoll_ctl(int epfd, int op, int fd, struct epoll_event ev)
{
	/* the checks in Linux's order */
	struct file *epf = fd_get(epfd);
	struct file *f = fd_get(fd);
	if (!epf || !f)
		return -EBADF;
	if (!f->ops || !f->ops->poll)
		return -EPERM;
	if (ev.events & EPOLLEXCLUSIVE) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD &&
		    ((ev.events & ~EP_EXCLUSIVE_OK) || f->ops == &epoll_fops))
			return -EINVAL;
	}
	if (f == epf || epf->ops != &epoll_fops)
		return -EINVAL;
	struct eventpoll *ep = epf->priv;
	prune(ep);
	struct epitem *it = find(ep, fd, f);
	uint32_t events = ev.events | EPOLLERR | EPOLLHUP;
	switch (op) {
	case EPOLL_CTL_ADD:
		if (it)
			return -EEXIST;
		if (f->ops == &epoll_fops && loops(f, epf, 1))
			return -ELOOP;
		it = kzalloc(sizeof(*it));
		if (!it)
			return -ENOMEM;
		it->fd = fd;
		it->file = f;
		it->ino = f->ino->ino;
		it->tracked = tracked(f);
		it->events = events;
		it->data = ev.data;
		it->fresh = true;
		it->src = file_pollsrc(f);
		it->ep = ep;
		if (it->src) {
			struct epitem **sp = &it->src->epitems;
			while (*sp)
				sp = &(*sp)->snext;
			*sp = it;
			it->sprev = sp;
		}
		*ep->tail = it;
		it->iprev = ep->tail;
		ep->tail = &it->next;
		it->hnext = ep->hash[(unsigned)fd % EP_HASH];
		ep->hash[(unsigned)fd % EP_HASH] = it;
		if (item_events(it, false))
			rdl_add(ep, it);
		break;
	case EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		if (it->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		it->events = events;
		it->data = ev.data;
		it->fresh = true;
		if (item_events(it, false))
			rdl_add(ep, it);
		break;
	case EPOLL_CTL_DEL:
		if (!it)
			return -ENOENT;
		item_free(ep, it);
		return 0;
	default: return -EINVAL;
	}
	/* Another thread may be waiting on this epoll file. */
	poll_notify(NULL, POLL_KEY_ALL);
	return 0;
}

/* ---- waiting */

/* One pass over the ready list: writes up to max events to uev; returns
 * how many. It takes no fault that sleeps (other threads could
 * change the lists meanwhile): at a page of uev not there yet it stops and
 * sets *fault to the offset in uev of the byte there, for the caller to
 * bring in (else leaves it -1). */
static long collect(struct eventpoll *ep, struct epoll_event *uev, int max, long *fault)
{
	long n = 0;
	prune(ep);
	/* objects without wake-up counters (and any readiness that came
	 * without a wake-up) join when found ready */
	for (struct epitem *it = ep->head; it; it = it->next)
		if (!it->ready && item_events(it, false))
			rdl_add(ep, it);
	/* take the list; reported level-triggered items start a new one */
	struct epitem *tx = ep->rhead;
	ep->rhead = NULL;
	ep->rtail = &ep->rhead;
	while (tx && n < max) {
		struct epitem *it = tx;
		tx = it->rnext;
		it->ready = false;
		uint32_t m = item_events(it, true);
		if (!m)
			continue;
		struct epoll_event ev = { m, it->data };
		size_t c = copy_to_user_nosleep(&uev[n], &ev, sizeof(ev));
		if (c < sizeof(ev)) {
			*fault = (long)(n * (long)sizeof(ev) + (long)c);
			it->ready = true; /* back to the head with the rest */
			it->rnext = tx;
			tx = it;
			break;
		}
		n++;
		if (it->events & EPOLLONESHOT)
			it->events &= EP_PRIVATE_BITS;
		if (!(it->events & (EPOLLET | EPOLLONESHOT)))
			rdl_add(ep, it);
	}
	/* what was not looked at stays ahead of the re-added items */
	if (tx) {
		struct epitem *last = tx;
		while (last->rnext)
			last = last->rnext;
		last->rnext = ep->rhead;
		if (!ep->rhead)
			ep->rtail = &last->rnext;
		ep->rhead = tx;
	}
	return n;
}

/* Whether every item's file has wake-up counters: then epoll_wakeup
 * wakes ep's sleepers whenever one of them may have become ready. */
static bool own_queue(const struct eventpoll *ep)
{
	for (const struct epitem *it = ep->head; it; it = it->next)
		if (!it->src)
			return false;
	return true;
}

long epoll_wait_user(int epfd, struct epoll_event *uev, int max, uint64_t deadline, bool nowait)
{
	long err = 0;
	struct eventpoll *ep = get_ep(epfd, &err);
	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	if (!access_ok(uev, (size_t)max * sizeof(*uev)))
		return -EFAULT;
	if (!ep)
		return err;
	for (;;) {
		long fault = -1;
		long n = collect(ep, uev, max, &fault);
		if (!n && fault >= 0) {
			if (fault_in_user((uint8_t *)uev + fault, true)) /* may sleep */
				return -EFAULT;
			ep = get_ep(epfd, &err);
			if (!ep)
				return err;
			continue;
		}
		if (n || nowait || (deadline && time_ns() >= deadline))
			return n;
		if (poll_wait_on(own_queue(ep) ? &ep->wq : &poll_wq, deadline) == WAKE_SIGNAL)
			return -EINTR;
		/* the epoll file may have been closed meanwhile */
		ep = get_ep(epfd, &err);
		if (!ep)
			return err;
	}
}
