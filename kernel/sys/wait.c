/* sys/wait.c: waiting for children: wait4 and waitid report a child that
 * has ended (exit code or killing signal, encoded as Linux does) and reap
 * it, with its CPU time in rusage; WNOHANG, WNOWAIT, pid/process-group/pidfd
 * selection and __WALL/__WCLONE.
 * Stopped and continued children are never reported: there is no job
 * control (WUNTRACED/WSTOPPED/WCONTINUED report nothing more). */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/cputime.h"
#include <linux/wait.h>
#include <linux/resource.h>

/* Does child c match (which, id) and the clone-child options? */
static bool selects(const struct proc *c, int which, int id, int options)
{
	if (which == P_PID && c->pid != id)
		return false;
	if (which == P_PGID && c->pgid != id)
		return false;
	if (options & __WALL)
		return true;
	/* A "clone" child sends no SIGCHLD at exit: only __WCLONE waits for it. */
	return !!(options & __WCLONE) == (c->exit_signal != SIGCHLD);
}

/* Waits for an ended child; fills *found (not reaped unless reap) and
 * *ru with its CPU time and its reaped children's. Its pid, 0 (WNOHANG,
 * none yet) or -errno. */
static long wait_child(int which, int id, int options, bool reap, int *wstatus, int *uid,
		       struct rusage *ru)
{
	for (;;) {
		bool any = false;
		for (struct proc *c = all_procs; c; c = c->all_next) {
			if (c->parent != current || !selects(c, which, id, options))
				continue;
			any = true;
			if (c->state != P_ZOMBIE || !(options & WEXITED))
				continue;
			int pid = c->pid;
			*wstatus = c->wstatus;
			*uid = c->uid;
			struct cputime own = cputime_proc(c), kids = cputime_children(c);
			cputime_rusage(ru,
				       (struct cputime){ own.user + kids.user, own.sys + kids.sys,
							 own.nvcsw + kids.nvcsw,
							 own.nivcsw + kids.nivcsw });
			if (reap)
				proc_reap(c);
			return pid;
		}
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		if (waitq_wait(&current->child_wait, 0) == WAKE_SIGNAL)
			return -EINTR;
	}
}

long sys_wait4(int pid, int *status, int options, void *rusage)
{
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	int which = P_ALL, id = 0;
	if (pid > 0) {
		which = P_PID;
		id = pid;
	} else if (pid == 0) {
		which = P_PGID;
		id = current->pgid;
	} else if (pid < -1) {
		which = P_PGID;
		id = -pid;
	}
	int w = 0, uid;
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	long r = wait_child(which, id, options | WEXITED, true, &w, &uid, &ru);
	if (r > 0 && status && copy_to_user(status, &w, sizeof(w)))
		return -EFAULT;
	if (r >= 0 && rusage) {
		if (copy_to_user(rusage, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return r;
}

long sys_waitid(int which, int id, void *uinfo, int options, void *rusage)
{
	if (which != P_ALL && which != P_PID && which != P_PGID && which != P_PIDFD)
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)) ||
	    (options & ~(WNOHANG | WEXITED | WSTOPPED | WCONTINUED | WNOWAIT | __WNOTHREAD |
			 __WALL | __WCLONE)))
		return -EINVAL;
	bool nonblock = false;
	if (which == P_PIDFD) {
		int pid = pidfd_fd_pid(id, &nonblock);
		if (pid < 0)
			return pid;
		which = P_PID;
		id = pid;
		if (nonblock)
			options |= WNOHANG;
	}
	if (which == P_PID && id <= 0)
		return -EINVAL;
	if (which == P_PGID && id < 0)
		return -EINVAL;
	if (which == P_PGID && id == 0)
		id = current->pgid;
	int w = 0, uid = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	long r = wait_child(which, id, options, !(options & WNOWAIT), &w, &uid, &ru);
	if (r < 0)
		return r;
	if (r == 0 && nonblock)
		return -EAGAIN; /* an O_NONBLOCK pidfd's child still running */
	if (uinfo) {
		siginfo_t info;
		memset(&info, 0, sizeof(info));
		if (r > 0) {
			info.si_signo = SIGCHLD;
			info.si_pid = (int)r;
			info.si_uid = uid;
			if (w & 0x7F) {
				info.si_code = (w & 0x80) ? CLD_DUMPED : CLD_KILLED;
				info.si_status = w & 0x7F;
			} else {
				info.si_code = CLD_EXITED;
				info.si_status = (w >> 8) & 0xFF;
			}
		}
		if (copy_to_user(uinfo, &info, sizeof(info)))
			return -EFAULT;
	}
	if (rusage) {
		if (copy_to_user(rusage, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return 0;
}
