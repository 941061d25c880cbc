/* fasync.c: signal-driven I/O: the owner of an open file (F_SETOWN,
 * F_SETOWN_EX: a thread, a process or a process group) and its signal
 * (F_SETSIG), the O_ASYNC registrations of the objects that support them
 * (pipes, FIFOs, sockets, the console: FOP_FASYNC), and the signal sent
 * to the owner when such an object has a wake-up (Linux's fasync_helper,
 * kill_fasync and send_sigio).
 *
 * An object's registrations hang off its struct pollsrc; poll_notify
 * calls fasync_notify with the wake-up's key. A pipe signals its readers
 * with POLL_IN when data arrives and its writers with POLL_OUT when room
 * appears (both at a hang-up); a socket signals POLL_IN for data, POLL_OUT
 * only after a send found no room (Linux's SOCKWQ_ASYNC_NOSPACE), and
 * POLL_HUP (or POLL_IN) on other changes. */
#include "fs/poll.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include <asm/siginfo.h>

struct fasync {
	struct fasync *next;
	struct file *f;
	int fd; /* the descriptor O_ASYNC was set through: si_fd */
};

static bool can_async(struct file *f)
{
	return f->ops && (f->ops->flags & FOP_POLLSRC) && (f->ops->flags & FOP_FASYNC) && f->priv;
}

static void unlink_file(struct pollsrc *src, struct file *f)
{
	for (struct fasync **pp = &src->async; *pp; pp = &(*pp)->next) {
		if ((*pp)->f == f) {
			struct fasync *a = *pp;
			*pp = a->next;
			kfree(a);
			return;
		}
	}
}

int fasync_set(struct file *f, int fd, bool on)
{
	if (!on == !(f->flags & FASYNC))
		return 0;
	if (!can_async(f))
		return -ENOTTY;
	struct pollsrc *src = f->priv;
	if (on) {
		struct fasync *a = kzalloc(sizeof(*a));
		if (!a)
			return -ENOMEM;
		a->f = f;
		a->fd = fd;
		a->next = src->async;
		src->async = a;
		f->flags |= FASYNC;
		if (f->ops->flags & FOP_TTY_OWNER) /* a terminal: its foreground group */
			fown_take(f, F_OWNER_PGRP, console_fg_pgrp());
	} else {
		unlink_file(src, f);
		f->flags &= ~(unsigned)FASYNC;
	}
	return 0;
}

bool fasync_supported(struct file *f) { return can_async(f); }

void fasync_file_gone(struct file *f)
{
	if ((f->flags & FASYNC) && can_async(f))
		unlink_file(f->priv, f);
}

/* ---- owners */

static bool owner_alive(int type, int id)
{
	if (id <= 0)
		return false;
	if (type == F_OWNER_TID) {
		struct thread *t = thread_find(id);
		return t && t->state != T_DEAD;
	}
	if (type == F_OWNER_PID) {
		struct proc *p = proc_find(id);
		return p && p->state == P_ALIVE;
	}
	for (struct proc *p = all_procs; p; p = p->all_next)
		if (p->state == P_ALIVE && p->pgid == id)
			return true;
	return false;
}

/* Linux finds the owner's struct pid: any thread, process or group id. */
static bool id_exists(int id)
{
	return owner_alive(F_OWNER_TID, id) || owner_alive(F_OWNER_PID, id) ||
	       owner_alive(F_OWNER_PGRP, id);
}

int fown_set(struct file *f, int type, int id)
{
	if (type != F_OWNER_TID && type != F_OWNER_PID && type != F_OWNER_PGRP)
		return -EINVAL;
	if (id < 0 || (id && !id_exists(id)))
		return -ESRCH;
	fown_take(f, type, id);
	return 0;
}

int fown_setown(struct file *f, int who)
{
	if (who == INT32_MIN)
		return -EINVAL;
	return fown_set(f, who < 0 ? F_OWNER_PGRP : F_OWNER_PID, who < 0 ? -who : who);
}

int fown_getown(struct file *f)
{
	int type, id;
	fown_get(f, &type, &id);
	return type == F_OWNER_PGRP ? -id : id;
}

void fown_take(struct file *f, int type, int id)
{
	f->owner_type = (uint8_t)type;
	f->owner_id = id;
	if (id && current) {
		f->owner_uid = current->uid;
		f->owner_euid = current->euid;
	}
}

