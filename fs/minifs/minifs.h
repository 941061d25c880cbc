/* minifs.h: the RAM filesystem holding "/": a tree of directories, regular
 * files and symlinks. File data first points into the initrd (no copy) and
 * moves to pages of the file's own (holes having none) the first time it
 * is written. */
#ifndef HTUX_MINIFS_H
#define HTUX_MINIFS_H

#include "fs/vfs.h"

#define MINIFS_DEV 0x1u /* st_dev of minifs (major 0, minor 1) */

struct inode *minifs_new_root(void);
bool minifs_is(struct inode *ino);
uint64_t minifs_inodes(void); /* how many exist (for statfs) */
/* The pages files may take (half of memory, as tmpfs's default size) and
 * those they take (fs/minifs/data.c; for statfs). */
uint64_t minifs_limit_pages(void);
uint64_t minifs_used_pages(void);

/* Makes a device (or other special) node with its own file operations. */
int minifs_mknod(struct inode *dir, const char *name, unsigned mode, uint64_t rdev,
		 const struct file_ops *fops, void *priv, struct inode **out);

/* Puts an inode of another filesystem (never freed) into dir under name. */
int minifs_attach(struct inode *dir, const char *name, struct inode *ino);

/* Takes the entry name out of dir whatever it is, a directory with all
 * below it included (those nodes stay allocated, unreachable), with one
 * "htux:" warning, so that the kernel's own /proc, /sys or /dev can take
 * its place. */
int minifs_shadow(struct inode *dir, const char *name);

/* Makes a regular file's bytes the n bytes at data (not copied: they must
 * stay valid; the first write copies them to the heap). */
void minifs_set_data(struct inode *ino, const void *data, size_t n);

/* Unpacks a cpio newc archive into the tree under root. On error returns
 * -EINVAL (or -ENOMEM) and sets *why and *where (offset in the archive). */
int cpio_unpack(struct inode *root, const void *buf, size_t len, const char **why, size_t *where);

#endif
