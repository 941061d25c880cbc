/* cpio.h: writer for cpio "newc" archives (magic 070701). */
#ifndef HTUX_MKIMAGE_CPIO_H
#define HTUX_MKIMAGE_CPIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Largest name (with its NUL) and file the writer accepts. */
#define CPIO_NAME_MAX 4096
#define CPIO_SIZE_MAX 0xffffffffu

struct cpio {
	FILE *f;
	uint32_t ino;                    /* inode number of the last entry */
	uint64_t left;                   /* data still due for the open file */
	uint32_t size;                   /* size of the open file (for padding) */
	int open;                        /* a file was begun and not ended */
	int err;                         /* errno of the first failure, or 0 */
	uint32_t uid, gid;               /* owner of the next entry (cpio_owner), else 0 */
	void (*progress)(uint64_t size); /* called for each entry, or NULL */
};

/* Every function returns 0, or -1 with errno set; after a failure the
   writer stays failed and returns -1 again. Names are stored as given;
   mode is the permission bits (07777), the type is implied by the call. */
void cpio_init(struct cpio *c, FILE *f);
int cpio_dir(struct cpio *c, const char *name, unsigned mode, int64_t mtime);
int cpio_symlink(struct cpio *c, const char *name, const char *target, int64_t mtime);
int cpio_file(struct cpio *c, const char *name, unsigned mode, int64_t mtime, const void *data,
	      size_t size);
/* A regular file written in pieces: begin, write exactly size bytes, end. */
int cpio_file_begin(struct cpio *c, const char *name, unsigned mode, int64_t mtime, uint64_t size);
int cpio_file_write(struct cpio *c, const void *data, size_t n);
int cpio_file_end(struct cpio *c);
/* Hard links: the first name of a file with nlink names, begun and
   written as above (c->ino is then its inode number), and each other name,
   an entry with that inode number and no data (the kernel links it to the
   first; Linux's initramfs does the same). */
int cpio_file_begin_links(struct cpio *c, const char *name, unsigned mode, int64_t mtime,
			  uint64_t size, uint32_t nlink);
int cpio_hardlink(struct cpio *c, const char *name, unsigned mode, int64_t mtime, uint32_t ino,
		  uint32_t nlink);
/* The owner of the next entry only (entries belong to root, 0:0, else). */
void cpio_owner(struct cpio *c, uint32_t uid, uint32_t gid);
/* The TRAILER!!! entry; the archive is complete once it returns 0 and the
   FILE is flushed. */
int cpio_trailer(struct cpio *c);

#endif
