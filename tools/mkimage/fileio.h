/* fileio.h: whole-file helpers for making disk images: reading a file,
   writing all of a buffer, and copies that keep holes (sparse files). */
#ifndef HTUX_MKIMAGE_FILEIO_H
#define HTUX_MKIMAGE_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* Each returns 0 (or a buffer), or -1 (NULL) after printing one line
   naming the file. */
int file_size(const char *path, off_t *size);
int write_all(int fd, const void *buf, size_t n, const char *path);
/* All of path in a new buffer of *len bytes. */
char *read_file(const char *path, size_t *len);
/* src into the open file dst (named dname) at offset off, skipping its
   holes and blocks of zeros, which stay holes in dst. */
int copy_sparse(const char *src, int dst, off_t off, const char *dname);
/* src to a new file dst, sparse likewise. */
int copy_file(const char *src, const char *dst);

#endif
