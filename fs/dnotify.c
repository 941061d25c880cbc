/* dnotify.c: directory change notification, fcntl(F_NOTIFY): the watches
 * (a directory's open file, the descriptor table that set it, DN_* mask)
 * and the signal each change sends, through the file's owner and F_SETSIG
 * signal (fs/fasync.c) with POLL_MSG, as Linux's dnotify.
 *
 * The VFS reports changes: names made (DN_CREATE: create, mkdir, link,
 * mknod, symlink, the new name of a rename), removed (DN_DELETE, also the
 * old name of a rename), renamed (DN_RENAME: a rename within the directory),
 * and a file's data (DN_MODIFY: write, truncate), reads
 * (DN_ACCESS) and attributes (DN_ATTRIB: chmod, chown, utimes), which
 * reach the watches of the file itself (a directory) and of its parent.
 * A watch without DN_MULTISHOT ends at its first signal; closing a
 * descriptor of the file ends the watches its table set. */
#include "fs/poll.h"
#include "kernel/proc.h"
#include <asm/siginfo.h>

#define DN_ALL (DN_ACCESS | DN_MODIFY | DN_CREATE | DN_DELETE | DN_RENAME | DN_ATTRIB)

struct dwatch {
	struct dwatch *next;
	struct inode *dir;
	struct file *f;
	struct fd_table *table; /* whose descriptors close it */
	int fd;
	unsigned mask;
};

static struct dwatch *watches;

long dnotify_fcntl(struct file *f, int fd, unsigned long arg)
{
	unsigned mask = (unsigned)arg;
	if (!(mask & ~(unsigned)DN_MULTISHOT)) {
		dnotify_close(f, current->files);
		return 0;
	}
	if (!S_ISDIR(f->ino->mode))
		return -ENOTDIR;
	struct dwatch *w;
	for (w = watches; w; w = w->next)
		if (w->f == f && w->table == current->files)
			break;
	if (w) {
		w->fd = fd;
		w->mask |= mask;
	} else {
		w = kzalloc(sizeof(*w));
		if (!w)
			return -ENOMEM;
		w->dir = f->ino;
		w->f = f;
		w->table = current->files;
		w->fd = fd;
		w->mask = mask;
		w->next = watches;
		watches = w;
		fsnotify_watches++;
	}
	/* the caller becomes the owner, as Linux's fcntl_dirnotify does */
	fown_take(f, F_OWNER_PID, current->pid);
	return 0;
}

static void drop(bool (*match)(struct dwatch *w, const void *arg), const void *arg)
{
	for (struct dwatch **pp = &watches; *pp;) {
		struct dwatch *w = *pp;
		if (match(w, arg)) {
			*pp = w->next;
			kfree(w);
			fsnotify_watches--;
		} else {
			pp = &w->next;
		}
	}
}

struct closing {
	struct file *f;
	struct fd_table *table;
};

static bool closes(struct dwatch *w, const void *arg)
{
	const struct closing *c = arg;
	return w->f == c->f && w->table == c->table;
}

static bool gone(struct dwatch *w, const void *f) { return w->f == f; }

void dnotify_close(struct file *f, struct fd_table *t)
{
	struct closing c = { f, t };
	if (watches)
		drop(closes, &c);
}

void dnotify_file_gone(struct file *f)
{
	if (watches)
		drop(gone, f);
}

void dnotify_dir(struct inode *dir, unsigned ev)
{
	for (struct dwatch **pp = &watches; *pp;) {
		struct dwatch *w = *pp;
		if (w->dir != dir || !(w->mask & ev & DN_ALL)) {
			pp = &w->next;
			continue;
		}
		fasync_send(w->f, w->fd, POLL_MSG);
		if (w->mask & DN_MULTISHOT) {
			pp = &w->next;
		} else {
			*pp = w->next;
			kfree(w);
			fsnotify_watches--;
		}
	}
}

/* Linux's fsnotify_move: DN_RENAME to the directory when the name stays
 * in it, FS_MOVED_FROM (DN_DELETE) to the old directory, FS_MOVED_TO
 * (DN_CREATE) to the new. */
void dnotify_move(struct inode *odir, struct inode *ndir)
{
	if (!watches)
		return;
	if (odir == ndir)
		dnotify_dir(odir, DN_RENAME);
	dnotify_dir(odir, DN_DELETE);
	dnotify_dir(ndir, DN_CREATE);
}

void dnotify_inode(struct inode *ino, unsigned ev)
{
	if (!watches)
		return;
	if (S_ISDIR(ino->mode))
		dnotify_dir(ino, ev);
	if (ino->parent && ino->parent != ino && ino->nlink)
		dnotify_dir(ino->parent, ev);
}
