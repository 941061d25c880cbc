/* pipe.c: pipes (made by pipe_create for pipe and pipe2, whose handlers
 * are kernel/sys/pipe.c's). A pipe is a ring of PIPE_SLOTS page
 * buffers, 64 KiB in all, filled and drained as Linux does it, so that
 * capacity, PIPE_BUF atomicity, partial writes and "packet" mode
 * (O_DIRECT) come out the same: a write first tops up the last buffer
 * with its (size mod 4096)-byte head when that fits, then takes whole new
 * buffers; a read empties buffers in order. Reads block until there is
 * data or no writer is left (end of file); writes block while the ring is
 * full, and fail with EPIPE (and SIGPIPE) once no reader is left.
 *
 * Named pipes (FIFO inodes, made by mknod) share the code: the first open
 * makes the pipe, opens wait for the other end as Linux's do, and the last
 * close frees it. F_SETPIPE_SZ resizes the ring; splice, tee and vmsplice
 * (kernel/sys/splice.c) use the small pipe_* API at the end.
 *
 * The buffers are counted per user, as Linux does (fs.pipe-user-pages-soft:
 * past it an unprivileged user's new pipes get 2 buffers and may not grow;
 * fs.pipe-max-size: only CAP_SYS_RESOURCE grows a pipe beyond it). */
#include "fs/vfs.h"
#include "fs/poll.h"
#include "fs/pipe.h"
#include "fs/pseudo.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/proc.h"
#include <asm/ioctls.h>
#include <linux/capability.h>

#define PIPE_SLOTS 16            /* Linux's PIPE_DEF_BUFFERS */
#define PIPE_MAX_SIZE (1u << 20) /* /proc/sys/fs/pipe-max-size */
#define PIPE_MIN_SLOTS 2         /* Linux's PIPE_MIN_DEF_BUFFERS */
#define PIPE_USER_SOFT 16384     /* /proc/sys/fs/pipe-user-pages-soft */
#define PIPE_USER_HARD 0         /* /proc/sys/fs/pipe-user-pages-hard: 0, no limit */
#define PIPE_DEV 0xfu            /* st_dev of pipes: major 0, minor 15 */

struct pipe_slot {
	uint8_t *page;     /* PAGE_SIZE bytes */
	uint32_t off, len; /* the unread bytes: page[off, off+len) */
	bool packet;       /* written in packet mode: read whole, alone */
};

struct pipe {
	struct pollsrc src;     /* first: FOP_POLLSRC */
	struct inode vi;        /* shared by both ends */
	char name[32];          /* "pipe:[INO]" */
	struct pipe_slot *slot; /* nslots of them */
	unsigned nslots;
	unsigned head, tail;       /* free-running: slots tail..head-1 hold data */
	int readers, writers;      /* open ends */
	struct waitq rq;           /* readers waiting for data */
	struct waitq wq;           /* writers waiting for room */
	uint8_t *spare;            /* a drained page kept for the next write */
	struct inode *fifo;        /* the FIFO inode of a named pipe, else NULL */
	unsigned r_opens, w_opens; /* named pipes: opens so far, for waiting opens */
	struct waitq oq;           /* named pipes: opens waiting for the other end */
	struct pipe_user *user;    /* whose buffers these are (NULL: not counted) */
	unsigned accounted;        /* buffers counted to user */
};

/* The pipe buffers each user holds (Linux's user_struct.pipe_bufs). */
#define PIPE_USERS 64
static struct pipe_user {
	unsigned uid;
	unsigned long bufs;
} pipe_users[PIPE_USERS];

static struct pipe_user *pipe_user_of(unsigned uid)
{
	struct pipe_user *free = NULL;
	for (int i = 0; i < PIPE_USERS; i++) {
		if (pipe_users[i].bufs && pipe_users[i].uid == uid)
			return &pipe_users[i];
		if (!pipe_users[i].bufs && !free)
			free = &pipe_users[i];
	}
	if (free)
		free->uid = uid;
	return free; /* NULL: too many users at once, not counted */
}

