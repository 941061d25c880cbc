/* inotify.c: inotify instances (the calls are kernel/sys/inotify.c's) and
 * the file layer's notifications to them. An instance is a file holding a
 * queue of struct inotify_event and its watches; a watch (a wd) pins one
 * inode and names the events wanted. fs/vfs.c, fs/rw.c and fs/fd.c call
 * inotify_event for what happens to an inode (and the name it had in its
 * directory): the inode's watches get it without a name, its directory's
 * with the name (the "child" events). An event equal to the last one
 * still queued is merged into it; past max_queued_events one
 * IN_Q_OVERFLOW ends the queue (EMFILE past max_user_instances, ENOSPC
 * past max_user_watches). Removing a watch (inotify_rm_watch,
 * IN_ONESHOT, the inode's last name gone) queues IN_IGNORED. */
#include "fs/anon.h"
#include "fs/poll.h"
#include "fs/inotify.h"
#include "fs/pseudo.h"
#include "kernel/pmem.h"
#include "kernel/sched.h"
#include <linux/inotify.h>
#include <asm/ioctls.h>

/* /proc/sys/fs/inotify: Linux's defaults; the instances and watches are
 * counted for all users together (they are all root here, as a rule). */
#define MAX_QUEUED 16384
#define MAX_INSTANCES 128
static int ninstances, nwatches;

/* Linux's: 4% of memory at about 1 KiB a watch, 8192 to 1048576. */
static int max_watches(void)
{
	uint64_t n = pmem_total_pages() / 25 * PAGE_SIZE / 1080;
	return (int)(n < 8192 ? 8192 : n > 1048576 ? 1048576 : n);
}

void gen_inotify_max_queued(struct sbuf *sb) { sb_printf(sb, "%d\n", MAX_QUEUED); }
void gen_inotify_max_instances(struct sbuf *sb) { sb_printf(sb, "%d\n", MAX_INSTANCES); }
void gen_inotify_max_watches(struct sbuf *sb) { sb_printf(sb, "%d\n", max_watches()); }

struct ievent {
	struct ievent *next;
	struct inotify_event ev; /* ev.len bytes of name follow */
};

struct watch {
	struct watch *next; /* every watch (all_watches) */
	struct inotify *in;
	struct inode *ino; /* referenced */
	int wd;
	uint32_t mask;
};

struct inotify {
	struct pollsrc src; /* first: FOP_POLLSRC */
	struct ievent *head, *tail;
	int queued;
	size_t bytes;
	int next_wd;
	struct waitq rq;
};

static struct watch *all_watches;
static uint32_t next_cookie;

static void queue(struct inotify *in, int wd, uint32_t mask, uint32_t cookie, const char *name)
{
	size_t nlen = name ? strlen(name) : 0;
	uint32_t len = nlen ? (uint32_t)((nlen + 1 + 15) & ~(size_t)15) : 0;
	struct ievent *t = in->tail;
	if (t && t->ev.wd == wd && t->ev.mask == mask && t->ev.cookie == cookie &&
	    ((!len && !t->ev.len) || (len && name && t->ev.len && !strcmp(t->ev.name, name))))
		return; /* the same as the last one not read yet */
	if (in->queued >= MAX_QUEUED) {
		if (t && t->ev.mask == IN_Q_OVERFLOW)
			return; /* said already; room comes as events are read */
		wd = -1;
		mask = IN_Q_OVERFLOW;
		cookie = 0;
		len = 0;
	}
	struct ievent *e = kzalloc(sizeof(*e) + len);
	if (!e)
		return;
	e->ev.wd = wd;
	e->ev.mask = mask;
	e->ev.cookie = cookie;
	e->ev.len = len;
	if (len)
		memcpy(e->ev.name, name, nlen);
	if (t)
		t->next = e;
	else
		in->head = e;
	in->tail = e;
	in->queued++;
	in->bytes += sizeof(e->ev) + len;
	waitq_wake_all(&in->rq);
	poll_notify(&in->src, POLL_KEY_IN);
}

