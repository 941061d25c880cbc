/* fileio.c: whole-file helpers for making disk images: reading a file,
   writing all of a buffer, and copies that keep holes (sparse files), so
   that a disk of whole GiB costs only the blocks it uses. */
#define _GNU_SOURCE /* SEEK_DATA, SEEK_HOLE */
#include "fileio.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_size(const char *path, off_t *size)
{
	struct stat st;

	if (stat(path, &st)) {
		mk_error(path, "%s", strerror(errno));
		return -1;
	}
	*size = st.st_size;
	return 0;
}

int write_all(int fd, const void *buf, size_t n, const char *path)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			mk_error(path, "write error: %s", strerror(errno));
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads all of path into a new buffer of *len bytes. */
char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	off_t size = 0;

	if (!f) {
		mk_error(path, "%s", strerror(errno));
		return NULL;
	}
	if (file_size(path, &size) == 0) {
		buf = malloc((size_t)size + 1);
		if (!buf)
			mk_error(NULL, "out of memory");
		else if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
			mk_error(path, "read error");
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	*len = (size_t)size;
	return buf;
}

/* Copies [from, to) of fd to dst at the same offset plus off, leaving
   holes for blocks of zeros. */
static int copy_range(int fd, off_t from, off_t to, int dst, off_t off, const char *src,
		      const char *dname)
{
	static char buf[64 * 1024], zero[64 * 1024];
	ssize_t n;

	while (from < to) {
		size_t want = to - from < (off_t)sizeof buf ? (size_t)(to - from) : sizeof buf;
		n = pread(fd, buf, want, from);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			mk_error(src, "read error: %s", n ? strerror(errno) : "file shrank");
			return -1;
		}
		if (memcmp(buf, zero, (size_t)n) &&
		    (lseek(dst, off + from, SEEK_SET) < 0 || write_all(dst, buf, (size_t)n, dname)))
			return -1;
		from += n;
	}
	return 0;
}

/* Copies src to dst at offset off, skipping its holes and zero blocks. */
int copy_sparse(const char *src, int dst, off_t off, const char *dname)
{
	int fd = open(src, O_RDONLY), r = 0;
	off_t size, data = 0, hole;

	if (fd < 0) {
		mk_error(src, "%s", strerror(errno));
		return -1;
	}
	size = lseek(fd, 0, SEEK_END);
	while (r == 0 && data < size) {
		data = lseek(fd, data, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			break;  /* only a hole is left */
		if (data < 0) { /* no SEEK_DATA: copy it all */
			r = copy_range(fd, 0, size, dst, off, src, dname);
			break;
		}
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0)
			hole = size;
		r = copy_range(fd, data, hole, dst, off, src, dname);
		data = hole;
	}
	close(fd);
	return r;
}

int copy_file(const char *src, const char *dst)
{
	int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int r;

	if (fd < 0) {
		mk_error(dst, "%s", strerror(errno));
		return -1;
	}
	r = copy_sparse(src, fd, 0, dst);
	if (close(fd) && !r) {
		mk_error(dst, "write error: %s", strerror(errno));
		r = -1;
	}
	return r;
}
