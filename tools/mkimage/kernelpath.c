/* kernelpath.c: where htux-mkimage finds the kernel it puts into disk
   images and libvirt domains. */
#include "kernelpath.h"
#include "report.h"
#include "../common/installdir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The kernel for disks and domains: --kernel, $HTUX_KERNEL, htux.elf next
   to this program (a build tree), in a relocated installation, then
   PKGLIBEXECDIR/htux.elf. */
char *find_kernel(const char *opt)
{
	const char *env = getenv("HTUX_KERNEL");
	char *p;

	if (opt || (env && *env)) {
		p = strdup(opt ? opt : env);
		if (p && access(p, R_OK)) {
			mk_error(p, "kernel: %s", strerror(errno));
			free(p);
			return NULL;
		}
		return p;
	}
	p = exe_sibling("htux.elf", R_OK);
	if (!p)
		p = install_find("htux.elf", R_OK);
	if (p)
		return p;
	if (access(PKGLIBEXECDIR "/htux.elf", R_OK) == 0)
		return strdup(PKGLIBEXECDIR "/htux.elf");
	mk_error(NULL, "cannot find the kernel htux.elf; give it with --kernel FILE");
	return NULL;
}
