/* pty.c: pseudo-terminals: /dev/ptmx (each open makes a pair and is its
 * master), the devpts directory /dev/pts listing the slaves /dev/pts/N,
 * the terminal ioctls of both sides (termios, window size, foreground
 * group, controlling terminal, TIOCGPTN, TIOCSPTLCK, TIOCGPTPEER), poll
 * readiness and hang-up (the master's last close hangs up the slave and
 * sends SIGHUP to its session leader; the slave's last close makes the
 * master's reads fail with EIO). Line editing and echo: fs/tty_ldisc.c. */
#include "fs/tty.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include <asm/ioctls.h>

#define PTY_MAX 64
#define PTS_DEV 0x18u /* st_dev of /dev/pts */
#define PTS_MAJOR 136
#define MKDEV(ma, mi) (((uint64_t)(ma) << 8) | (uint64_t)(mi))

static struct tty *ptys[PTY_MAX]; /* the pairs whose master is open */
static struct inode *pts_root;

static struct tty *of_master(struct file *f)
{
	return (struct tty *)((char *)f->priv - offsetof(struct tty, msrc));
}

static struct tty *of_slave(struct file *f)
{
	return (struct tty *)((char *)f->priv - offsetof(struct tty, ssrc));
}

void tty_wake_master(struct tty *t)
{
	waitq_wake_all(&t->mwait);
	poll_notify(&t->msrc, POLL_KEY_ALL);
}

void tty_wake_slave(struct tty *t)
{
	waitq_wake_all(&t->swait);
	poll_notify(&t->ssrc, POLL_KEY_ALL);
}

static void send_sig(struct proc *p, int sig)
{
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = SI_KERNEL;
	signal_send_to(p, NULL, &info);
}

void tty_signal_pgrp(int pgrp, int sig)
{
	for (struct proc *p = all_procs; p; p = p->all_next)
		if (p->state == P_ALIVE && p->pgid == pgrp)
			send_sig(p, sig);
}

bool pty_session_has_ctty(int sid)
{
	for (int i = 0; i < PTY_MAX; i++)
		if (ptys[i] && ptys[i]->sid == sid)
			return true;
	return false;
}

int pty_hangup_session(int sid)
{
	for (int i = 0; i < PTY_MAX; i++) {
		struct tty *t = ptys[i];
		if (!t || t->sid != sid || sid <= 0)
			continue;
		/* the session loses its terminal; its leader is told */
		t->sid = t->pgrp = 0;
		struct proc *leader = proc_find(sid);
		if (leader && leader->state == P_ALIVE) {
			send_sig(leader, SIGHUP);
			send_sig(leader, SIGCONT);
		}
		return 1;
	}
	return 0;
}

static void tty_free(struct tty *t)
{
	if (t->sino) {
		t->sino->priv = NULL;
		t->sino->nlink = 0;
		inode_put(t->sino);
	}
	kfree(t);
}

/* ---- the master: /dev/ptmx */

static struct inode *make_slave_inode(struct tty *t)
{
	struct inode *ino = kzalloc(sizeof(*ino));
	char *name = kmalloc(12);
	if (!ino || !name) {
		kfree(ino);
		kfree(name);
		return NULL;
	}
	ksnprintf(name, 12, "%d", t->index);
	inode_init(ino, S_IFCHR | 0620, PTS_DEV);
	ino->ino = (uint64_t)t->index + 3;
	ino->rdev = MKDEV(PTS_MAJOR, t->index);
	ino->uid = current ? (unsigned)current->fsuid : 0;
	ino->gid = current ? (unsigned)current->fsgid : 0;
	ino->nlink = 1;
	ino->refs = 1;
	ino->name = name;
	ino->parent = pts_root;
	ino->priv = t;
	return ino;
}

static const struct file_ops pts_fops;
static const struct inode_ops pts_node_iops;

static int ptm_open(struct file *f)
{
	int i = 0;
	while (i < PTY_MAX && ptys[i])
		i++;
	if (i == PTY_MAX)
		return -ENOSPC;
	struct tty *t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->index = i;
	t->locked = true;
	t->masters = 1;
	ldisc_init(t);
	t->sino = make_slave_inode(t);
	if (!t->sino) {
		kfree(t);
		return -ENOMEM;
	}
	t->sino->fops = &pts_fops;
	t->sino->ops = &pts_node_iops;
	ptys[i] = t;
	f->priv = &t->msrc;
	return 0;
}

