/* mqueue.c: POSIX message queues: each queue is an inode (named in a
 * table of its own until mq_unlink, freed with its last descriptor)
 * holding messages kept by priority, highest first, in arrival order
 * within one; senders wait while it is full, receivers while it is empty
 * (O_NONBLOCK: EAGAIN), descriptors are pollable, and one process may be
 * notified (SIGEV_SIGNAL, SIGEV_NONE, or SIGEV_THREAD: a cookie sent to a
 * netlink socket, which the C library's helper thread waits on) when a
 * message comes to an empty queue no receiver waits on. Reading a
 * descriptor gives Linux's "QSIZE:..." line. */
#include "fs/mqueue.h"
#include "fs/poll.h"
#include "fs/pseudo.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/sched.h"
#include "net/socket.h"

#define MQUEUE_DEV 0x13u /* st_dev: major 0, minor 19 */

struct mq_msg {
	struct mq_msg *next;
	unsigned prio;
	size_t len;
	char data[];
};

struct mqueue {
	struct pollsrc src; /* first: FOP_POLLSRC */
	struct inode vi;
	struct mqueue *next; /* the named ones */
	char name[NAME_MAX + 1];
	long maxmsg, msgsize, curmsgs;
	uint64_t qsize; /* bytes queued */
	struct mq_msg *msgs;
	struct waitq rq, wq;
	int rwaiting;   /* receivers asleep */
	int notify_pid; /* 0: none */
	struct sigevent notify;
	/* SIGEV_THREAD: the netlink socket told (held) and what it is told */
	struct sock *notify_sock;
	uint8_t cookie[NOTIFY_COOKIE_LEN];
};

static struct mqueue *named;
static int nqueues;

static const struct file_ops mq_fops;
static struct inode mq_dir;

static void mq_evict(struct inode *ino)
{
	struct mqueue *q = ino->priv;
	struct mq_msg *m, *next;
	for (m = q->msgs; m; m = next) {
		next = m->next;
		kfree(m);
	}
	if (q->notify_sock)
		sock_put(q->notify_sock);
	nqueues--;
	kfree(q);
}

static const struct inode_ops mq_iops = { .evict = mq_evict };

static struct mqueue *lookup_len(const char *name, size_t len)
{
	for (struct mqueue *q = named; q; q = q->next)
		if (strlen(q->name) == len && !memcmp(q->name, name, len))
			return q;
	return NULL;
}

static struct mqueue *lookup(const char *name) { return lookup_len(name, strlen(name)); }

static bool privileged(int cap) { return capable(cap); }

/* Linux's inode permission check for the open mode. */
static int may_open(struct mqueue *q, int oflag)
{
	unsigned want = 0, acc = (unsigned)oflag & O_ACCMODE;
	if (acc == O_RDONLY || acc == O_RDWR)
		want |= 4;
	if (acc == O_WRONLY || acc == O_RDWR)
		want |= 2;
	if (current->fsuid == 0)
		return 0;
	unsigned m = q->vi.mode;
	if ((unsigned)current->fsuid == q->vi.uid)
		m >>= 6;
	else if ((unsigned)current->fsgid == q->vi.gid)
		m >>= 3;
	return (want & ~m & 7) ? -EACCES : 0;
}

/* A new queue named name (len bytes) with a reference for the caller
 * besides the name's. */
static int create(const char *name, size_t len, unsigned mode, long maxmsg, long msgsize,
		  struct mqueue **out)
{
	if (nqueues >= MQ_QUEUES_MAX && !privileged(CAP_SYS_RESOURCE))
		return -ENOSPC;
	struct mqueue *q = kzalloc(sizeof(*q));
	if (!q)
		return -ENOMEM;
	inode_init(&q->vi, S_IFREG | (mode & 0777), MQUEUE_DEV);
	q->vi.uid = (unsigned)current->fsuid;
	q->vi.gid = (unsigned)current->fsgid;
	q->vi.size = 80; /* Linux's FILENT_SIZE */
	q->vi.nlink = 1;
	q->vi.refs = 2; /* the name's and the caller's */
	q->vi.ops = &mq_iops;
	q->vi.fops = &mq_fops;
	q->vi.priv = q;
	memcpy(q->name, name, len);
	q->name[len] = 0;
	q->vi.name = q->name;
	q->vi.parent = &mq_dir;
	q->maxmsg = maxmsg;
	q->msgsize = msgsize;
	q->next = named;
	named = q;
	nqueues++;
	*out = q;
	return 0;
}

