/* io_uring_req.c: the life of io_uring requests (fs/io_uring.h), in
 * their instance (fs/io_uring.c has the rings).
 *
 * A request is checked when taken (ops->prep: a failure there is its CQE
 * and ends the submission, as on Linux, unless IORING_SETUP_SUBMIT_ALL),
 * issued in io_uring_enter as soon as it can be (ops->issue), and most
 * complete there. One that would block (a poll, a timeout, an empty pipe
 * or socket, accept, connect) waits in the instance and is retried by
 * the next io_uring_enter of its process: before the submission, and
 * while IORING_ENTER_GETEVENTS sleeps, woken by every readiness change
 * (fs/poll.h) and by its deadline. A chain (IOSQE_IO_LINK) issues each
 * request when the one before ends; a failure ends the rest with
 * -ECANCELED. IOSQE_IO_DRAIN holds back that request, and every one after
 * it, until all submitted before have ended. */
#include "fs/io_uring.h"
#include "fs/poll.h"
#include "fs/vfs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/signal.h"

void io_ring_drop_requests(struct io_ring *r)
{
	while (r->waiting || r->deferred) {
		struct io_req **l = r->waiting ? &r->waiting : &r->deferred;
		struct io_req *q = *l;
		*l = q->next;
		while (q) {
			struct io_req *n = q->link;
			if (q->f)
				file_put(q->f);
			if (q->f2)
				file_put(q->f2);
			kfree(q);
			q = n;
		}
	}
}

static void req_free(struct io_ring *r, struct io_req *q)
{
	if (q->f)
		file_put(q->f);
	if (q->f2)
		file_put(q->f2);
	kfree(q);
	r->active--;
}

/* Ends q with res (its CQE posted, unless IOSQE_CQE_SKIP_SUCCESS and a
 * success): the next of its chain to issue, or NULL (a failure ended the
 * rest, unless IOSQE_IO_HARDLINK). */
static struct io_req *finish(struct io_ring *r, struct io_req *q, long res)
{
	bool failed = res < 0 || q->fail;
	if (res == -ETIME && q->sqe.opcode == IORING_OP_TIMEOUT &&
	    (q->sqe.op_flags & IORING_TIMEOUT_ETIME_SUCCESS))
		failed = false;
	if (!(res >= 0 && (q->sqe.flags & IOSQE_CQE_SKIP_SUCCESS)))
		io_ring_post(r, q->sqe.user_data, res);
	struct io_req *n = q->link;
	bool hard = q->sqe.flags & IOSQE_IO_HARDLINK;
	req_free(r, q);
	if (failed && !hard) {
		while (n) {
			struct io_req *x = n->link;
			io_ring_post(r, n->sqe.user_data, -ECANCELED);
			req_free(r, n);
			n = x;
		}
	}
	return n;
}

static unsigned chain_len(struct io_req *q)
{
	unsigned n = 0;
	for (; q; q = q->link)
		n++;
	return n;
}

/* A chain whose last request failed its checks with e: that one ends
 * with e, those before it with -ECANCELED. */
static void fail_chain(struct io_ring *r, struct io_req *q, long e)
{
	r->active += chain_len(q);
	while (q) {
		struct io_req *n = q->link;
		io_ring_post(r, q->sqe.user_data, n ? -ECANCELED : e);
		req_free(r, q);
		q = n;
	}
}

static void add_waiting(struct io_ring *r, struct io_req *q)
{
	struct io_req **t = &r->waiting;
	while (*t)
		t = &(*t)->next;
	q->next = NULL;
	*t = q;
}

/* Issues q, and the chain after it as each ends, until one waits. */
static void run_chain(struct io_ring *r, struct io_req *q, const struct io_ops *ops)
{
	while (q) {
		long res = ops->issue(r, q);
		if (res == IOU_WAIT) {
			add_waiting(r, q);
			return;
		}
		q = finish(r, q, res);
	}
}

/* Issues the held-back requests once nothing before them is in flight. */
static void run_deferred(struct io_ring *r, const struct io_ops *ops)
{
	while (r->deferred && !r->active) {
		struct io_req *q = r->deferred;
		r->deferred = q->next;
		r->active += chain_len(q);
		run_chain(r, q, ops);
	}
}

static void queue(struct io_ring *r, struct io_req *q, const struct io_ops *ops)
{
	if (r->deferred || (q->sqe.flags & IOSQE_IO_DRAIN)) {
		struct io_req **t = &r->deferred;
		while (*t)
			t = &(*t)->next;
		q->next = NULL;
		*t = q;
		run_deferred(r, ops);
		return;
	}
	r->active += chain_len(q);
	run_chain(r, q, ops);
}

