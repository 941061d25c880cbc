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

long sys_pidfd_getfd(int pidfd, int targetfd, unsigned flags)
{
	if (flags)
		return -EINVAL;
	int pid = pidfd_fd_pid(pidfd, NULL);
	if (pid < 0)
		return pid;
	struct proc *p = proc_find(pid);
	if (!p || p->state != P_ALIVE)
		return -ESRCH; /* as Linux 6.10 on: an ended process has no table */
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
	if (flags)
		return -EINVAL;
	int pid = pidfd_fd_pid(pidfd, NULL);
	if (pid < 0)
		return pid;
	struct proc *p = proc_find(pid);
	if (!p || p->state != P_ALIVE)
		return -ESRCH;
	return p->exiting ? 0 : -EINVAL;
}
