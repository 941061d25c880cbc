/* io_uring.c: io_uring instances (fs/io_uring.h): the rings and the life
 * of the requests; the operations are the syscall layer's
 * (kernel/sys/io_uring_ops.c), handed in as a struct io_ops.
 *
 * The rings are one anonymous shared-memory object (kernel/shmem.h)
 * whose pages the kernel holds and writes through the direct map, and
 * which the program maps (IORING_FEAT_SINGLE_MMAP): the header, the CQEs
 * and the SQ index array from IORING_OFF_SQ_RING (or _CQ_RING: the same
 * pages), the SQEs from IORING_OFF_SQES.
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
#include "fs/anon.h"
#include "fs/fdfiles.h"
#include "fs/poll.h"
#include "kernel/kernel.h"
#include "kernel/pmem.h"
#include "kernel/proc.h"
#include "kernel/shmem.h"
#include "kernel/signal.h"

/* The rings' header, at the start of the object. */
struct rings_hdr {
	uint32_t sq_head, sq_tail, sq_mask, sq_entries, sq_flags, sq_dropped;
	uint32_t cq_head, cq_tail, cq_mask, cq_entries, cq_overflow, cq_flags;
};

#define CQES_OFF 64u
#define OVERFLOW_MAX 65536u /* CQEs kept past a full ring; more are dropped */

struct io_cqe_list {
	struct io_uring_cqe cqe;
	struct io_cqe_list *next;
};

/* The kernel's view of byte off of the object (nothing the kernel reads
 * or writes there crosses a page). */
static void *at(struct io_ring *r, uint64_t off)
{
	return (uint8_t *)phys_to_virt(r->pages[off / PAGE_SIZE]) + off % PAGE_SIZE;
}

static struct rings_hdr *hdr(struct io_ring *r) { return at(r, 0); }