/* What a waiting request has come to: IOU_WAIT while it still waits. */
static bool ready(struct io_ring *r, struct io_req *q, uint64_t now)
{
	if (q->mm != current->mm)
		return false; /* its pointers are another process's */
	if (q->pf)
		return file_poll(q->pf) & (q->events | EPOLLERR | EPOLLHUP);
	return (q->count && r->posted >= q->count) || (q->deadline && now >= q->deadline);
}

/* Retries each waiting request that may go on, once. */
void io_ring_run_waiting(struct io_ring *r, const struct io_ops *ops)
{
	if (r->running)
		return; /* a request polling its own ring */
	r->running = true;
	unsigned pass = ++r->pass;
	for (;;) {
		uint64_t now = time_ns();
		struct io_req *q = NULL;
		for (struct io_req **pp = &r->waiting; *pp; pp = &(*pp)->next)
			if ((*pp)->pass != pass && ready(r, *pp, now)) {
				q = *pp;
				*pp = q->next;
				break;
			}
		if (!q)
			break;
		q->pass = pass;
		long res;
		if (q->pf) {
			q->retry = true;
			res = ops->issue(r, q);
		} else {
			res = q->count && r->posted >= q->count ? 0 : -ETIME;
		}
		if (res == IOU_WAIT)
			add_waiting(r, q);
		else
			run_chain(r, finish(r, q, res), ops);
	}
	run_deferred(r, ops);
	io_ring_flush_overflow(r);
	r->running = false;
}

int io_ring_cancel(struct io_ring *r, uint64_t ud, int op, unsigned how)
{
	int n = 0;
	for (struct io_req **pp = &r->waiting; *pp;) {
		struct io_req *q = *pp;
		if (!(how & IO_CANCEL_ANY) &&
		    (q->sqe.user_data != ud || (op >= 0 && q->sqe.opcode != op))) {
			pp = &q->next;
			continue;
		}
		*pp = q->next;
		run_chain(r, finish(r, q, -ECANCELED), r->ops); /* a hard link goes on */
		n++;
		if (!(how & (IO_CANCEL_ALL | IO_CANCEL_ANY)))
			break;
	}
	return n ? n : -ENOENT;
}

long io_ring_submit(struct io_ring *r, unsigned n, const struct io_ops *ops)
{
	r->ops = ops;
	io_ring_run_waiting(r, ops);
	long done = 0;
	struct io_req *head = NULL, *tail = NULL;
	n = MIN(n, r->sq_entries);
	while ((unsigned)done < n) {
		struct io_req *q;
		int e = io_ring_take(r, &q);
		if (e <= 0) {
			if (e < 0 && !done)
				done = e;
			break;
		}
		if (!q)
			break; /* a bad index: counted in sq_dropped */
		done++;
		long pe = ops->prep(r, q);
		if (pe) {
			if (head) {
				tail->link = q;
				q = head;
				head = NULL;
			}
			fail_chain(r, q, pe);
			if (r->flags & IORING_SETUP_SUBMIT_ALL)
				continue;
			break;
		}
		bool links = q->sqe.flags & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK);
		if (head) {
			tail->link = q;
			tail = q;
			if (!links) {
				queue(r, head, ops);
				head = NULL;
			}
		} else if (links) {
			head = tail = q;
		} else {
			queue(r, q, ops);
		}
	}
	if (head)
		queue(r, head, ops); /* a chain cut short by the count */
	io_ring_run_waiting(r, ops); /* timeouts counting these completions */
	return done;
}

long io_ring_wait(struct io_ring *r, unsigned min, uint64_t deadline, const struct io_ops *ops)
{
	min = MIN(min, r->cq_entries);
	r->ops = ops;
	for (;;) {
		io_ring_run_waiting(r, ops);
		if (io_ring_cq_ready(r) >= min)
			return 0;
		if (signal_pending(cur_thread))
			return -EINTR;
		if (deadline && time_ns() >= deadline)
			return -ETIME;
		uint64_t d = deadline; /* and the requests' (passed ones too) */
		for (struct io_req *q = r->waiting; q; q = q->next)
			if (q->deadline && q->mm == current->mm && (!d || q->deadline < d))
				d = q->deadline;
		if (poll_wait(d) == WAKE_SIGNAL)
			return -EINTR;
	}
}
