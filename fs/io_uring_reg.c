/* io_uring_reg.c: what io_uring_register registers in an instance
 * (fs/io_uring.h): fixed files (IOSQE_FIXED_FILE's table, each held),
 * fixed buffers (READ_FIXED/WRITE_FIXED's: user ranges of the
 * registering process, checked at registration), the eventfd signalled
 * at each completion, and the probe of the opcodes issued. */
#include "fs/io_uring.h"
#include "fs/fdfiles.h"
#include "fs/vfs.h"
#include "kernel/kernel.h"
#include <linux/uio.h>

#define MAX_FIXED_FILES (1u << 15) /* Linux's IORING_MAX_FIXED_FILES, before 5.17 */
#define MAX_BUFFERS 16384u         /* Linux's IORING_MAX_REG_BUFFERS */
#define MAX_BUFFER (1ull << 30)    /* one buffer: at most 1 GiB */

static void drop_files(struct io_ring *r)
{
	for (unsigned i = 0; i < r->nfiles; i++)
		if (r->files[i])
			file_put(r->files[i]);
	kfree(r->files);
	r->files = NULL;
	r->nfiles = 0;
}

static void drop_buffers(struct io_ring *r)
{
	kfree(r->bufs);
	r->bufs = NULL;
	r->nbufs = 0;
}

void io_ring_unregister_all(struct io_ring *r)
{
	drop_files(r);
	drop_buffers(r);
	if (r->evfd)
		file_put(r->evfd);
	r->evfd = NULL;
}

/* REGISTER_FILES: nr descriptors from the array at arg (-1: an empty slot). */
static long reg_files(struct io_ring *r, const int32_t *arg, unsigned nr)
{
	if (r->files)
		return -EBUSY;
	if (!nr)
		return -EINVAL;
	if (nr > MAX_FIXED_FILES)
		return -EMFILE;
	struct file **t = kzalloc(nr * sizeof(*t));
	if (!t)
		return -ENOMEM;
	r->files = t;
	r->nfiles = nr;
	for (unsigned i = 0; i < nr; i++) {
		int32_t fd;
		if (copy_from_user(&fd, arg + i, sizeof(fd))) {
			drop_files(r);
			return -EFAULT;
		}
		if (fd == -1)
			continue;
		struct file *f = fd < 0 ? NULL : fd_get(fd);
		if (!f || io_ring_of(f)) { /* a ring cannot hold itself */
			drop_files(r);
			return -EBADF;
		}
		t[i] = file_get(f);
	}
	return 0;
}

/* REGISTER_BUFFERS: nr struct iovec at arg. */
static long reg_buffers(struct io_ring *r, const struct iovec *arg, unsigned nr)
{
	if (r->bufs)
		return -EBUSY;
	if (!nr || nr > MAX_BUFFERS)
		return -EINVAL;
	struct io_ubuf *b = kzalloc(nr * sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (unsigned i = 0; i < nr; i++) {
		struct iovec v;
		if (copy_from_user(&v, arg + i, sizeof(v))) {
			kfree(b);
			return -EFAULT;
		}
		if (!v.iov_base && v.iov_len) {
			kfree(b);
			return -EFAULT;
		}
		if (v.iov_len > MAX_BUFFER || (v.iov_base && !v.iov_len)) {
			kfree(b);
			return -EFAULT;
		}
		if (!access_ok(v.iov_base, v.iov_len)) {
			kfree(b);
			return -EFAULT;
		}
		b[i] = (struct io_ubuf){ (uint64_t)v.iov_base, v.iov_len };
	}
	r->bufs = b;
	r->nbufs = nr;
	return 0;
}

bool io_ring_has_buffer(struct io_ring *r, unsigned idx) { return idx < r->nbufs; }

int io_ring_buffer(struct io_ring *r, unsigned idx, uint64_t addr, uint64_t len)
{
	if (idx >= r->nbufs)
		return -EFAULT;
	struct io_ubuf *b = &r->bufs[idx];
	if (addr < b->addr || addr > b->addr + b->len || len > b->addr + b->len - addr)
		return -EFAULT;
	return 0;
}

static long probe(const void *arg, unsigned nr, bool (*supported)(unsigned op))
{
	nr = MIN(nr, (unsigned)IORING_OP_LAST_KNOWN); /* as Linux: IORING_OP_LAST at most */
	size_t n = sizeof(struct io_uring_probe) + nr * sizeof(struct io_uring_probe_op);
	struct io_uring_probe *p = kzalloc(n);
	if (!p)
		return -ENOMEM;
	if (copy_from_user(p, arg, n)) {
		kfree(p);
		return -EFAULT;
	}
	const uint8_t *raw = (const uint8_t *)p;
	for (size_t i = 0; i < n; i++)
		if (raw[i]) { /* Linux: the caller's probe must be zeroed */
			kfree(p);
			return -EINVAL;
		}
	p->last_op = IORING_OP_LAST_KNOWN - 1;
	p->ops_len = (uint8_t)nr;
	for (unsigned i = 0; i < p->ops_len; i++) {
		p->ops[i].op = (uint8_t)i;
		p->ops[i].flags = supported(i) ? IO_URING_OP_SUPPORTED : 0;
	}
	long e = copy_to_user((void *)arg, p, n) ? -EFAULT : 0;
	kfree(p);
	return e;
}

long io_ring_register(struct io_ring *r, unsigned op, void *arg, unsigned nr,
		      bool (*supported)(unsigned op))
{
	switch (op) {
	case IORING_REGISTER_BUFFERS: return reg_buffers(r, arg, nr);
	case IORING_UNREGISTER_BUFFERS:
		if (arg || nr)
			return -EINVAL;
		if (!r->bufs)
			return -ENXIO;
		drop_buffers(r);
		return 0;
	case IORING_REGISTER_FILES: return reg_files(r, arg, nr);
	case IORING_UNREGISTER_FILES:
		if (arg || nr)
			return -EINVAL;
		if (!r->files)
			return -ENXIO;
		drop_files(r);
		return 0;
	case IORING_REGISTER_EVENTFD: {
		int32_t fd;
		if (nr != 1)
			return -EINVAL;
		if (r->evfd)
			return -EBUSY;
		if (copy_from_user(&fd, arg, sizeof(fd)))
			return -EFAULT;
		struct file *f = fd_get(fd);
		if (!f)
			return -EBADF;
		if (!eventfd_is(f))
			return -EINVAL;
		r->evfd = file_get(f);
		return 0;
	}
	case IORING_UNREGISTER_EVENTFD:
		if (arg || nr)
			return -EINVAL;
		if (!r->evfd)
			return -ENXIO;
		file_put(r->evfd);
		r->evfd = NULL;
		return 0;
	case IORING_REGISTER_PROBE: return probe(arg, nr, supported);
	}
	return -EINVAL;
}