int mqueue_open(const char *name, int oflag, unsigned mode, const struct mq_attr *attr,
		struct file **out)
{
	if ((oflag & O_ACCMODE) == 3)
		return -EINVAL;
	if (!name[0])
		return -ENOENT;
	struct mqueue *q = lookup(name);
	if (q) {
		if ((oflag & O_CREAT) && (oflag & O_EXCL))
			return -EEXIST;
		int e = may_open(q, oflag);
		if (e)
			return e;
	} else {
		if (!(oflag & O_CREAT))
			return -ENOENT;
		long maxmsg = 10, msgsize = 8192;
		if (attr) {
			bool big = privileged(CAP_SYS_RESOURCE);
			if (attr->mq_maxmsg <= 0 || attr->mq_msgsize <= 0 ||
			    attr->mq_maxmsg > (big ? MQ_HARD_MSG_MAX : MQ_MSG_MAX) ||
			    attr->mq_msgsize > (big ? MQ_HARD_MSGSIZE_MAX : MQ_MSGSIZE_MAX))
				return -EINVAL;
			maxmsg = attr->mq_maxmsg;
			msgsize = attr->mq_msgsize;
		}
		int e = create(name, strlen(name), (mode & ~current->fs->umask) & 0777, maxmsg,
			       msgsize, &q);
		if (e)
			return e;
		inode_put(&q->vi); /* the name's reference stays */
	}
	struct file *f = file_open_inode(&q->vi, (unsigned)oflag & (O_ACCMODE | O_NONBLOCK));
	if (!f)
		return file_open_err();
	f->priv = q;
	*out = f;
	return 0;
}

static int unlink_len(const char *name, size_t len)
{
	struct mqueue **pp = &named;
	while (*pp && (strlen((*pp)->name) != len || memcmp((*pp)->name, name, len)))
		pp = &(*pp)->next;
	struct mqueue *q = *pp;
	if (!q)
		return -ENOENT;
	*pp = q->next;
	q->vi.nlink = 0;
	q->vi.parent = NULL;
	inode_put(&q->vi); /* freed with the last descriptor */
	return 0;
}

int mqueue_unlink(const char *name) { return name[0] ? unlink_len(name, strlen(name)) : -ENOENT; }

bool mqueue_is(struct file *f) { return f && f->ops == &mq_fops; }

/* Ends q's registration; a SIGEV_THREAD one sends its cookie, the last
 * byte saying why (NOTIFY_WOKENUP: a message came, NOTIFY_REMOVED). */
static void drop_notify(struct mqueue *q, uint8_t why)
{
	q->notify_pid = 0;
	struct sock *s = q->notify_sock;
	if (!s)
		return;
	q->notify_sock = NULL;
	q->cookie[NOTIFY_COOKIE_LEN - 1] = why;
	netlink_kernel_send(s, q->cookie, NOTIFY_COOKIE_LEN);
	sock_put(s);
}

/* A message arrived at an empty queue no receiver waits on: the
 * registered process is told once. */
static void notify(struct mqueue *q)
{
	int pid = q->notify_pid;
	drop_notify(q, NOTIFY_WOKENUP);
	struct proc *p = proc_find(pid);
	if (!p || p->state != P_ALIVE || q->notify.sigev_notify != SIGEV_SIGNAL)
		return;
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_signo = q->notify.sigev_signo;
	info.si_code = SI_MESGQ;
	info.si_value = q->notify.sigev_value;
	info.si_pid = current->pid;
	info.si_uid = (unsigned)current->uid;
	signal_send_to(p, NULL, &info);
}