/* Moves p's count from p->accounted buffers to n; the user's new total. */
static unsigned long pipe_account(struct pipe *p, unsigned n)
{
	if (!p->user)
		return 0;
	p->user->bufs += n;
	p->user->bufs -= p->accounted;
	p->accounted = n;
	return p->user->bufs;
}

static bool pipe_unprivileged(void)
{
	return !capable(CAP_SYS_RESOURCE) && !capable(CAP_SYS_ADMIN);
}

static bool pipe_too_many(unsigned long bufs)
{
	return (PIPE_USER_SOFT && bufs > PIPE_USER_SOFT) ||
	       (PIPE_USER_HARD && bufs > PIPE_USER_HARD);
}

void gen_pipe_max_size(struct sbuf *sb) { sb_printf(sb, "%u\n", PIPE_MAX_SIZE); }
void gen_pipe_user_soft(struct sbuf *sb) { sb_printf(sb, "%u\n", PIPE_USER_SOFT); }
void gen_pipe_user_hard(struct sbuf *sb) { sb_printf(sb, "%u\n", PIPE_USER_HARD); }

static const struct file_ops pipe_fops;

static struct pipe *P(struct file *f) { return f->priv; }
static bool empty(struct pipe *p) { return p->head == p->tail; }
static bool full(struct pipe *p) { return p->head - p->tail >= p->nslots; }
static struct pipe_slot *slot_at(struct pipe *p, unsigned i) { return &p->slot[i % p->nslots]; }

static uint8_t *page_get(struct pipe *p)
{
	uint8_t *pg = p->spare;
	if (pg) {
		p->spare = NULL;
		return pg;
	}
	return kmalloc(PAGE_SIZE);
}

static void page_put(struct pipe *p, uint8_t *pg)
{
	if (!p->spare)
		p->spare = pg;
	else
		kfree(pg);
}

static size_t unread(struct pipe *p)
{
	size_t n = 0;
	for (unsigned i = p->tail; i != p->head; i++)
		n += slot_at(p, i)->len;
	return n;
}

static void raise_sigpipe(void) { signal_send_thread(cur_thread, SIGPIPE); }

static ssize_t pipe_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct pipe *p = P(f);
	size_t done = 0;
	bool was_full = full(p);
	ssize_t err = 0;

	for (;;) {
		if (!empty(p)) {
			struct pipe_slot *s = slot_at(p, p->tail);
			size_t k = MIN((size_t)s->len, n - done);
			/* a fault that sleeps lets other readers take the slot:
			 * copy only to pages that are there, else bring the
			 * next in and look again; the bytes of a slot count
			 * when all came (else they are read again, as Linux) */
			size_t c = xcopy_out_nosleep((uint8_t *)buf + done, s->page + s->off, k,
						     user);
			if (c < k) {
				if (fault_in_user((uint8_t *)buf + done + c, true)) {
					err = -EFAULT;
					break;
				}
				was_full |= full(p); /* a writer may have filled it */
				continue;
			}
			done += k;
			s->off += (uint32_t)k;
			s->len -= (uint32_t)k;
			bool stop = done == n;
			if (s->packet) { /* a packet is read alone; its rest is dropped */
				s->len = 0;
				stop = true;
			}
			if (s->len == 0) {
				page_put(p, s->page);
				s->page = NULL;
				p->tail++;
			}
			if (stop)
				break;
			if (!empty(p))
				continue;
		}
		if (!p->writers || done)
			break;
		if (f->flags & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		if (waitq_wait(&p->rq, 0) == WAKE_SIGNAL) {
			err = -EINTR;
			break;
		}
		was_full = full(p);
	}
	if (done && was_full) {
		waitq_wake_all(&p->wq);
		poll_notify(&p->src, POLL_KEY_OUT);
	} else if (p->src.async && err != -EINTR) {
		fasync_notify(&p->src, POLL_KEY_OUT); /* Linux signals writers after every read */
	}
	return done ? (ssize_t)done : err;
}

