/* flock.c: flock(2) locks (the call is kernel/sys/fdfiles.c's). A lock
 * belongs to an open file description (shared by dup'd descriptors) and
 * locks its inode: any number of shared
 * locks, or one exclusive. Changing a lock's kind drops the old one first,
 * as Linux does; a request that conflicts fails with EWOULDBLOCK under
 * LOCK_NB, else sleeps until the holders let go. A file's lock goes with
 * its last close (file_put calls flock_release). */
#include "fs/vfs.h"
#include "kernel/sched.h"

struct flock_lock {
	struct flock_lock *next;
	struct file *file;
	struct inode *ino;
	bool exclusive;
};

static struct flock_lock *locks;
static struct waitq flock_wq;

static struct flock_lock **find(struct file *f)
{
	struct flock_lock **pp = &locks;
	while (*pp && (*pp)->file != f)
		pp = &(*pp)->next;
	return pp;
}

static void drop(struct flock_lock **pp)
{
	struct flock_lock *l = *pp;
	*pp = l->next;
	kfree(l);
	waitq_wake_all(&flock_wq);
}

void flock_release(struct file *f)
{
	if (!locks)
		return;
	struct flock_lock **pp = find(f);
	if (*pp)
		drop(pp);
}

static bool conflicts(struct inode *ino, bool exclusive)
{
	for (struct flock_lock *l = locks; l; l = l->next)
		if (l->ino == ino && (exclusive || l->exclusive))
			return true;
	return false;
}

long flock_file(struct file *f, bool lock, bool ex, bool nb)
{
	struct flock_lock **pp = find(f);
	if (!lock) {
		if (*pp)
			drop(pp);
		return 0;
	}
	if (*pp) {
		if ((*pp)->exclusive == ex)
			return 0;
		drop(pp);
	}
	file_get(f); /* another thread may close fd meanwhile */
	long e = 0;
	while (conflicts(f->ino, ex)) {
		if (nb) {
			e = -EWOULDBLOCK;
			break;
		}
		if (waitq_wait(&flock_wq, 0) == WAKE_SIGNAL) {
			e = -EINTR;
			break;
		}
	}
	struct flock_lock *l = e ? NULL : kzalloc(sizeof(*l));
	if (!e && !l)
		e = -ENOMEM;
	if (l) {
		l->file = f;
		l->ino = f->ino;
		l->exclusive = ex;
		l->next = locks;
		locks = l;
	}
	file_put(f);
	return e;
}
