/* spawn.h: running the external tools that make disk images (grub-mkimage,
   mtools, qemu-img, tar, grub-mkrescue) and unpack container images
   (skopeo, umoci). */
#ifndef HTUX_MKIMAGE_SPAWN_H
#define HTUX_MKIMAGE_SPAWN_H

/* Runs argv (argv[0] searched in $PATH) with stdin from /dev/null and its
   stdout and stderr into the file log (appended). Returns 0 when it
   exited with status 0; otherwise prints one line naming the tool (with
   the last line of its output, or the Debian package to install when it
   is missing) and returns -1. pkg names the package holding argv[0]. */
int spawn(char *const argv[], const char *log, const char *pkg);
/* The same with stdout into the file out (truncated) when out is not NULL. */
int spawn_out(char *const argv[], const char *out, const char *log, const char *pkg);

#endif
