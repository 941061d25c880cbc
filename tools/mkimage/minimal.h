/* minimal.h: htux-mkimage --minimal: a kernel linked with only the system
   calls the program can make. */
#ifndef HTUX_MKIMAGE_MINIMAL_H
#define HTUX_MKIMAGE_MINIMAL_H

#include "sysscan.h"

/* Links the kernel KERNEL_OUT from the kernel's objects (htux-kernel.o,
   kernel.ld and link-kernel.sh, installed with htux) with a syscall table
   holding the handlers of the calls s found, plus those the vDSO makes
   (every handler when some site's number is unknown, unless ignore_unknown
   says to leave those sites to -ENOSYS for calls found nowhere else), and
   prints one line
   on stderr: what was found and the kernel's loaded size against the full
   kernel's. prog names the program in that line. 0, or -1 after printing
   why. */
int minimal_kernel(const char *kernel_out, const char *prog, const struct sysscan *s,
		   int ignore_unknown);

#endif