/* Copies k bytes of the write into a fresh slot at the head; 1: a page of
 * buf was brought in (the copy could have slept meanwhile: look at the
 * pipe again). */
static int push_slot(struct pipe *p, const uint8_t *buf, size_t k, bool packet, bool user)
{
	uint8_t *pg = page_get(p);
	if (!pg)
		return -ENOMEM;
	size_t c = xcopy_in_nosleep(pg, buf, k, user);
	if (c < k) {
		page_put(p, pg);
		return fault_in_user(buf + c, false) ? -EFAULT : 1;
	}
	struct pipe_slot *s = slot_at(p, p->head);
	s->page = pg;
	s->off = 0;
	s->len = (uint32_t)k;
	s->packet = packet;
	p->head++;
	return 0;
}

static ssize_t pipe_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	struct pipe *p = P(f);
	const uint8_t *src = buf;
	bool packet = f->flags & O_DIRECT;
	size_t done = 0;
	ssize_t err = 0;

	if (!p->readers) {
		raise_sigpipe();
		return -EPIPE;
	}
	/* The head of the write tops up the last buffer if it fits there. */
	size_t head = n & (PAGE_SIZE - 1);
	if (head && !empty(p)) {
		struct pipe_slot *s = slot_at(p, p->head - 1);
		/* (if its pages are not all there, fresh slots take it) */
		if (!s->packet && s->off + s->len + head <= PAGE_SIZE &&
		    xcopy_in_nosleep(s->page + s->off + s->len, src, head, user) == head) {
			s->len += (uint32_t)head;
			done = head;
		}
	}
	while (done < n) {
		if (!p->readers) {
			raise_sigpipe();
			if (!done)
				err = -EPIPE;
			break;
		}
		if (!full(p)) {
			size_t k = MIN(PAGE_SIZE, n - done);
			int e = push_slot(p, src + done, k, packet, user);
			if (e == 1)
				continue;
			if (e) {
				err = e;
				break;
			}
			done += k;
			continue;
		}
		if (f->flags & O_NONBLOCK) {
			if (!done)
				err = -EAGAIN;
			break;
		}
		if (done) { /* let readers make room */
			waitq_wake_all(&p->rq);
			poll_notify(&p->src, POLL_KEY_IN);
		}
		if (waitq_wait(&p->wq, 0) == WAKE_SIGNAL) {
			if (!done)
				err = -EINTR;
			break;
		}
	}
	if (done) {
		waitq_wake_all(&p->rq);
		poll_notify(&p->src, POLL_KEY_IN);
	}
	return done ? (ssize_t)done : err;
}

static unsigned pipe_poll(struct file *f)
{
	struct pipe *p = P(f);
	unsigned m = 0;
	if (file_readable(f)) {
		if (!empty(p))
			m |= EPOLLIN | EPOLLRDNORM;
		if (!p->writers)
			m |= EPOLLHUP;
	}
	if (file_writable(f)) {
		if (!full(p))
			m |= EPOLLOUT | EPOLLWRNORM;
		if (!p->readers)
			m |= EPOLLERR;
	}
	return m;
}

static long pipe_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	if (req != FIONREAD)
		return -ENOTTY;
	int v = (int)unread(P(f));
	return copy_to_user((void *)arg, &v, sizeof(v));
}

static void pipe_release(struct file *f)
{
	struct pipe *p = P(f);
	poll_release(f);
	if (file_readable(f))
		p->readers--;
	if (file_writable(f))
		p->writers--;
	waitq_wake_all(&p->rq);
	waitq_wake_all(&p->wq);
	poll_notify(&p->src, POLL_KEY_ALL);
}

static void pipe_free(struct pipe *p)
{
	for (unsigned i = p->tail; i != p->head; i++)
		kfree(slot_at(p, i)->page);
	kfree(p->spare);
	kfree(p->slot);
	pipe_account(p, 0);
	kfree(p);
}

