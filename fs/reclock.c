/* reclock.c: fcntl record locks, POSIX (F_SETLK, F_SETLKW, F_GETLK) and
 * open file description ones (F_OFD_*). A lock covers a byte range of an
 * inode, read (shared) or write (exclusive), and has an owner: the process
 * for POSIX locks, the open file description for OFD locks; an owner's
 * locks on one inode never overlap, and adjacent or overlapping ones of
 * one kind are merged, as Linux keeps them (F_GETLK shows that); the list
 * is in order of start. Setting a
 * range replaces what the owner had there, splitting its locks. A request
 * that conflicts with another owner's lock fails with EAGAIN, or under
 * F_SETLKW sleeps (EINTR on a signal; EDEADLK when the holder waits for a
 * lock of the caller's, directly or through others: POSIX locks only).
 * A process's POSIX locks on a file go when it closes any descriptor of
 * that file and when it exits; OFD locks go with the last close of their
 * open file description. */
#include "fs/vfs.h"
#include "kernel/proc.h"
#include "kernel/sched.h"

#define END_MAX UINT64_MAX /* "to the end of the file, however long" */
#define SEEK_SET 0         /* l_whence */
#define SEEK_CUR 1
#define SEEK_END 2

struct rlock {
	struct rlock *next;
	struct inode *ino;   /* not held: every lock goes before its file does */
	const void *owner;   /* struct proc (POSIX) or struct file (OFD) */
	int pid;             /* l_pid F_GETLK reports: the owner's pid, -1 for OFD */
	short type;          /* F_RDLCK or F_WRLCK */
	uint64_t start, end; /* bytes start..end, both included */
};

/* A POSIX owner asleep in F_SETLKW and the owner it waits for. */
struct rwait {
	struct rwait *next;
	const void *owner, *blocker;
};

static struct rlock *rlocks;
static struct rwait *rwaits;
static struct waitq rlock_wq;

static bool overlap(const struct rlock *l, uint64_t start, uint64_t end)
{
	return l->start <= end && start <= l->end;
}

/* Another owner's lock on ino that a lock of this type over start..end
 * would conflict with, or NULL. */
static struct rlock *conflict(struct inode *ino, const void *owner, short type, uint64_t start,
			      uint64_t end)
{
	for (struct rlock *l = rlocks; l; l = l->next)
		if (l->ino == ino && l->owner != owner && overlap(l, start, end) &&
		    (type == F_WRLCK || l->type == F_WRLCK))
			return l;
	return NULL;
}

/* Would owner waiting for blocker close a cycle of waiters? */
static bool deadlock(const void *owner, const void *blocker)
{
	for (int hops = 0; blocker && hops < 64; hops++) {
		if (blocker == owner)
			return true;
		const void *next = NULL;
		for (struct rwait *w = rwaits; w; w = w->next)
			if (w->owner == blocker)
				next = w->blocker;
		blocker = next;
	}
	return false;
}

static struct rlock *new_lock(struct inode *ino, const void *owner, int pid, short type,
			      uint64_t start, uint64_t end)
{
	struct rlock *l = kzalloc(sizeof(*l));
	if (!l)
		return NULL;
	l->ino = ino;
	l->owner = owner;
	l->pid = pid;
	l->type = type;
	l->start = start;
	l->end = end;
	return l;
}

/* Gives owner's range start..end of ino the type (F_UNLCK: none): its
 * locks there are cut back or merged with the new one. */
static int apply(struct inode *ino, const void *owner, int pid, short type, uint64_t start,
		 uint64_t end)
{
	/* at most two new pieces (a lock split in two, and the new lock):
	 * allocated first, so that failing changes nothing */
	struct rlock *spare = new_lock(ino, owner, pid, type, 0, 0);
	struct rlock *lock = type == F_UNLCK ? NULL : new_lock(ino, owner, pid, type, start, end);
	if (!spare || (type != F_UNLCK && !lock)) {
		kfree(spare);
		kfree(lock);
		return -ENOLCK;
	}
	for (struct rlock **pp = &rlocks; *pp;) {
		struct rlock *l = *pp;
		bool adjacent = (end != END_MAX && l->start == end + 1) ||
				(start && l->end == start - 1);
		if (l->ino != ino || l->owner != owner || (!overlap(l, start, end) && !adjacent)) {
			pp = &l->next;
			continue;
		}
		if (lock && l->type == type) {
			/* the same kind: the new lock takes it in */
			lock->start = MIN(lock->start, l->start);
			lock->end = MAX(lock->end, l->end);
			*pp = l->next;
			kfree(l);
			continue;
		}
		if (adjacent) {
			pp = &l->next;
			continue;
		}
		if (l->start < start && l->end > end) {
			/* split: l keeps the left part, the spare the right */
			spare->type = l->type;
			spare->pid = l->pid;
			spare->start = end + 1;
			spare->end = l->end;
			spare->next = l->next;
			l->end = start - 1;
			l->next = spare;
			spare = NULL;
			pp = &l->next->next;
		} else if (l->start < start) {
			l->end = start - 1;
			pp = &l->next;
		} else if (l->end > end) {
			l->start = end + 1;
			pp = &l->next;
		} else {
			*pp = l->next;
			kfree(l);
		}
	}
	kfree(spare);
	if (lock) {
		/* in order of start, as Linux keeps a process's locks: F_GETLK
		 * reports the first in the way */
		struct rlock **pp = &rlocks;
		while (*pp && (*pp)->start <= lock->start)
			pp = &(*pp)->next;
		lock->next = *pp;
		*pp = lock;
	}
	waitq_wake_all(&rlock_wq);
	return 0;
}

