/* devices.c: the devices of /dev (null, zero, full, random, urandom, tty,
 * console, ptmx with devpts at /dev/pts: fs/pty.c, userfaultfd:
 * kernel/userfaultfd.c), the std* and fd links to /proc/self/fd,
 * /dev/shm, and the POSIX message queue directory attached at /dev/mqueue
 * (fs/mqueue.c), made at boot. */
#include "fs/vfs.h"
#include "fs/mqueue.h"
#include "fs/tty.h"
#include "fs/minifs/minifs.h"
#include "kernel/userfaultfd.h"

#define MKDEV(ma, mi) (((uint64_t)(ma) << 8) | (uint64_t)(mi))

static ssize_t null_read(struct file *f, void *buf, size_t n, uint64_t off, bool user) { return 0; }

static ssize_t sink_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	return (ssize_t)n;
}

static ssize_t full_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	return -ENOSPC;
}

/* A fault part way gives the bytes before it, as Linux. */
static ssize_t zero_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	if (!user) {
		memset(buf, 0, n);
		return (ssize_t)n;
	}
	size_t c = clear_user_partial(buf, n);
	return c ? (ssize_t)c : -EFAULT;
}

static ssize_t random_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	uint8_t tmp[256];
	for (size_t done = 0; done < n;) {
		size_t k = MIN(n - done, sizeof(tmp));
		random_bytes(tmp, k);
		size_t c = xcopy_out_partial((uint8_t *)buf + done, tmp, k, user);
		done += c;
		if (c < k)
			return done ? (ssize_t)done : -EFAULT;
	}
	return (ssize_t)n;
}

static const struct file_ops null_fops = { .read = null_read,
					   .write = sink_write,
					   .flags = FOP_SEEK0 };
static const struct file_ops zero_fops = { .read = zero_read,
					   .write = sink_write,
					   .flags = FOP_SEEK0 | FOP_MMAP_ANON };
static const struct file_ops full_fops = { .read = zero_read,
					   .write = full_write,
					   .flags = FOP_SEEK0 };
static const struct file_ops random_fops = { .read = random_read,
					     .write = sink_write,
					     .flags = FOP_SEEK0 };

static const struct {
	const char *name;
	unsigned mode;
	uint64_t rdev;
	const struct file_ops *fops;
} devices[] = {
	{ "null", S_IFCHR | 0666, MKDEV(1, 3), &null_fops },
	{ "zero", S_IFCHR | 0666, MKDEV(1, 5), &zero_fops },
	{ "full", S_IFCHR | 0666, MKDEV(1, 7), &full_fops },
	{ "random", S_IFCHR | 0666, MKDEV(1, 8), &random_fops },
	{ "urandom", S_IFCHR | 0666, MKDEV(1, 9), &random_fops },
	{ "tty", S_IFCHR | 0666, MKDEV(5, 0), &console_fops },
	{ "console", S_IFCHR | 0600, MKDEV(5, 1), &console_fops },
	{ "ptmx", S_IFCHR | 0666, MKDEV(5, 2), &ptmx_fops },
	{ "userfaultfd", S_IFCHR | 0600, MKDEV(10, 126),
	  &uffd_dev_fops }, /* kernel/userfaultfd.c */
};

static const struct {
	const char *name, *target;
} dev_links[] = {
	{ "/dev/stdin", "/proc/self/fd/0" },
	{ "/dev/stdout", "/proc/self/fd/1" },
	{ "/dev/stderr", "/proc/self/fd/2" },
	{ "/dev/fd", "/proc/self/fd" },
};

static int make_dir(const char *path, unsigned mode)
{
	int e = vfs_mkdirat(AT_FDCWD, path, 0777);
	if (e == -EEXIST)
		return 0;
	struct inode *ino;
	if (!e && (e = vfs_lookupat(AT_FDCWD, path, 0, &ino)) == 0) {
		vfs_chmod(ino, mode);
		inode_put(ino);
	}
	return e;
}

/* Makes /dev and fills it. */
int devices_init(void)
{
	struct inode *dev;
	int e = make_dir("/dev", 0755);
	if (!e)
		e = vfs_lookupat(AT_FDCWD, "/dev", LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dev);
	if (e) {
		kprintf("htux: cannot make /dev (error %d)\n", -e);
		return e;
	}
	for (size_t i = 0; i < ARRAY_SIZE(devices) && !e; i++) {
		e = minifs_mknod(dev, devices[i].name, devices[i].mode, devices[i].rdev,
				 devices[i].fops, NULL, NULL);
		if (e == -EEXIST)
			e = 0;
	}
	if (!e) { /* devpts: the slaves of /dev/ptmx's pseudo-terminals */
		struct inode *pts = devpts_root(dev);
		e = pts ? minifs_attach(dev, "pts", pts) : -ENOMEM;
	}
	inode_put(dev);
	for (size_t i = 0; i < ARRAY_SIZE(dev_links) && !e; i++) {
		e = vfs_symlinkat(dev_links[i].target, AT_FDCWD, dev_links[i].name);
		if (e == -EEXIST)
			e = 0;
	}
	if (!e)
		e = make_dir("/dev/shm", 01777);
	if (!e) { /* POSIX message queues: an image's empty /dev/mqueue gives way */
		e = vfs_unlinkat(AT_FDCWD, "/dev/mqueue", true);
		e = e == -ENOENT ? 0 : e;
	}
	if (!e && !(e = vfs_lookupat(AT_FDCWD, "/dev", LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dev))) {
		e = minifs_attach(dev, "mqueue", mqueue_dir());
		inode_put(dev);
	}
	if (e) {
		kprintf("htux: cannot fill /dev (error %d)\n", -e);
		return e;
	}
	return 0;
}