/* The last end is closed: the inode goes, and the pipe with it. */
static void pipe_evict(struct inode *ino)
{
	pipe_free((struct pipe *)((char *)ino - offsetof(struct pipe, vi)));
}

static struct pipe *pipe_new(void)
{
	struct pipe *p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	p->nslots = PIPE_SLOTS;
	p->user = pipe_user_of(current ? (unsigned)current->uid : 0);
	if (pipe_too_many(pipe_account(p, PIPE_SLOTS)) && pipe_unprivileged()) {
		/* past the soft limit: the smallest pipe (Linux) */
		p->nslots = PIPE_MIN_SLOTS;
		pipe_account(p, PIPE_MIN_SLOTS);
	}
	p->slot = kzalloc(sizeof(*p->slot) * p->nslots);
	if (!p->slot) {
		pipe_account(p, 0);
		kfree(p);
		return NULL;
	}
	return p;
}

static const struct inode_ops pipe_iops = {
	.evict = pipe_evict,
};

static const struct file_ops pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = pipe_release,
	.flags = FOP_STREAM | FOP_POLLSRC | FOP_FASYNC,
};

static struct file *pipe_end(struct pipe *p, unsigned flags)
{
	struct file *f = file_open_inode(&p->vi, flags);
	if (f) {
		f->flags &= ~(unsigned)O_LARGEFILE;
		f->priv = p;
	}
	return f;
}

int pipe_create(unsigned flags, struct file **rp, struct file **wp)
{
	struct pipe *p = pipe_new();
	if (!p)
		return -ENOMEM;
	inode_init(&p->vi, S_IFIFO | S_IRUSR | S_IWUSR, PIPE_DEV);
	p->vi.transient = true;
	p->vi.ops = &pipe_iops;
	p->vi.fops = &pipe_fops;
	ksnprintf(p->name, sizeof(p->name), "pipe:[%lu]", (unsigned long)p->vi.ino);
	p->vi.name = p->name;

	unsigned fl = flags & (O_NONBLOCK | O_DIRECT);
	struct file *r = pipe_end(p, O_RDONLY | fl);
	if (!r) {
		pipe_free(p);
		return file_open_err();
	}
	p->readers = 1;
	struct file *w = pipe_end(p, O_WRONLY | fl);
	if (!w) {
		file_put(r); /* frees the pipe */
		return file_open_err();
	}
	p->writers = 1;
	*rp = r;
	*wp = w;
	return 0;
}

/* ---- named pipes */

static void fifo_release(struct file *f)
{
	struct pipe *p = P(f);
	pipe_release(f);
	if (!p->readers && !p->writers) { /* the data goes with the last end */
		p->fifo->priv = NULL;
		pipe_free(p);
	}
}

/* Waits (unless O_NONBLOCK) until the other end has been opened since
 * *seen changed; -EINTR on a signal. */
static int fifo_wait_other(struct pipe *p, unsigned *count, unsigned seen, int *ends)
{
	while (!*ends && *count == seen)
		if (waitq_wait(&p->oq, 0) == WAKE_SIGNAL)
			return -EINTR;
	return 0;
}

static int fifo_open(struct file *f)
{
	struct inode *ino = f->ino;
	struct pipe *p = ino->priv;
	if (!p) {
		p = pipe_new();
		if (!p)
			return -ENOMEM;
		p->fifo = ino;
		ino->priv = p;
	}
	f->priv = p;
	unsigned acc = f->flags & O_ACCMODE;
	int e = 0;
	if (acc == O_RDONLY) {
		p->readers++;
		p->r_opens++;
		waitq_wake_all(&p->oq);
		if (!(f->flags & O_NONBLOCK))
			e = fifo_wait_other(p, &p->w_opens, p->w_opens, &p->writers);
		if (e)
			p->readers--;
	} else if (acc == O_WRONLY) {
		if ((f->flags & O_NONBLOCK) && !p->readers) {
			e = -ENXIO;
		} else {
			p->writers++;
			p->w_opens++;
			waitq_wake_all(&p->oq);
			waitq_wake_all(&p->rq);
			e = fifo_wait_other(p, &p->r_opens, p->r_opens, &p->readers);
			if (e)
				p->writers--;
		}
	} else {
		p->readers++;
		p->writers++;
		p->r_opens++;
		p->w_opens++;
		waitq_wake_all(&p->oq);
	}
	if (e) {
		waitq_wake_all(&p->rq);
		waitq_wake_all(&p->wq);
		if (!p->readers && !p->writers) {
			ino->priv = NULL;
			pipe_free(p);
		}
		return e;
	}
	poll_notify(&p->src, POLL_KEY_ALL);
	return 0;
}