/* Drops the locks of owner (on ino; NULL: on every inode). */
static void drop(const void *owner, struct inode *ino)
{
	bool any = false;
	for (struct rlock **pp = &rlocks; *pp;) {
		struct rlock *l = *pp;
		if (l->owner == owner && (!ino || l->ino == ino)) {
			*pp = l->next;
			kfree(l);
			any = true;
		} else
			pp = &l->next;
	}
	if (any)
		waitq_wake_all(&rlock_wq);
}

void reclock_close(struct proc *p, struct inode *ino)
{
	if (rlocks)
		drop(p, ino);
}

void reclock_proc_exit(struct proc *p)
{
	if (rlocks)
		drop(p, NULL);
}

void reclock_file_gone(struct file *f)
{
	if (rlocks)
		drop(f, f->ino);
}

/* The byte range a struct flock names, for file f. */
static int range(struct file *f, const struct flock *fl, uint64_t *start, uint64_t *end)
{
	int64_t base;
	switch (fl->l_whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->off; break;
	case SEEK_END: base = (int64_t)f->ino->size; break;
	default: return -EINVAL;
	}
	int64_t s = base + fl->l_start, len = fl->l_len;
	if (s < 0)
		return -EINVAL;
	if (len > 0) {
		if (s > INT64_MAX - len + 1)
			return -EOVERFLOW;
		*start = (uint64_t)s;
		*end = (uint64_t)(s + len - 1);
	} else if (len == 0) {
		*start = (uint64_t)s;
		*end = END_MAX;
	} else {
		if (s + len < 0)
			return -EINVAL;
		*start = (uint64_t)(s + len);
		*end = (uint64_t)(s - 1);
	}
	return 0;
}

long reclock_fcntl(struct file *f, int cmd, struct flock *fl)
{
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;
	bool wait = cmd == F_SETLKW || cmd == F_OFD_SETLKW;
	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK && fl->l_type != F_UNLCK)
		return -EINVAL;
	if (ofd && fl->l_pid != 0)
		return -EINVAL;
	uint64_t start, end;
	int e = range(f, fl, &start, &end);
	if (e)
		return e;
	const void *owner = ofd ? (const void *)f : (const void *)current;
	struct inode *ino = f->ino;

	if (get) {
		if (fl->l_type == F_UNLCK)
			return -EINVAL;
		struct rlock *l = conflict(ino, owner, fl->l_type, start, end);
		if (!l) {
			fl->l_type = F_UNLCK;
			return 0;
		}
		fl->l_type = l->type;
		fl->l_whence = SEEK_SET;
		fl->l_start = (int64_t)l->start;
		fl->l_len = l->end == END_MAX ? 0 : (int64_t)(l->end - l->start + 1);
		fl->l_pid = l->pid;
		return 0;
	}

	unsigned acc = f->flags & O_ACCMODE;
	if ((fl->l_type == F_RDLCK && acc == O_WRONLY) ||
	    (fl->l_type == F_WRLCK && acc == O_RDONLY))
		return -EBADF;
	if (fl->l_type == F_UNLCK)
		return apply(ino, owner, ofd ? -1 : current->pid, F_UNLCK, start, end);

	file_get(f); /* another thread may close it meanwhile */
	struct rwait me = { .owner = owner };
	for (;;) {
		struct rlock *l = conflict(ino, owner, fl->l_type, start, end);
		if (!l) {
			e = apply(ino, owner, ofd ? -1 : current->pid, fl->l_type, start, end);
			break;
		}
		if (!wait) {
			e = -EAGAIN;
			break;
		}
		if (!ofd && l->pid > 0 && deadlock(owner, l->owner)) {
			e = -EDEADLK;
			break;
		}
		me.blocker = l->owner;
		me.next = rwaits;
		rwaits = &me;
		int why = waitq_wait(&rlock_wq, 0);
		for (struct rwait **pp = &rwaits; *pp; pp = &(*pp)->next)
			if (*pp == &me) {
				*pp = me.next;
				break;
			}
		if (why == WAKE_SIGNAL) {
			e = -EINTR;
			break;
		}
	}
	file_put(f);
	return e;
}
