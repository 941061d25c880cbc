/* sys/userfaultfd.c: the userfaultfd call: its flags and who may make
 * one that also handles the kernel's own faults (CAP_SYS_PTRACE, or
 * vm.unprivileged_userfaultfd); the object is kernel/userfaultfd.c's. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/userfaultfd.h"
#include "fs/vfs.h"
#include <linux/capability.h>
#include <linux/userfaultfd.h>

long sys_userfaultfd(int flags)
{
	if (!(flags & UFFD_USER_MODE_ONLY) && !UFFD_UNPRIVILEGED && !capable(CAP_SYS_PTRACE))
		return -EPERM;
	if (flags & ~(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY))
		return -EINVAL;
	struct file *f = uffd_new(current->mm, flags);
	if (!f)
		return -ENOMEM;
	return fd_alloc(f, 0, flags & O_CLOEXEC);
}