const struct file_ops fifo_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.open = fifo_open,
	.release = fifo_release,
	.flags = FOP_STREAM | FOP_POLLSRC | FOP_FASYNC,
};

/* ---- the pipe API of fcntl and splice */

bool file_is_pipe(struct file *f) { return f->ops == &pipe_fops || f->ops == &fifo_fops; }

long pipe_fcntl(struct file *f, int cmd, unsigned long arg)
{
	struct pipe *p = P(f);
	if (cmd == F_GETPIPE_SZ)
		return (long)(p->nslots * PAGE_SIZE);
	/* F_SETPIPE_SZ: a power-of-two number of pages, at least one */
	if (arg > (1ul << 31))
		return -EINVAL;
	unsigned n = 1;
	while ((uint64_t)n * PAGE_SIZE < arg)
		n <<= 1;
	if (n > p->nslots && (uint64_t)n * PAGE_SIZE > PIPE_MAX_SIZE && !capable(CAP_SYS_RESOURCE))
		return -EPERM; /* above pipe-max-size */
	unsigned was = p->accounted;
	unsigned long total = pipe_account(p, n); /* put back if it fails */
	if (n > was && pipe_too_many(total) && pipe_unprivileged()) {
		pipe_account(p, was);
		return -EPERM; /* the user holds too many buffers */
	}
	unsigned used = p->head - p->tail;
	if (n < used) {
		pipe_account(p, was);
		return -EBUSY;
	}
	if (n != p->nslots) {
		struct pipe_slot *ns = kzalloc(sizeof(*ns) * n);
		if (!ns) {
			pipe_account(p, was);
			return -ENOMEM;
		}
		for (unsigned i = 0; i < used; i++)
			ns[i] = *slot_at(p, p->tail + i);
		kfree(p->slot);
		p->slot = ns;
		p->nslots = n;
		p->tail = 0;
		p->head = used;
		waitq_wake_all(&p->wq);
		poll_notify(&p->src, POLL_KEY_OUT);
	}
	return (long)(n * PAGE_SIZE);
}

size_t pipe_unread(struct file *f) { return unread(P(f)); }

size_t pipe_room(struct file *f)
{
	struct pipe *p = P(f);
	return (p->nslots - (p->head - p->tail)) * PAGE_SIZE;
}

bool pipe_same(struct file *a, struct file *b) { return P(a) == P(b); }

int pipe_wait(struct file *f, bool for_write, bool nonblock)
{
	struct pipe *p = P(f);
	for (;;) {
		if (for_write) {
			if (!p->readers) {
				raise_sigpipe();
				return -EPIPE;
			}
			if (!full(p))
				return 0;
		} else if (!empty(p) || !p->writers) {
			return 0;
		}
		if (nonblock || (f->flags & O_NONBLOCK))
			return -EAGAIN;
		if (waitq_wait(for_write ? &p->wq : &p->rq, 0) == WAKE_SIGNAL)
			return -EINTR;
	}
}

size_t pipe_peek(struct file *f, void *buf, size_t n)
{
	struct pipe *p = P(f);
	size_t done = 0;
	for (unsigned i = p->tail; i != p->head && done < n; i++) {
		struct pipe_slot *s = slot_at(p, i);
		size_t k = MIN((size_t)s->len, n - done);
		memcpy((uint8_t *)buf + done, s->page + s->off, k);
		done += k;
	}
	return done;
}
