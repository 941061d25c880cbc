/* sys/pidfd.c: descriptors for processes: pidfd_open, pidfd_getfd and
 * process_mrelease (the pidfd files are kernel/pidfd.c's;
 * pidfd_send_signal is with the other senders in kernel/sys/signal.c,
 * waitid's P_PIDFD in kernel/sys/wait.c). */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "fs/vfs.h"

#define PIDFD_NONBLOCK O_NONBLOCK

long sys_pidfd_open(int pid, unsigned flags)
{
	if ((flags & ~(unsigned)PIDFD_NONBLOCK) || pid <= 0)
		return -EINVAL;
	if (!proc_find(pid))
		return -ESRCH;
	struct file *f = pidfd_file(pid, flags & PIDFD_NONBLOCK);
	if (!f)
		return -ENOMEM;
	return fd_alloc(f, 0, true); /* always close-on-exec */
}

/* The live process pidfd names, for a call whose flags must be 0:
 * -EINVAL, the pidfd's error, or -ESRCH when it has ended (a zombie is
 * no task any more, as Linux finds it). */
static struct proc *live_target(int pidfd, unsigned flags, long *err)
{
	int pid = flags ? -EINVAL : pidfd_fd_pid(pidfd, NULL);
	struct proc *p = pid < 0 ? NULL : proc_find(pid);

	*err = pid < 0 ? pid : -ESRCH;
	return p && p->state == P_ALIVE ? p : NULL;
}

long sys_pidfd_getfd(int pidfd, int targetfd, unsigned flags)
{
	long err;
	struct proc *p = live_target(pidfd, flags, &err);
	if (!p)
		return err; /* as Linux 6.10 on: an ended process has no table */
	if (!proc_may_access(p))
		return -EPERM;
	struct file *f = fd_get_in(p, targetfd);
	if (!f)
		return -EBADF;
	return fd_alloc(file_get(f), 0, true);
}

/* process_mrelease: frees a dying process's memory early. A process
 * that is not dying: EINVAL; a zombie is no task any more (ESRCH, as
 * Linux finds it); a dying one frees it as its last thread leaves, which
 * is at once here (0). */
long sys_process_mrelease(int pidfd, unsigned flags)
{
	long err;
	struct proc *p = live_target(pidfd, flags, &err);
	if (!p)
		return err;
	return p->exiting ? 0 : -EINVAL;
}