/* The master's last close: the slave hangs up; its session leader gets
 * SIGHUP and SIGCONT. */
static void ptm_release(struct file *f)
{
	struct tty *t = of_master(f);
	poll_release(f);
	if (--t->masters)
		return;
	ptys[t->index] = NULL;
	t->hung_up = true;
	if (t->sid > 0) {
		struct proc *leader = proc_find(t->sid);
		if (leader && leader->state == P_ALIVE) {
			send_sig(leader, SIGHUP);
			send_sig(leader, SIGCONT);
		}
	}
	t->sid = t->pgrp = 0;
	tty_wake_slave(t);
	if (!t->slaves)
		tty_free(t);
}

static ssize_t ptm_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct tty *t = of_master(f);
	uint8_t tmp[256];
	if (n == 0)
		return 0;
	while (!t->olen) {
		if (t->other_closed)
			return -EIO;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_wait(&t->mwait, 0) == WAKE_SIGNAL)
			return -EINTR;
	}
	size_t k = MIN(MIN(n, sizeof(tmp)), t->olen);
	for (size_t i = 0; i < k; i++)
		tmp[i] = t->out[(t->ohead + i) % TTY_BUF];
	if (xcopy_out(buf, tmp, k, user))
		return -EFAULT;
	t->ohead = (t->ohead + k) % TTY_BUF;
	t->olen -= k;
	tty_wake_slave(t);
	return (ssize_t)k;
}

/* Writes through fn (the ldisc's input or output side), sleeping on q
 * while it takes nothing. */
static ssize_t tty_xfer(struct tty *t, struct file *f, const void *buf, size_t n, bool user,
			size_t (*fn)(struct tty *, const uint8_t *, size_t), struct waitq *q)
{
	uint8_t tmp[256];
	size_t done = 0;
	while (done < n) {
		size_t k = MIN(n - done, sizeof(tmp));
		if (xcopy_in(tmp, (const uint8_t *)buf + done, k, user))
			return done ? (ssize_t)done : -EFAULT;
		size_t took = fn(t, tmp, k);
		done += took;
		if (took)
			continue;
		if (t->hung_up && q == &t->swait)
			return done ? (ssize_t)done : -EIO;
		if (f->flags & O_NONBLOCK)
			return done ? (ssize_t)done : -EAGAIN;
		if (waitq_wait(q, 0) == WAKE_SIGNAL)
			return done ? (ssize_t)done : -EINTR;
	}
	return (ssize_t)done;
}

static ssize_t ptm_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	struct tty *t = of_master(f);
	return tty_xfer(t, f, buf, n, user, ldisc_receive, &t->mwait);
}

static unsigned ptm_poll(struct file *f)
{
	struct tty *t = of_master(f);
	unsigned m = 0;
	if (t->olen)
		m |= EPOLLIN | EPOLLRDNORM;
	if (t->other_closed)
		m |= EPOLLHUP;
	if (t->ilen + t->llen + 1 < TTY_BUF)
		m |= EPOLLOUT | EPOLLWRNORM;
	return m;
}

/* ---- the slave: /dev/pts/N */

static int pts_open(struct file *f)
{
	struct tty *t = f->ino->priv;
	if (!t || t->hung_up)
		return -EIO;
	if (t->locked)
		return -EIO;
	t->slaves++;
	t->other_closed = false;
	f->priv = &t->ssrc;
	struct proc *p = current;
	if (!(f->flags & O_NOCTTY) && p && p->sid == p->pid && !t->sid &&
	    !pty_session_has_ctty(p->sid)) {
		t->sid = p->sid;
		t->pgrp = p->pgid;
	}
	return 0;
}

static void pts_release(struct file *f)
{
	struct tty *t = of_slave(f);
	poll_release(f);
	if (--t->slaves)
		return;
	if (t->masters) {
		t->other_closed = true;
		tty_wake_master(t);
	} else {
		tty_free(t);
	}
}

static ssize_t pts_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct tty *t = of_slave(f);
	if (t->hung_up)
		return 0;
	return ldisc_read(t, f, buf, n, user);
}

