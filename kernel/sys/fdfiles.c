/* sys/fdfiles.c: the calls that make or lock a file of a kind of their
 * own: eventfd, eventfd2 (fs/eventfd.c), memfd_create (fs/memfd.c) and
 * flock (fs/flock.c): flags checked, names copied in, descriptors given. */
#include "kernel/syscall.h"
#include "fs/vfs.h"
#include "fs/fdfiles.h"
#include <linux/memfd.h>

#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC   O_CLOEXEC
#define EFD_NONBLOCK  O_NONBLOCK

long sys_eventfd2(unsigned count, int flags)
{
	if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
		return -EINVAL;
	struct file *f = eventfd_new(count, flags & EFD_SEMAPHORE, (unsigned)flags);
	if (!f)
		return -ENOMEM;
	return fd_alloc(f, 0, flags & EFD_CLOEXEC);
}

long sys_eventfd(unsigned count)
{
	return sys_eventfd2(count, 0);
}

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define MFD_PREFIX "memfd:"
#define MFD_NAME_MAX (NAME_MAX - (sizeof(MFD_PREFIX) - 1))   /* 249 */

long sys_memfd_create(const char *uname, unsigned flags)
{
	char name[NAME_MAX + 1] = MFD_PREFIX;
	const size_t plen = sizeof(MFD_PREFIX) - 1;

	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC | MFD_HUGETLB |
		      (MFD_HUGE_MASK << MFD_HUGE_SHIFT)))
		return -EINVAL;
	if (!(flags & MFD_HUGETLB) && (flags & (MFD_HUGE_MASK << MFD_HUGE_SHIFT)))
		return -EINVAL;
	if ((flags & MFD_NOEXEC_SEAL) && (flags & MFD_EXEC))
		return -EINVAL;
	if (flags & MFD_HUGETLB)
		return -EINVAL;       /* no huge pages here */
	long len = strncpy_from_user(name + plen, uname, MFD_NAME_MAX + 1);
	if (len == -ENAMETOOLONG)
		return -EINVAL;
	if (len < 0)
		return len;
	struct file *f;
	int e = memfd_new(name, plen + (size_t)len, (flags & MFD_NOEXEC_SEAL) ? 0666 : 0777, &f);
	if (e)
		return e;
	return fd_alloc(f, 0, flags & MFD_CLOEXEC);
}

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

long sys_flock(int fd, unsigned op)
{
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	bool nb = op & LOCK_NB;
	op &= ~(unsigned)LOCK_NB;
	if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN)
		return -EINVAL;
	return flock_file(f, op != LOCK_UN, op == LOCK_EX, nb);
}
