/* cpio.c: the cpio "newc" format: headers, names, data, padding, trailer. */
#include "cpio.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static const char zeros[4];

static int fail(struct cpio *c, int e)
{
	if (!c->err)
		c->err = e ? e : EIO;
	errno = c->err;
	return -1;
}

static int put(struct cpio *c, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, c->f) != n)
		return fail(c, errno);
	return 0;
}

/* Pads to a multiple of 4 after n bytes. */
static int pad(struct cpio *c, uint64_t n) { return put(c, zeros, (4 - n % 4) % 4); }

static uint32_t clamp_time(int64_t t)
{
	if (t < 0)
		return 0;
	if (t > 0xffffffff)
		return 0xffffffff;
	return (uint32_t)t;
}

/* Header and name of one entry, padded to 4 (the header is 110 bytes). */
static int header(struct cpio *c, const char *name, uint32_t mode, uint32_t nlink, int64_t mtime,
		  uint64_t size, uint32_t ino)
{
	char h[111];
	size_t namesize;

	if (c->err)
		return fail(c, c->err);
	if (c->open) {
		errno = EINVAL;
		return -1;
	}
	namesize = strlen(name) + 1;
	if (namesize == 1 || namesize > CPIO_NAME_MAX) {
		errno = namesize == 1 ? EINVAL : ENAMETOOLONG;
		return -1;
	}
	if (size > CPIO_SIZE_MAX) {
		errno = EFBIG;
		return -1;
	}
	snprintf(h, sizeof h, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 (unsigned)ino, (unsigned)mode, (unsigned)c->uid, (unsigned)c->gid, (unsigned)nlink,
		 (unsigned)clamp_time(mtime), (unsigned)size, 0u, 0u, 0u, 0u, (unsigned)namesize,
		 0u);
	c->uid = c->gid = 0;    /* cpio_owner is for one entry */
	if (c->progress && ino) /* not the trailer */
		c->progress(size);
	if (put(c, h, 110) || put(c, name, namesize))
		return -1;
	return pad(c, 110 + namesize);
}

void cpio_owner(struct cpio *c, uint32_t uid, uint32_t gid)
{
	c->uid = uid;
	c->gid = gid;
}

void cpio_init(struct cpio *c, FILE *f)
{
	memset(c, 0, sizeof *c);
	c->f = f;
}

int cpio_dir(struct cpio *c, const char *name, unsigned mode, int64_t mtime)
{
	return header(c, name, S_IFDIR | (mode & 07777), 2, mtime, 0, ++c->ino);
}

int cpio_symlink(struct cpio *c, const char *name, const char *target, int64_t mtime)
{
	size_t n = strlen(target);

	if (header(c, name, S_IFLNK | 0777, 1, mtime, n, ++c->ino))
		return -1;
	if (put(c, target, n))
		return -1;
	return pad(c, n);
}

int cpio_file_begin(struct cpio *c, const char *name, unsigned mode, int64_t mtime, uint64_t size)
{
	return cpio_file_begin_links(c, name, mode, mtime, size, 1);
}

int cpio_hardlink(struct cpio *c, const char *name, unsigned mode, int64_t mtime, uint32_t ino,
		  uint32_t nlink)
{
	return header(c, name, S_IFREG | (mode & 07777), nlink, mtime, 0, ino);
}

int cpio_file_begin_links(struct cpio *c, const char *name, unsigned mode, int64_t mtime,
			  uint64_t size, uint32_t nlink)
{
	if (header(c, name, S_IFREG | (mode & 07777), nlink, mtime, size, ++c->ino))
		return -1;
	c->open = 1;
	c->left = size;
	c->size = (uint32_t)size;
	return 0;
}

int cpio_file_write(struct cpio *c, const void *data, size_t n)
{
	if (c->err)
		return fail(c, c->err);
	if (!c->open || n > c->left) {
		errno = EINVAL;
		return -1;
	}
	if (put(c, data, n))
		return -1;
	c->left -= n;
	return 0;
}

int cpio_file_end(struct cpio *c)
{
	if (c->err)
		return fail(c, c->err);
	if (!c->open || c->left) {
		errno = EINVAL;
		return -1;
	}
	c->open = 0;
	return pad(c, c->size);
}

int cpio_file(struct cpio *c, const char *name, unsigned mode, int64_t mtime, const void *data,
	      size_t size)
{
	if (cpio_file_begin(c, name, mode, mtime, size))
		return -1;
	if (cpio_file_write(c, data, size))
		return -1;
	return cpio_file_end(c);
}

int cpio_trailer(struct cpio *c) { return header(c, "TRAILER!!!", 0, 1, 0, 0, 0); }
