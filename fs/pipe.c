/* pipe.c: pipes (pipe, pipe2). A pipe is a ring of PIPE_SLOTS page
 * buffers, 64 KiB in all, filled and drained as Linux does it, so that
 * capacity, PIPE_BUF atomicity, partial writes and "packet" mode
 * (O_DIRECT) come out the same: a write first tops up the last buffer
 * with its (size mod 4096)-byte head when that fits, then takes whole new
 * buffers; a read empties buffers in order. Reads block until there is
 * data or no writer is left (end of file); writes block while the ring is
 * full, and fail with EPIPE (and SIGPIPE) once no reader is left. */
#include "fs/vfs.h"
#include "fs/poll.h"
#include "kernel/syscall.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include <asm/ioctls.h>

#define PIPE_SLOTS 16             /* Linux's PIPE_DEF_BUFFERS */
#define PIPE_DEV   0xfu           /* st_dev of pipes: major 0, minor 15 */

struct pipe_slot {
	uint8_t *page;            /* PAGE_SIZE bytes */
	uint32_t off, len;        /* the unread bytes: page[off, off+len) */
	bool packet;              /* written in packet mode: read whole, alone */
};

struct pipe {
	struct pollsrc src;       /* first: FOP_POLLSRC */
	struct inode vi;          /* shared by both ends */
	char name[32];            /* "pipe:[INO]" */
	struct pipe_slot slot[PIPE_SLOTS];
	unsigned head, tail;      /* free-running: slots tail..head-1 hold data */
	int readers, writers;     /* open ends */
	struct waitq rq;          /* readers waiting for data */
	struct waitq wq;          /* writers waiting for room */
	uint8_t *spare;           /* a drained page kept for the next write */
};

static const struct file_ops pipe_fops;

static struct pipe *P(struct file *f) { return f->priv; }
static bool empty(struct pipe *p) { return p->head == p->tail; }
static bool full(struct pipe *p) { return p->head - p->tail >= PIPE_SLOTS; }
static struct pipe_slot *slot_at(struct pipe *p, unsigned i) { return &p->slot[i % PIPE_SLOTS]; }

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

static void raise_sigpipe(void)
{
	signal_send_thread(cur_thread, SIGPIPE);
}

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
			if (xcopy_out((uint8_t *)buf + done, s->page + s->off, k, user)) {
				err = -EFAULT;
				break;
			}
			done += k;
			s->off += (uint32_t)k;
			s->len -= (uint32_t)k;
			bool stop = done == n;
			if (s->packet) {       /* a packet is read alone; its rest is dropped */
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
	}
	return done ? (ssize_t)done : err;
}

/* Copies k bytes of the write into a fresh slot at the head. */
static int push_slot(struct pipe *p, const uint8_t *buf, size_t k, bool packet, bool user)
{
	uint8_t *pg = page_get(p);
	if (!pg)
		return -ENOMEM;
	if (xcopy_in(pg, buf, k, user)) {
		page_put(p, pg);
		return -EFAULT;
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
		if (!s->packet && s->off + s->len + head <= PAGE_SIZE) {
			if (xcopy_in(s->page + s->off + s->len, src, head, user))
				return -EFAULT;
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
		if (done) {       /* let readers make room */
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

/* The last end is closed: the inode goes, and the pipe with it. */
static void pipe_evict(struct inode *ino)
{
	struct pipe *p = (struct pipe *)((char *)ino - offsetof(struct pipe, vi));
	for (unsigned i = p->tail; i != p->head; i++)
		kfree(slot_at(p, i)->page);
	kfree(p->spare);
	kfree(p);
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
	.flags = FOP_STREAM | FOP_POLLSRC,
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

long sys_pipe2(int *ufds, int flags)
{
	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if (!user_ok(ufds, 2 * sizeof(int), true))
		return -EFAULT;
	struct pipe *p = kzalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	inode_init(&p->vi, S_IFIFO | S_IRUSR | S_IWUSR, PIPE_DEV);
	p->vi.transient = true;
	p->vi.ops = &pipe_iops;
	p->vi.fops = &pipe_fops;
	ksnprintf(p->name, sizeof(p->name), "pipe:[%lu]", (unsigned long)p->vi.ino);
	p->vi.name = p->name;

	unsigned fl = (unsigned)flags & (O_NONBLOCK | O_DIRECT);
	struct file *r = pipe_end(p, O_RDONLY | fl);
	if (!r) {
		kfree(p);
		return -ENOMEM;
	}
	p->readers = 1;
	struct file *w = pipe_end(p, O_WRONLY | fl);
	if (!w) {
		file_put(r);          /* frees the pipe */
		return -ENOMEM;
	}
	p->writers = 1;
	bool cloexec = flags & O_CLOEXEC;
	int rfd = fd_alloc(r, 0, cloexec);
	if (rfd < 0) {
		file_put(w);
		return rfd;
	}
	int wfd = fd_alloc(w, 0, cloexec);
	if (wfd < 0) {
		fd_close(rfd);
		return wfd;
	}
	int fds[2] = { rfd, wfd };
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(rfd);
		fd_close(wfd);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(int *ufds)
{
	return sys_pipe2(ufds, 0);
}
