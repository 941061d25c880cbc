/* image.h: building the image: host files and trees into the archive. */
#ifndef HTUX_MKIMAGE_IMAGE_H
#define HTUX_MKIMAGE_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cpio.h"
#include "pathset.h"

/* A host file with several names, written once (hard links). */
struct image_hlink {
	dev_t dev;
	ino_t ino;
	uint32_t cpio_ino; /* its inode number in the archive */
};

struct image {
	struct cpio cpio;
	struct image_hlink *hlinks; /* host files with st_nlink > 1 seen */
	size_t nhlinks;
	int rootless_owners; /* owners from umoci's user.rootlesscontainers */
	struct pathset seen;
	const char *out; /* archive path, for messages */
	int64_t now;     /* mtime of made-up entries */
	dev_t out_dev;   /* the archive itself, never added to itself */
	ino_t out_ino;
};

/* "/proc", "/sys" or "/dev" when guest is that directory or below it
   (the guest's kernel makes its own: nothing there is added), or NULL. */
const char *image_pseudo(const char *guest);
/* Every function prints one "htux-mkimage: ..." line and returns -1 on
   failure. Names in the image are absolute ("/bin/busybox"). */
int image_init(struct image *im, FILE *f, const char *out, int64_t now);
/* Adds host (absolute; a symbolic link is followed) as guest (absolute,
   normalized): a regular file, or a directory with everything below it,
   symbolic links inside kept as links, a file with several names (hard
   links) written once and linked at its other names. Missing parent directories are
   added first (mode 0755). Adding the same host file twice is a no-op. */
int image_add(struct image *im, const char *host, const char *guest);
/* From now on, entries added from a tree take their owner from the
   user.rootlesscontainers extended attribute that umoci unpack --rootless
   leaves on files whose owner in the image is not root (0:0 without it). */
void image_rootless_owners(struct image *im);
/* The owner umoci's rootless unpack recorded on host (its
   user.rootlesscontainers attribute), 0:0 when there is none; returns
   whether host has the attribute. */
int rootless_owner(const char *host, uint32_t *uid, uint32_t *gid);
/* Counts of what image_add_reached() wrote. */
struct image_counts {
	unsigned long files, dirs, links;
};

/* Adds host as guest the way the program reaches it on the host: a
   symbolic link stays a link and what it points to is added as well (at
   the guest path the link leads to, link after link); a directory is added
   alone, without its contents. A name already in the image is left as it
   is (what --add put there wins); the walk stops at /proc, /sys and /dev.
   Returns 0, 1 when host does not exist or is under those (nothing added,
   no message), or -1. c (may be NULL) counts new entries. */
int image_add_reached(struct image *im, const char *host, const char *guest,
		      struct image_counts *c);
/* Adds a regular file with the given content. */
int image_add_data(struct image *im, const char *guest, unsigned mode, const void *data,
		   size_t size);
/* Adds a symbolic link guest -> target unless guest is in the image
   already (then nothing happens: 0). */
int image_add_link(struct image *im, const char *guest, const char *target);
/* Is guest in the image already? */
int image_has(struct image *im, const char *guest);
/* Writes the trailer and flushes. */
int image_finish(struct image *im);
void image_free(struct image *im);

#endif
