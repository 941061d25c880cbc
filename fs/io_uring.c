/* io_uring.c: io_uring instances (fs/io_uring.h): the object, its file
 * and mappings, the SQ and CQ rings; the requests' life is
 * fs/io_uring_req.c's, the operations the syscall layer's
 * (kernel/sys/io_uring_ops.c), handed in as a struct io_ops.
 *
 * The rings are one anonymous shared-memory object (kernel/shmem.h)
 * whose pages the kernel holds and writes through the direct map, and
 * which the program maps (IORING_FEAT_SINGLE_MMAP): the header, the CQEs
 * and the SQ index array from IORING_OFF_SQ_RING (or _CQ_RING: the same
 * pages), the SQEs from IORING_OFF_SQES. */
#include "fs/io_uring.h"
#include "fs/anon.h"
#include "fs/fdfiles.h"
#include "fs/poll.h"
#include "kernel/kernel.h"
#include "kernel/pmem.h"
#include "kernel/proc.h"
#include "kernel/shmem.h"

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
	io_ring_drop_requests(r);
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

uint32_t io_ring_cq_ready(struct io_ring *r)
{
	return load(&hdr(r)->cq_tail) - load(&hdr(r)->cq_head);
}

static unsigned ring_poll(struct file *f)
{
	struct io_ring *r = f->priv;
	unsigned m = 0;
	if (r->ops)
		io_ring_run_waiting(r, r->ops); /* poll, select, epoll wait for the ring */
	if (io_ring_cq_ready(r))
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
void io_ring_flush_overflow(struct io_ring *r)
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

void io_ring_post(struct io_ring *r, uint64_t ud, long res)
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

/* ---- submission */

int io_ring_take(struct io_ring *r, struct io_req **out)
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

uint64_t io_uring_next_expiry(void)
{
	/* a deadline passed wakes a poll once, not in a loop (the request
	 * ends when the ring is polled or entered) */
	uint64_t d = 0, now = time_ns();
	for (struct io_ring *r = rings; r; r = r->next)
		for (struct io_req *q = r->waiting; q; q = q->next) {
			if (!q->deadline || q->mm != current->mm || q->woken)
				continue;
			q->woken = q->deadline <= now;
			if (!d || q->deadline < d)
				d = q->deadline;
		}
	return d;
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
