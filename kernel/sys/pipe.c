/* sys/pipe.c: pipe and pipe2: flags checked, the two ends (fs/pipe.c)
 * given descriptors and copied out. */
#include "kernel/syscall.h"
#include "fs/vfs.h"
#include "fs/pipe.h"

long sys_pipe2(int *ufds, int flags)
{
	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if (!access_ok(ufds, 2 * sizeof(int)))
		return -EFAULT;
	struct file *r, *w;
	int err = pipe_create((unsigned)flags, &r, &w);
	if (err)
		return err;
	bool cloexec = flags & O_CLOEXEC;
	int rfd = fd_alloc(r, 0, cloexec);
	if (rfd < 0) {
		file_put(w);
		return rfd;
	}
	int wfd = fd_alloc(w, 0, cloexec);
	if (wfd < 0) {
		fd_close(rfd);
		return wfd;
	}
	int fds[2] = { rfd, wfd };
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(rfd);
		fd_close(wfd);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(int *ufds) { return sys_pipe2(ufds, 0); }
