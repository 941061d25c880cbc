/* data.c: a minifs regular file's bytes: one contiguous buffer, first
 * borrowed from the initrd (or the kernel) and copied to the heap on the
 * first change; reading, writing and truncating them. */
#include "fs/minifs/mnode.h"

/* Makes room for need bytes in a regular file's own heap buffer. */
static int reserve(struct mnode *m, uint64_t need)
{
	if (m->owned && need <= m->cap)
		return 0;
	size_t ncap = need < 64 ? 64 : need;
	if (m->owned && ncap < m->cap * 2)
		ncap = m->cap * 2;
	uint8_t *p;
	if (m->owned) {
		p = krealloc(m->data, ncap);
	} else {
		p = kmalloc(ncap);
		if (p && m->vi.size)
			memcpy(p, m->data, m->vi.size);
	}
	if (!p)
		return -ENOMEM;
	m->data = p;
	m->cap = ncap;
	m->owned = true;
	return 0;
}

int mf_truncate(struct inode *ino, uint64_t len)
{
	struct mnode *m = M(ino);
	if (!S_ISREG(ino->mode))
		return -EINVAL;
	if (len > MINIFS_MAX_FILE)
		return -EFBIG;
	if (len > ino->size) {
		int e = reserve(m, len);
		if (e)
			return e;
		memset(m->data + ino->size, 0, len - ino->size);
	}
	ino->size = len;
	ino->mtime = ino->ctime = fs_now();
	return 0;
}

const void *mf_data(struct inode *ino)
{
	/* Only bytes borrowed from the image (or the kernel): those never
	 * change, a write copies them into a buffer of the file's own. */
	return S_ISREG(ino->mode) && !M(ino)->owned ? M(ino)->data : NULL;
}

static ssize_t mf_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct inode *ino = f->ino;
	if (off >= ino->size)
		return 0;
	n = MIN(n, ino->size - off);
	if (xcopy_out(buf, M(ino)->data + off, n, user))
		return -EFAULT;
	return (ssize_t)n;
}

static ssize_t mf_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	struct inode *ino = f->ino;
	struct mnode *m = M(ino);
	if (n == 0)
		return 0;
	if (off >= MINIFS_MAX_FILE || n > MINIFS_MAX_FILE - off)
		return -EFBIG;
	int e = reserve(m, off + n);
	if (e)
		return e;
	if (off > ino->size)
		memset(m->data + ino->size, 0, off - ino->size);
	if (xcopy_in(m->data + off, buf, n, user)) {
		return -EFAULT;
	}
	if (off + n > ino->size)
		ino->size = off + n;
	ino->mtime = ino->ctime = fs_now();
	return (ssize_t)n;
}

const struct file_ops mf_reg_fops = {
	.read = mf_read,
	.write = mf_write,
};

void minifs_set_data(struct inode *ino, const void *data, size_t n)
{
	struct mnode *m = M(ino);
	if (m->owned)
		kfree(m->data);
	m->data = (uint8_t *)data;
	m->cap = 0;
	m->owned = false;
	ino->size = n;
}
