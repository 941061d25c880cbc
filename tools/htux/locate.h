/* locate.h: finding the kernel, htux-mkimage and QEMU; KVM. */
#ifndef HTUX_LOCATE_H
#define HTUX_LOCATE_H

/* The kernel: opt, else $HTUX_KERNEL, else htux.elf next to the htux
   executable (a build tree), else PKGLIBEXECDIR/htux.elf. Returns a
   malloc'd path to a readable file, or NULL after printing why. */
char *locate_kernel(const char *opt);
/* The tool name next to the htux executable when it is there, else name
   itself (to be searched in $PATH). Returns a malloc'd string. */
char *locate_tool(const char *name);
/* QEMU: opt, else $HTUX_QEMU, else qemu-system-x86_64. */
const char *locate_qemu(const char *opt);

#endif