static uint32_t load(uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

static void store(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

static uint64_t sq_array_off(struct io_ring *r)
{
	return CQES_OFF + (uint64_t)r->cq_entries * sizeof(struct io_uring_cqe);
}

/* ---- the object and its file */

static struct io_ring *rings; /* all instances, for io_uring_next_expiry */

static void ring_free(struct io_ring *r)
{
	for (struct io_ring **pp = &rings; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
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
	while (r->overflow) {
		struct io_cqe_list *c = r->overflow;
		r->overflow = c->next;
		kfree(c);
	}
	io_ring_unregister_all(r);
	for (unsigned i = 0; i < r->npages; i++)
		if (r->pages[i])
			page_put(r->pages[i]);
	kfree(r->pages);
	if (r->obj)
		inode_put(r->obj); /* the mappings hold their own */
	kfree(r);
}

static void ring_release(struct file *f) { ring_free(f->priv); }

static uint32_t cq_ready(struct io_ring *r)
{
	return load(&hdr(r)->cq_tail) - load(&hdr(r)->cq_head);
}

static void run_waiting(struct io_ring *r, const struct io_ops *ops);

static unsigned ring_poll(struct file *f)
{
	struct io_ring *r = f->priv;
	unsigned m = 0;
	if (r->ops)
		run_waiting(r, r->ops); /* poll, select, epoll wait for the ring */
	if (cq_ready(r))
		m |= EPOLLIN | EPOLLRDNORM;
	if (load(&hdr(r)->sq_tail) - load(&hdr(r)->sq_head) < r->sq_entries)
		m |= EPOLLOUT | EPOLLWRNORM;
	return m;
}

static int ring_map(struct file *f, uint64_t off, uint64_t len, struct inode **obj,
		    uint64_t *objoff);

static const struct file_ops ring_fops = {
	.poll = ring_poll,
	.release = ring_release,
	.mmap = ring_map,
};

struct io_ring *io_ring_of(struct file *f) { return f && f->ops == &ring_fops ? f->priv : NULL; }

static uint32_t pow2_up(uint32_t n)
{
	uint32_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

/* The object's pages for the mmap of f at off, length len. */
static int ring_map(struct file *f, uint64_t off, uint64_t len, struct inode **obj,
		    uint64_t *objoff)
{
	struct io_ring *r = f->priv;
	uint64_t size = (uint64_t)r->npages * PAGE_SIZE;
	off &= IORING_OFF_MMAP_MASK; /* Linux looks at these bits only */
	if (off == IORING_OFF_SQ_RING || off == IORING_OFF_CQ_RING) {
		if (len > r->rings_bytes)
			return -EINVAL;
		*objoff = 0;
	} else if (off == IORING_OFF_SQES) {
		if (len > size - r->rings_bytes)
			return -EINVAL;
		*objoff = r->rings_bytes;
	} else {
		return -EINVAL;
	}
	*obj = r->obj;
	return 0;
}

int io_ring_new(struct io_uring_params *p, struct file **out)
{
	uint32_t sq = p->sq_entries, cq;
	if (!sq)
		return -EINVAL;
	if (sq > IORING_MAX_ENTRIES) {
		if (!(p->flags & IORING_SETUP_CLAMP))
			return -EINVAL;
		sq = IORING_MAX_ENTRIES;
	}
	sq = pow2_up(sq);
	if (p->flags & IORING_SETUP_CQSIZE) {
		cq = p->cq_entries;
		if (!cq)
			return -EINVAL;
		if (cq > IORING_MAX_CQ_ENTRIES) {
			if (!(p->flags & IORING_SETUP_CLAMP))
				return -EINVAL;
			cq = IORING_MAX_CQ_ENTRIES;
		}
		cq = pow2_up(cq);
		if (cq < sq)
			return -EINVAL;
	} else {
		cq = 2 * sq;
	}
	struct io_ring *r = kzalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->sq_entries = sq;
	r->cq_entries = cq;
	r->flags = p->flags;
	r->rings_bytes = PAGE_UP(sq_array_off(r) + (uint64_t)sq * sizeof(uint32_t));
	uint64_t size = r->rings_bytes + PAGE_UP((uint64_t)sq * sizeof(struct io_uring_sqe));
	r->npages = (unsigned)(size / PAGE_SIZE);
	r->pages = kzalloc(r->npages * sizeof(uint64_t));
	r->obj = r->pages ? shmem_new("[io_uring]", size) : NULL;
	int e = r->obj ? 0 : -ENOMEM;
	for (unsigned i = 0; !e && i < r->npages; i++)
		e = shared_page(r->obj, i, &r->pages[i]);
	struct file *f = e ? NULL : anon_file("io_uring", &ring_fops, r, O_RDWR);
	if (!f) {
		ring_free(r);
		return e ? e : -ENOMEM;
	}
	r->next = rings;
	rings = r;
	struct rings_hdr *h = hdr(r);
	h->sq_mask = sq - 1;
	h->sq_entries = sq;
	h->cq_mask = cq - 1;
	h->cq_entries = cq;
	p->sq_entries = sq;
	p->cq_entries = cq;
	p->features = IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP | IORING_FEAT_SUBMIT_STABLE |
		      IORING_FEAT_RW_CUR_POS | IORING_FEAT_FAST_POLL | IORING_FEAT_POLL_32BITS |
		      IORING_FEAT_EXT_ARG | IORING_FEAT_CQE_SKIP;
	p->sq_off = (struct io_sqring_offsets){
		.head = offsetof(struct rings_hdr, sq_head),
		.tail = offsetof(struct rings_hdr, sq_tail),
		.ring_mask = offsetof(struct rings_hdr, sq_mask),
		.ring_entries = offsetof(struct rings_hdr, sq_entries),
		.flags = offsetof(struct rings_hdr, sq_flags),
		.dropped = offsetof(struct rings_hdr, sq_dropped),
		.array = (uint32_t)sq_array_off(r),
	};
	p->cq_off = (struct io_cqring_offsets){
		.head = offsetof(struct rings_hdr, cq_head),
		.tail = offsetof(struct rings_hdr, cq_tail),
		.ring_mask = offsetof(struct rings_hdr, cq_mask),
		.ring_entries = offsetof(struct rings_hdr, cq_entries),
		.overflow = offsetof(struct rings_hdr, cq_overflow),
		.cqes = CQES_OFF,
		.flags = offsetof(struct rings_hdr, cq_flags),
	};
	*out = f;
	return 0;
}

/* ---- completions */

static bool cq_put(struct io_ring *r, const struct io_uring_cqe *c)
{
	struct rings_hdr *h = hdr(r);
	uint32_t tail = h->cq_tail;
	if (tail - load(&h->cq_head) >= r->cq_entries)
		return false;
	*(struct io_uring_cqe *)at(r, CQES_OFF + (uint64_t)(tail & (r->cq_entries - 1)) *
							 sizeof(*c)) = *c;
	store(&h->cq_tail, tail + 1);
	return true;
}

/* Moves what overflowed into the ring as room appears. */
static void flush_overflow(struct io_ring *r)
{
	while (r->overflow && cq_put(r, &r->overflow->cqe)) {
		struct io_cqe_list *c = r->overflow;
		r->overflow = c->next;
		r->noverflow--;
		kfree(c);
	}
	if (!r->overflow)
		__atomic_and_fetch(&hdr(r)->sq_flags, ~IORING_SQ_CQ_OVERFLOW, __ATOMIC_RELEASE);
}

static void post(struct io_ring *r, uint64_t ud, long res)
{
	struct io_uring_cqe c = { ud, (int32_t)res, 0 };
	r->posted++;
	if (r->overflow || !cq_put(r, &c)) {
		struct io_cqe_list *o = NULL;
		if (r->noverflow < OVERFLOW_MAX)
			o = kzalloc(sizeof(*o));
		if (!o) { /* dropped, counted: the program does not reap */
			store(&hdr(r)->cq_overflow, hdr(r)->cq_overflow + 1);
			return;
		}
		o->cqe = c;
		if (!r->overflow)
			r->ov_tail = &r->overflow;
		*r->ov_tail = o;
		r->ov_tail = &o->next;
		r->noverflow++;
		__atomic_or_fetch(&hdr(r)->sq_flags, IORING_SQ_CQ_OVERFLOW, __ATOMIC_RELEASE);
	}
	if (r->evfd)
		eventfd_signal(r->evfd, 1);
	poll_notify(NULL, POLL_KEY_ALL); /* poll on the ring, other waiting threads */
}

uint64_t io_ring_completions(struct io_ring *r) { return r->posted; }

/* ---- requests */

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
		post(r, q->sqe.user_data, res);
	struct io_req *n = q->link;
	bool hard = q->sqe.flags & IOSQE_IO_HARDLINK;
	req_free(r, q);
	if (failed && !hard) {
		while (n) {
			struct io_req *x = n->link;
			post(r, n->sqe.user_data, -ECANCELED);
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
		post(r, q->sqe.user_data, n ? -ECANCELED : e);
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
static void run_waiting(struct io_ring *r, const struct io_ops *ops)
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
	flush_overflow(r);
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
		finish(r, q, -ECANCELED); /* its chain ends too */
		n++;
		if (!(how & (IO_CANCEL_ALL | IO_CANCEL_ANY)))
			break;
	}
	return n ? n : -ENOENT;
}

/* Takes the next SQE into a new request: 1, 0 when none is left, or
 * -ENOMEM. */
static int take(struct io_ring *r, struct io_req **out)
{
	struct rings_hdr *h = hdr(r);
	uint32_t head = h->sq_head;
	if (head == load(&h->sq_tail))
		return 0;
	uint32_t idx = *(uint32_t *)at(r, sq_array_off(r) + (head & (r->sq_entries - 1)) * 4ull);
	store(&h->sq_head, head + 1);
	if (idx >= r->sq_entries) {
		store(&h->sq_dropped, h->sq_dropped + 1);
		*out = NULL;
		return 1;
	}
	struct io_req *q = kzalloc(sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->sqe = *(struct io_uring_sqe *)at(r, r->rings_bytes + idx * sizeof(struct io_uring_sqe));
	q->mm = current->mm;
	*out = q;
	return 1;
}

long io_ring_submit(struct io_ring *r, unsigned n, const struct io_ops *ops)
{
	r->ops = ops;
	run_waiting(r, ops);
	long done = 0;
	struct io_req *head = NULL, *tail = NULL;
	n = MIN(n, r->sq_entries);
	while ((unsigned)done < n) {
		struct io_req *q;
		int e = take(r, &q);
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
	run_waiting(r, ops);         /* timeouts counting these completions */
	return done;
}

uint64_t io_uring_next_expiry(void)
{
	uint64_t d = 0;
	for (struct io_ring *r = rings; r; r = r->next)
		for (struct io_req *q = r->waiting; q; q = q->next)
			if (q->deadline && q->mm == current->mm && (!d || q->deadline < d))
				d = q->deadline;
	return d;
}

long io_ring_wait(struct io_ring *r, unsigned min, uint64_t deadline, const struct io_ops *ops)
{
	min = MIN(min, r->cq_entries);
	r->ops = ops;
	for (;;) {
		run_waiting(r, ops);
		if (cq_ready(r) >= min)
			return 0;
		if (signal_pending(cur_thread))
			return -EINTR;
		if (deadline && time_ns() >= deadline)
			return -ETIME;
		if (poll_wait(deadline) == WAKE_SIGNAL) /* with the requests' deadlines */
			return -EINTR;
	}
}

struct file *io_req_file(struct io_ring *r, struct io_req *q, int fd)
{
	struct file *f;
	if (q->sqe.flags & IOSQE_FIXED_FILE)
		f = fd >= 0 && (unsigned)fd < r->nfiles ? r->files[fd] : NULL;
	else
		f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return NULL;
	return file_get(f);
}