void fown_get(struct file *f, int *type, int *id)
{
	*type = f->owner_type;
	*id = owner_alive(f->owner_type, f->owner_id) ? f->owner_id : 0;
}

/* ---- sending */

/* Signals whose si_code values are their own (Linux's sig_specific_sicodes). */
static bool specific_codes(int sig)
{
	return sig == SIGILL || sig == SIGFPE || sig == SIGSEGV || sig == SIGBUS ||
	       sig == SIGTRAP || sig == SIGCHLD || sig == SIGPOLL || sig == SIGSYS;
}

static long band_of(int reason)
{
	static const unsigned band[] = {
		[POLL_IN] = EPOLLIN | EPOLLRDNORM,
		[POLL_OUT] = EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND,
		[POLL_MSG] = EPOLLIN | EPOLLRDNORM | EPOLLMSG,
		[POLL_ERR] = EPOLLERR,
		[POLL_PRI] = EPOLLPRI | EPOLLRDBAND,
		[POLL_HUP] = EPOLLHUP | EPOLLERR,
	};
	return band[reason];
}

/* Linux's sigio_perm: the setter was root or shares an id with p. */
static bool may_signal(struct file *f, struct proc *p)
{
	return f->owner_euid == 0 || f->owner_euid == p->suid || f->owner_euid == p->uid ||
	       f->owner_uid == p->suid || f->owner_uid == p->uid;
}

static void send_one(struct proc *p, struct thread *t, struct file *f, int fd, int reason)
{
	siginfo_t info;
	int sig = f->sigio_sig;
	if (!may_signal(f, p))
		return;
	if (sig) {
		memset(&info, 0, sizeof(info));
		info.si_signo = sig;
		info.si_code = sig != SIGPOLL && specific_codes(sig) ? SI_SIGIO : reason;
		info.si_band = band_of(reason);
		info.si_fd = fd;
		if (signal_send_to(p, t, &info) >= 0)
			return;
	}
	/* the plain SIGIO (also when a real-time signal could not be queued) */
	memset(&info, 0, sizeof(info));
	info.si_signo = SIGIO;
	info.si_code = SI_KERNEL;
	signal_send_to(p, t, &info);
}

void fasync_send(struct file *f, int fd, int reason)
{
	int id = f->owner_id;
	if (id <= 0)
		return;
	if (f->owner_type == F_OWNER_TID) {
		struct thread *t = thread_find(id);
		if (t && t->state != T_DEAD)
			send_one(t->proc, t, f, fd, reason);
	} else if (f->owner_type == F_OWNER_PID) {
		struct proc *p = proc_find(id);
		if (p && p->state == P_ALIVE)
			send_one(p, NULL, f, fd, reason);
	} else {
		for (struct proc *p = all_procs; p; p = p->all_next)
			if (p->state == P_ALIVE && p->pgid == id)
				send_one(p, NULL, f, fd, reason);
	}
}

void fasync_notify(struct pollsrc *src, unsigned key)
{
	bool nospace = src->async_nospace;
	for (struct fasync *a = src->async; a; a = a->next) {
		struct file *f = a->f;
		if (S_ISSOCK(f->ino->mode)) {
			if (key & POLL_KEY_IN) {
				fasync_send(f, a->fd, POLL_IN);
			} else if (key & POLL_KEY_OUT) {
				if (nospace)
					fasync_send(f, a->fd, POLL_OUT);
			} else {
				unsigned m = file_poll(f);
				if (m & (EPOLLHUP | EPOLLRDHUP | EPOLLERR))
					fasync_send(f, a->fd, POLL_HUP);
				else if (m & EPOLLIN)
					fasync_send(f, a->fd, POLL_IN);
			}
			continue;
		}
		if ((key == POLL_KEY_ALL || (key & POLL_KEY_IN)) && file_readable(f))
			fasync_send(f, a->fd, POLL_IN);
		if ((key == POLL_KEY_ALL || (key & POLL_KEY_OUT)) && file_writable(f))
			fasync_send(f, a->fd, POLL_OUT);
	}
	if (nospace && (key & POLL_KEY_OUT))
		src->async_nospace = false;
}