long mqueue_send(struct file *f, const char *ubuf, size_t len, unsigned prio, uint64_t deadline)
{
	struct mqueue *q = f->priv;
	if (!file_writable(f))
		return -EBADF;
	if (len > (size_t)q->msgsize)
		return -EMSGSIZE;
	struct mq_msg *m = kmalloc(sizeof(*m) + len);
	if (!m)
		return -ENOMEM;
	if (copy_from_user(m->data, ubuf, len)) {
		kfree(m);
		return -EFAULT;
	}
	m->prio = prio;
	m->len = len;
	while (q->curmsgs >= q->maxmsg) {
		int why;
		if ((f->flags & O_NONBLOCK) || (why = waitq_wait(&q->wq, deadline)) != WAKE_EVENT) {
			kfree(m);
			return (f->flags & O_NONBLOCK) ? -EAGAIN
			       : why == WAKE_SIGNAL    ? -EINTR
						       : -ETIMEDOUT;
		}
	}
	struct mq_msg **pp = &q->msgs;
	while (*pp && (*pp)->prio >= prio)
		pp = &(*pp)->next;
	m->next = *pp;
	*pp = m;
	bool was_empty = q->curmsgs++ == 0;
	q->qsize += len;
	int64_t now = realtime_now_ns();
	q->vi.mtime = q->vi.ctime = now;
	if (was_empty && q->notify_pid && !q->rwaiting)
		notify(q);
	waitq_wake_all(&q->rq);
	poll_notify(&q->src, POLL_KEY_IN);
	return 0;
}

long mqueue_receive(struct file *f, char *ubuf, size_t len, unsigned *prio, uint64_t deadline)
{
	struct mqueue *q = f->priv;
	if (!file_readable(f))
		return -EBADF;
	if (len < (size_t)q->msgsize)
		return -EMSGSIZE;
	while (!q->msgs) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		q->rwaiting++;
		int why = waitq_wait(&q->rq, deadline);
		q->rwaiting--;
		if (why == WAKE_SIGNAL)
			return -EINTR;
		if (why == WAKE_TIMEOUT && !q->msgs)
			return -ETIMEDOUT;
	}
	struct mq_msg *m = q->msgs;
	q->msgs = m->next;
	q->curmsgs--;
	q->qsize -= m->len;
	q->vi.atime = q->vi.ctime = realtime_now_ns();
	waitq_wake_all(&q->wq);
	poll_notify(&q->src, POLL_KEY_OUT);
	*prio = m->prio;
	long r = copy_to_user(ubuf, m->data, m->len) ? -EFAULT : (long)m->len;
	kfree(m); /* lost on a fault, as on Linux */
	return r;
}

long mqueue_notify(struct file *f, const struct sigevent *ev, struct sock *s, const uint8_t *cookie)
{
	struct mqueue *q = f->priv;
	int me = current->pid;
	if (q->notify_pid && !proc_find(q->notify_pid))
		drop_notify(q, NOTIFY_REMOVED); /* its process is gone */
	if (!ev) {
		if (q->notify_pid == me)
			drop_notify(q, NOTIFY_REMOVED);
		return 0;
	}
	if (q->notify_pid) {
		if (s)
			sock_put(s);
		return -EBUSY;
	}
	q->notify = *ev;
	q->notify_pid = me;
	if (s) {
		q->notify_sock = s;
		memcpy(q->cookie, cookie, NOTIFY_COOKIE_LEN);
	}
	return 0;
}

void mqueue_getattr(struct file *f, struct mq_attr *a)
{
	struct mqueue *q = f->priv;
	memset(a, 0, sizeof(*a));
	a->mq_flags = f->flags & O_NONBLOCK;
	a->mq_maxmsg = q->maxmsg;
	a->mq_msgsize = q->msgsize;
	a->mq_curmsgs = q->curmsgs;
}