/* Drops w (IN_IGNORED for its instance). */
static void watch_drop(struct watch *w)
{
	for (struct watch **pp = &all_watches; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	if (w->in)
		queue(w->in, w->wd, IN_IGNORED, 0, NULL);
	inode_put(w->ino);
	kfree(w);
	nwatches--;
	fsnotify_watches--;
}

/* Reports mask to the watches of ino; name: ino is the directory and
 * name the child the event is about. */
static void report(struct inode *ino, uint32_t mask, uint32_t cookie, const char *name)
{
	struct watch *next;
	for (struct watch *w = all_watches; w; w = next) {
		next = w->next;
		if (w->ino != ino || !(w->mask & mask & IN_ALL_EVENTS))
			continue;
		queue(w->in, w->wd, mask, cookie, name);
		if (w->mask & IN_ONESHOT)
			watch_drop(w);
	}
}

/* Events an inode's directory hears of too (with its name). */
#define CHILD_EVENTS \
	(IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_OPEN)

void inotify_event(struct inode *ino, uint32_t mask)
{
	if (!all_watches || !ino)
		return;
	uint32_t dir = S_ISDIR(ino->mode) ? IN_ISDIR : 0;
	/* as Linux: the directory's watches first */
	if ((mask & CHILD_EVENTS) && ino->parent && ino->parent != ino && ino->name)
		report(ino->parent, mask | dir, 0, ino->name);
	report(ino, mask | dir, 0, NULL);
}

void inotify_nlink(struct inode *ino)
{
	if (all_watches && ino)
		report(ino, IN_ATTRIB, 0, NULL); /* the inode's own watches only */
}

void inotify_name(struct inode *dir, struct inode *child, const char *name, size_t len,
		  uint32_t mask, uint32_t cookie)
{
	if (!all_watches || !dir)
		return;
	char buf[256];
	len = MIN(len, sizeof(buf) - 1);
	memcpy(buf, name, len);
	buf[len] = 0;
	report(dir, mask | (child && S_ISDIR(child->mode) ? IN_ISDIR : 0), cookie, buf);
}

uint32_t inotify_cookie(void) { return ++next_cookie ? next_cookie : ++next_cookie; }

void inotify_unlinked(struct inode *ino)
{
	if (!all_watches || !ino)
		return;
	if (!S_ISDIR(ino->mode))
		inotify_nlink(ino); /* the link count changed */
	if (ino->nlink != 0)
		return;
	report(ino, IN_DELETE_SELF, 0, NULL);
	struct watch *next;
	for (struct watch *w = all_watches; w; w = next) {
		next = w->next;
		if (w->ino == ino)
			watch_drop(w);
	}
}

/* ---- the instance's file */

static ssize_t in_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct inotify *in = f->priv;
	while (!in->head) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_wait(&in->rq, 0) == WAKE_SIGNAL)
			return -EINTR;
	}
	size_t done = 0;
	while (in->head) {
		struct ievent *e = in->head;
		size_t sz = sizeof(e->ev) + e->ev.len;
		if (sz > n - done)
			break;
		if (xcopy_out((uint8_t *)buf + done, &e->ev, sz, user))
			return done ? (ssize_t)done : -EFAULT;
		done += sz;
		in->head = e->next;
		if (!in->head)
			in->tail = NULL;
		in->queued--;
		in->bytes -= sz;
		kfree(e);
	}
	return done ? (ssize_t)done : -EINVAL; /* no room for the first */
}

static unsigned in_poll(struct file *f)
{
	struct inotify *in = f->priv;
	return in->head ? (EPOLLIN | EPOLLRDNORM) : 0;
}

static long in_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	struct inotify *in = f->priv;
	if (req != FIONREAD)
		return -ENOTTY;
	int n = (int)in->bytes;
	return copy_to_user((void *)arg, &n, sizeof(n)) ? -EFAULT : 0;
}

static void in_release(struct file *f)
{
	struct inotify *in = f->priv;
	struct watch *next;
	for (struct watch *w = all_watches; w; w = next) {
		next = w->next;
		if (w->in == in) {
			w->in = NULL;
			watch_drop(w);
		}
	}
	while (in->head) {
		struct ievent *e = in->head;
		in->head = e->next;
		kfree(e);
	}
	poll_release(f);
	kfree(in);
	ninstances--;
}

static const struct file_ops in_fops = {
	.read = in_read,
	.poll = in_poll,
	.ioctl = in_ioctl,
	.release = in_release,
	.flags = FOP_STREAM | FOP_POLLSRC,
};

int inotify_file(bool nonblock, struct file **out)
{
	if (ninstances >= MAX_INSTANCES)
		return -EMFILE;
	struct inotify *in = kzalloc(sizeof(*in));
	if (!in)
		return -ENOMEM;
	in->next_wd = 1;
	struct file *f = anon_file("inotify", &in_fops, in, O_RDONLY | (nonblock ? O_NONBLOCK : 0));
	if (!f) {
		kfree(in);
		return file_open_err();
	}
	ninstances++;
	*out = f;
	return 0;
}

static struct inotify *instance(struct file *f) { return f && f->ops == &in_fops ? f->priv : NULL; }

bool inotify_is(struct file *f) { return instance(f) != NULL; }

int inotify_add(struct file *f, struct inode *ino, uint32_t mask)
{
	struct inotify *in = instance(f);
	if (!in)
		return -EINVAL;
	for (struct watch *w = all_watches; w; w = w->next)
		if (w->in == in && w->ino == ino) {
			if (mask & IN_MASK_CREATE)
				return -EEXIST;
			w->mask = (mask & IN_MASK_ADD) ? w->mask | mask : mask;
			return w->wd;
		}
	if (nwatches >= max_watches())
		return -ENOSPC;
	struct watch *w = kzalloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	nwatches++;
	fsnotify_watches++;
	w->in = in;
	w->ino = inode_get(ino);
	w->wd = in->next_wd++;
	w->mask = mask;
	w->next = all_watches;
	all_watches = w;
	return w->wd;
}

int inotify_rm(struct file *f, int wd)
{
	struct inotify *in = instance(f);
	if (!in)
		return -EINVAL;
	for (struct watch *w = all_watches; w; w = w->next)
		if (w->in == in && w->wd == wd) {
			watch_drop(w);
			return 0;
		}
	return -EINVAL;
}
