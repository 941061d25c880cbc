/* pidfd.c: pidfd files (pidfd_open, clone's CLONE_PIDFD): a descriptor
 * that names one process by its pid (pids are never reused here, so the
 * number names it for good); poll, select and epoll see it readable once
 * the process has ended (a zombie, or reaped). It has no data: read and
 * write are EINVAL. */
#include "kernel/proc.h"
#include "fs/anon.h"
#include "fs/poll.h"

static unsigned pidfd_poll(struct file *f)
{
	struct proc *p = proc_find((int)(uintptr_t)f->priv);
	if (!p || p->state == P_ZOMBIE)
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

static const struct file_ops pidfd_fops = {
	.poll = pidfd_poll,
};

struct file *pidfd_file(int pid, bool nonblock)
{
	return anon_file("pidfd", &pidfd_fops, (void *)(uintptr_t)pid,
			 O_RDWR | (nonblock ? O_NONBLOCK : 0));
}

int pidfd_pid(struct file *f)
{
	if (!f || f->ops != &pidfd_fops)
		return -EBADF;
	return (int)(uintptr_t)f->priv;
}

int pidfd_fd_pid(int fd, bool *nonblock)
{
	struct file *f = fd_get(fd);
	int pid = pidfd_pid(f);
	if (pid > 0 && nonblock)
		*nonblock = f->flags & O_NONBLOCK;
	return pid;
}

void pidfd_proc_ended(void) { poll_notify(NULL, POLL_KEY_IN); }
