/* oci.h: --oci: a container image (an OCI image layout directory or a
   docker save archive) unpacked with Debian's skopeo and umoci, and what
   goes into the htux image from it: the whole root filesystem and the
   process of its runtime config (args, env, cwd, user), as docker run
   would start it; --format oci: the htux image packed as one. */
#ifndef HTUX_MKIMAGE_OCI_H
#define HTUX_MKIMAGE_OCI_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "options.h"

struct oci_app {
	char *tmpdir; /* our temporary directory, removed by oci_free() */
	char *rootfs; /* the unpacked root filesystem (in tmpdir) */
	char *prog;   /* guest path of argv[0], found in the root filesystem */
	char **argv;  /* entrypoint + cmd, or entrypoint + ARGS */
	size_t argc;
	char **env; /* NAME=VALUE: the image's, then -e's */
	size_t nenv;
	char *cwd;         /* the working directory, or NULL for "/" */
	char *user;        /* /.htux/user: --user, or the image's "UID:GID" (not root) */
	int syscall_sites; /* --syscall-sites: a root disk gets /.htux/sites too */
};

/* Unpacks o->prog (PATH[:TAG]) and works out the process; o->args are
   docker run's ARGS (they replace the image's Cmd). Returns 0, or -1
   after one "htux-mkimage: ..." line. Call oci_free() after either. */
int oci_unpack(const struct mk_opts *o, struct oci_app *a);
/* Adds the root filesystem and /.htux/argv, env, user and cwd. */
int oci_add(struct image *im, const struct oci_app *a);
void oci_free(struct oci_app *a);
/* Removes the directory dir and everything below it (made writable). */
void oci_rmtree(const char *dir);
/* Records dir, a temporary directory, for oci_cleanup() until
   oci_rmtree(dir); oci_cleanup() removes those left (on a signal). */
void oci_tmp_made(const char *dir);
void oci_cleanup(void);

/* ociout.c: --format oci: writes the OCI image o->output (DIR[:TAG], TAG
   defaulting to latest; DIR is made with umoci init unless it is a
   layout already) holding kernel and the image cpio; 0, or -1 after one
   line. */
int oci_write(const struct mk_opts *o, const char *kernel, const char *cpio);

/* rootdisk.c: the root filesystem on an ext2 disk (--rootfs disk). */
/* The data blocks (bytes) and entries of the tree at rootfs; 0, or -1
   after one line. */
int rootdisk_measure(const char *rootfs, uint64_t *bytes, uint64_t *inodes);
/* The size over which --rootfs auto makes a disk: HTUX_ROOT_DISK_OVER
   (BYTES, NK, NM or NG), else ROOT_DISK_OVER. */
uint64_t rootdisk_threshold(void);
/* Writes the ext2 disk out (mke2fs -d, then debugfs for the owners)
   holding a's root filesystem and /.htux/argv, env, user and cwd; 0, or
   -1 after one line. */
int rootdisk_write(const struct oci_app *a, const char *out);

/* ociroot.c: the root filesystem. */
/* The guest path a shell in the root filesystem would run for name
   (searched in the PATH of env when name has no '/'; relative to cwd when
   it is relative), which must be an executable regular file there after
   following symbolic links inside the root; malloc'd, or NULL. */
char *oci_find_prog(const char *rootfs, const char *name, char *const env[], size_t nenv,
		    const char *cwd);
/* The home directory of uid in the root filesystem's /etc/passwd, or "/"
   (malloc'd; NULL when out of memory). */
char *oci_home(const char *rootfs, unsigned long uid);
/* Makes the directory guest (and its parents, mode 0755) in the root
   filesystem when it is missing, as docker run does for WorkingDir (not
   through a symbolic link, which could lead out of the root). */
int oci_mkdirs(const char *rootfs, const char *guest);

#endif