static ssize_t pts_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	struct tty *t = of_slave(f);
	if (t->hung_up)
		return -EIO;
	return tty_xfer(t, f, buf, n, user, ldisc_write, &t->swait);
}

static unsigned pts_poll(struct file *f)
{
	struct tty *t = of_slave(f);
	if (t->hung_up)
		return EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLRDNORM | EPOLLWRNORM;
	unsigned m = 0;
	if (ldisc_readable(t))
		m |= EPOLLIN | EPOLLRDNORM;
	if (t->olen + 2 <= TTY_BUF)
		m |= EPOLLOUT | EPOLLWRNORM;
	return m;
}

/* ---- ioctls (fs/pty_ioctl.c) */

static long ptm_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	return tty_ioctl(of_master(f), f, true, req, arg);
}

static long pts_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	struct tty *t = of_slave(f);
	if (t->hung_up)
		return req == TIOCSPGRP ? -ENOTTY : -EIO;
	return tty_ioctl(t, f, false, req, arg);
}

/* TIOCGPTPEER: a new open file of the slave (flags: O_RDWR, O_NOCTTY,
 * O_NONBLOCK, O_CLOEXEC). */
long pty_open_peer(struct tty *t, unsigned long flags)
{
	flags &= O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC; /* others: ignored (Linux) */
	struct file *f = file_open_inode(t->sino, (unsigned)flags);
	if (!f)
		return file_open_err();
	f->flags |= (unsigned)flags & O_NOCTTY;
	int e = pts_open(f);
	f->flags &= ~(unsigned)O_NOCTTY;
	if (e) {
		f->ops = NULL;
		file_put(f);
		return e;
	}
	return fd_alloc(f, 0, flags & O_CLOEXEC);
}

const struct file_ops ptmx_fops = {
	.read = ptm_read,
	.write = ptm_write,
	.ioctl = ptm_ioctl,
	.poll = ptm_poll,
	.open = ptm_open,
	.release = ptm_release,
	.flags = FOP_STREAM | FOP_POLLSRC,
};

static const struct file_ops pts_fops = {
	.read = pts_read,
	.write = pts_write,
	.ioctl = pts_ioctl,
	.poll = pts_poll,
	.open = pts_open,
	.release = pts_release,
	.flags = FOP_STREAM | FOP_POLLSRC,
};

/* ---- the devpts directory */

static int pts_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	int n = 0;
	if (len == 0 || len > 3 || (len > 1 && name[0] == '0'))
		return -ENOENT;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -ENOENT;
		n = n * 10 + (name[i] - '0');
	}
	if (n >= PTY_MAX || !ptys[n])
		return -ENOENT;
	*out = inode_get(ptys[n]->sino);
	return 0;
}

static int pts_readdir(struct inode *dir, uint64_t *pos, dir_emit_t emit, void *ctx)
{
	if (*pos == 0) {
		if (emit(ctx, ".", 1, dir->ino, IFTODT(S_IFDIR), 1))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (emit(ctx, "..", 2, dir->parent->ino, IFTODT(S_IFDIR), 2))
			return 0;
		*pos = 2;
	}
	for (; *pos < 2 + PTY_MAX; ++*pos) {
		struct tty *t = ptys[*pos - 2];
		if (!t)
			continue;
		if (emit(ctx, t->sino->name, strlen(t->sino->name), t->sino->ino, IFTODT(S_IFCHR),
			 *pos + 1))
			return 0;
	}
	return 0;
}

static void pts_evict(struct inode *ino)
{
	kfree(ino->name);
	kfree(ino);
}

static const struct inode_ops pts_dir_iops = { .lookup = pts_lookup, .readdir = pts_readdir };
static const struct inode_ops pts_node_iops = { .evict = pts_evict };
static const struct file_ops pts_dir_fops = { .read = NULL };

struct inode *devpts_root(struct inode *dev)
{
	if (pts_root)
		return pts_root;
	struct inode *ino = kzalloc(sizeof(*ino));
	if (!ino)
		return NULL;
	inode_init(ino, S_IFDIR | 0755, PTS_DEV);
	ino->ino = 1;
	ino->nlink = 2;
	ino->refs = 1;
	ino->ops = &pts_dir_iops;
	ino->fops = &pts_dir_fops;
	ino->name = "pts";
	ino->parent = dev;
	pts_root = ino;
	return ino;
}
