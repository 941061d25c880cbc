/* anon.c: anonymous inodes: the inode behind each eventfd, timerfd and
 * epoll file, freed with the file. */
#include "fs/anon.h"

struct anon_inode {
	struct inode vi;
	char name[32]; /* "anon_inode:[KIND]" */
};

static uint64_t anon_ino; /* the one st_ino they all show, as on Linux */

static void anon_evict(struct inode *ino) { kfree(ino); }

static const struct inode_ops anon_iops = {
	.evict = anon_evict,
};

struct file *anon_file(const char *kind, const struct file_ops *ops, void *priv, unsigned flags)
{
	struct anon_inode *a = kzalloc(sizeof(*a));
	if (!a)
		return NULL;
	inode_init(&a->vi, S_IRUSR | S_IWUSR, ANON_DEV);
	if (!anon_ino)
		anon_ino = a->vi.ino;
	a->vi.ino = anon_ino;
	a->vi.nlink = 1;
	a->vi.transient = true;
	a->vi.ops = &anon_iops;
	a->vi.fops = ops;
	ksnprintf(a->name, sizeof(a->name), "anon_inode:[%s]", kind);
	a->vi.name = a->name;
	struct file *f = file_open_inode(&a->vi, flags);
	if (!f) {
		kfree(a);
		return NULL;
	}
	f->flags &= ~(unsigned)O_LARGEFILE;
	f->priv = priv;
	return f;
}