static ssize_t mq_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct mqueue *q = f->priv;
	char line[96];
	int len = ksnprintf(
		line, sizeof(line), "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
		(unsigned long)q->qsize, q->notify_pid ? q->notify.sigev_notify : 0,
		q->notify_pid && q->notify.sigev_notify == SIGEV_SIGNAL ? q->notify.sigev_signo : 0,
		q->notify_pid);
	if (off >= (uint64_t)len)
		return 0;
	size_t k = MIN(n, (size_t)len - off);
	return xcopy_out(buf, line + off, k, user) ? -EFAULT : (ssize_t)k;
}

static unsigned mq_poll(struct file *f)
{
	struct mqueue *q = f->priv;
	unsigned m = 0;
	if (q->curmsgs)
		m |= EPOLLIN | EPOLLRDNORM;
	if (q->curmsgs < q->maxmsg)
		m |= EPOLLOUT | EPOLLWRNORM;
	return m;
}

static int mq_fopen(struct file *f)
{
	f->priv = f->ino->priv; /* opened by name in /dev/mqueue */
	return 0;
}

static void mq_release(struct file *f)
{
	struct mqueue *q = f->priv;
	poll_release(f);
	if (q && q->notify_pid == current->pid)
		drop_notify(q, NOTIFY_REMOVED); /* Linux: the owner's close drops it */
}

static const struct file_ops mq_fops = {
	.open = mq_fopen,
	.read = mq_read,
	.poll = mq_poll,
	.release = mq_release,
	.flags = FOP_POLLSRC,
};

void gen_mq_msg_max(struct sbuf *sb) { sb_printf(sb, "%d\n", MQ_MSG_MAX); }
void gen_mq_msgsize_max(struct sbuf *sb) { sb_printf(sb, "%d\n", MQ_MSGSIZE_MAX); }
void gen_mq_queues_max(struct sbuf *sb) { sb_printf(sb, "%d\n", MQ_QUEUES_MAX); }
void gen_mq_msg_default(struct sbuf *sb) { sb_printf(sb, "%d\n", MQ_MSG_MAX); }
void gen_mq_msgsize_default(struct sbuf *sb) { sb_printf(sb, "%d\n", MQ_MSGSIZE_MAX); }

/* ---- the directory of the queues, /dev/mqueue */

static int dir_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct mqueue *q = lookup_len(name, len);
	if (!q)
		return -ENOENT;
	*out = inode_get(&q->vi);
	return 0;
}

static int dir_readdir(struct inode *dir, uint64_t *pos, dir_emit_t emit, void *ctx)
{
	if (*pos == 0) {
		if (emit(ctx, ".", 1, dir->ino, IFTODT(S_IFDIR), 1))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		struct inode *up = dir->parent ? dir->parent : dir;
		if (emit(ctx, "..", 2, up->ino, IFTODT(S_IFDIR), 2))
			return 0;
		*pos = 2;
	}
	uint64_t i = 2;
	for (struct mqueue *q = named; q; q = q->next, i++) {
		if (i < *pos)
			continue;
		if (emit(ctx, q->name, strlen(q->name), q->vi.ino, IFTODT(S_IFREG), i + 1))
			return 0;
		*pos = i + 1;
	}
	return 0;
}

static int dir_create(struct inode *dir, const char *name, size_t len, unsigned mode,
		      const char *target, struct inode **out)
{
	if (!S_ISREG(mode))
		return -EPERM;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	struct mqueue *q;
	int e = create(name, len, mode & 0777, MQ_MSG_MAX, MQ_MSGSIZE_MAX, &q);
	if (!e)
		*out = &q->vi;
	return e;
}

static int dir_unlink(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	return unlink_len(name, len);
}

static const struct inode_ops mq_dir_iops = {
	.lookup = dir_lookup,
	.readdir = dir_readdir,
	.create = dir_create,
	.unlink = dir_unlink,
};
static const struct file_ops mq_dir_fops = { .read = NULL };

struct inode *mqueue_dir(void)
{
	if (!mq_dir.ops) {
		inode_init(&mq_dir, S_IFDIR | 01777, MQUEUE_DEV);
		mq_dir.nlink = 2;
		mq_dir.refs = 1; /* never freed */
		mq_dir.ops = &mq_dir_iops;
		mq_dir.fops = &mq_dir_fops;
	}
	return &mq_dir;
}
