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

/* The copies to and from the program take no fault that sleeps while they
 * use m->data (another thread's write may move it, a truncate shrink it):
 * at a page not there yet they stop, bring it in, and go on from what the
 * file is then. A fault part way gives a short count, as Linux. */
static ssize_t mf_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct inode *ino = f->ino;
	size_t done = 0;
	while (done < n && off + done < ino->size) {
		size_t k = MIN(n - done, ino->size - (off + done));
		size_t c = xcopy_out_nosleep((uint8_t *)buf + done, M(ino)->data + off + done, k, user);
		done += c;
		if (c < k && fault_in_user((uint8_t *)buf + done, true))
			return done ? (ssize_t)done : -EFAULT;
	}
	return (ssize_t)done;
}

static ssize_t mf_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	struct inode *ino = f->ino;
	struct mnode *m = M(ino);
	if (n == 0)
		return 0;
	if (off >= MINIFS_MAX_FILE || n > MINIFS_MAX_FILE - off)
		return -EFBIG;
	size_t done = 0;
	int e = 0;
	while (done < n) {
		uint64_t at = off + done;
		if ((e = reserve(m, off + n)))
			break;
		if (at > ino->size)
			memset(m->data + ino->size, 0, at - ino->size);
		size_t c = xcopy_in_nosleep(m->data + at, (const uint8_t *)buf + done, n - done, user);
		done += c;
		if (c && at + c > ino->size)
			ino->size = at + c;
		if (done < n && (e = fault_in_user((const uint8_t *)buf + done, false)))
			break;
	}
	if (!done)
		return e;
	ino->mtime = ino->ctime = fs_now();
	return (ssize_t)done;
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
