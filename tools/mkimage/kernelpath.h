/* kernelpath.h: where htux-mkimage finds the kernel (kernelpath.c). */
#ifndef HTUX_MKIMAGE_KERNELPATH_H
#define HTUX_MKIMAGE_KERNELPATH_H

/* The kernel for disks and domains: opt (--kernel), $HTUX_KERNEL,
   htux.elf next to this program (a build tree), PKGLIBEXECDIR/htux.elf; a
   malloc'd path, or NULL after saying why. */
char *find_kernel(const char *opt);

#endif
