/* pty_ioctl.c: the terminal ioctls of a pseudo-terminal's two sides
 * (fs/pty.c): termios (TCGETS, TCSETS[WF]), window size with SIGWINCH,
 * FIONREAD, TIOCOUTQ, TCFLSH, TCSBRK, the foreground group and session
 * (TIOCGPGRP, TIOCSPGRP, TIOCGSID), the controlling terminal (TIOCSCTTY,
 * TIOCNOTTY) and the master's TIOCGPTN, TIOCSPTLCK, TIOCGPTLCK and
 * TIOCGPTPEER. The answers follow Linux's drivers/tty/tty_io.c and
 * tty_jobctrl.c. */
#include "fs/tty.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include <asm/ioctls.h>

#define CAP_SYS_ADMIN 21

/* Whether t is the calling process's controlling terminal. */
static bool is_ctty(struct tty *t) { return t->sid > 0 && t->sid == current->sid; }

static long set_pgrp(struct tty *t, void *p)
{
	int v;
	if (copy_from_user(&v, p, sizeof(v)))
		return -EFAULT;
	if (v < 0)
		return -EINVAL;
	if (!is_ctty(t))
		return -ENOTTY;
	bool found = false, same = false;
	for (struct proc *q = all_procs; q; q = q->all_next) {
		if (q->state != P_ALIVE || q->pgid != v)
			continue;
		found = true;
		if (q->sid == current->sid)
			same = true;
	}
	if (!found)
		return -ESRCH;
	if (!same)
		return -EPERM;
	t->pgrp = v;
	return 0;
}

/* TIOCSCTTY: a session leader without one takes t as its controlling
 * terminal (arg 1 and CAP_SYS_ADMIN: even from another session). */
static long set_ctty(struct tty *t, unsigned long arg, bool has_other)
{
	struct proc *p = current;
	if (p->sid == p->pid && t->sid == p->sid)
		return 0;
	if (p->sid != p->pid || has_other)
		return -EPERM;
	if (t->sid) {
		if (arg != 1 || !(p->cap_eff & (1ull << CAP_SYS_ADMIN)))
			return -EPERM;
	}
	t->sid = p->sid;
	t->pgrp = p->pgid;
	return 0;
}

/* TIOCNOTTY: gives up the controlling terminal; the session leader's
 * doing so sends SIGHUP and SIGCONT to the foreground group. */
static long no_ctty(struct tty *t)
{
	if (!is_ctty(t))
		return -ENOTTY;
	if (current->sid == current->pid) {
		int pg = t->pgrp;
		t->sid = t->pgrp = 0;
		if (pg > 0) {
			tty_signal_pgrp(pg, SIGHUP);
			tty_signal_pgrp(pg, SIGCONT);
		}
	}
	return 0;
}

long tty_ioctl(struct tty *t, struct file *f, bool master, unsigned long req, unsigned long arg)
{
	void *p = (void *)arg;
	int v;
	switch (req) {
	case TCGETS: return copy_to_user(p, &t->tio, sizeof(t->tio));
	case TCSETS:
	case TCSETSW:
	case TCSETSF: {
		struct termios nt;
		if (copy_from_user(&nt, p, sizeof(nt)))
			return -EFAULT;
		if (req == TCSETSF)
			ldisc_flush_in(t);
		ldisc_set_termios(t, &nt);
		return 0;
	}
	case TIOCGWINSZ: return copy_to_user(p, &t->ws, sizeof(t->ws));
	case TIOCSWINSZ: {
		struct winsize w;
		if (copy_from_user(&w, p, sizeof(w)))
			return -EFAULT;
		bool changed = memcmp(&w, &t->ws, sizeof(w)) != 0;
		t->ws = w;
		if (changed && t->pgrp > 0)
			tty_signal_pgrp(t->pgrp, SIGWINCH);
		return 0;
	}
	case FIONREAD:
		v = master ? (int)t->olen : (int)ldisc_avail(t);
		return copy_to_user(p, &v, sizeof(v));
	case TIOCOUTQ: v = master ? 0 : (int)t->olen; return copy_to_user(p, &v, sizeof(v));
	case TCFLSH: {
		if (arg > TCIOFLUSH)
			return -EINVAL;
		bool in = arg == TCIFLUSH || arg == TCIOFLUSH;
		bool out = arg == TCOFLUSH || arg == TCIOFLUSH;
		if (master ? out : in)
			ldisc_flush_in(t);
		if (master ? in : out)
			t->olen = 0;
		tty_wake_master(t);
		tty_wake_slave(t);
		return 0;
	}
	case TCSBRK:
	case TCSBRKP: return 0; /* nothing waits to leave a pseudo-terminal */
	case TIOCGPGRP:
		if (!master && !is_ctty(t))
			return -ENOTTY;
		v = t->pgrp;
		return copy_to_user(p, &v, sizeof(v));
	case TIOCSPGRP: return set_pgrp(t, p);
	case TIOCGSID:
		if ((!master && !is_ctty(t)) || !t->sid)
			return -ENOTTY;
		v = t->sid;
		return copy_to_user(p, &v, sizeof(v));
	case TIOCSCTTY: return set_ctty(t, arg, pty_session_has_ctty(current->sid));
	case TIOCNOTTY: return no_ctty(t);
	case TIOCGPTN:
		if (!master)
			return -ENOTTY;
		v = t->index;
		return copy_to_user(p, &v, sizeof(v));
	case TIOCSPTLCK:
		if (!master)
			return -ENOTTY;
		if (copy_from_user(&v, p, sizeof(v)))
			return -EFAULT;
		t->locked = v != 0;
		return 0;
	case TIOCGPTLCK:
		if (!master)
			return -ENOTTY;
		v = t->locked;
		return copy_to_user(p, &v, sizeof(v));
	case TIOCGPTPEER:
		if (!master)
			return -ENOTTY;
		return pty_open_peer(t, arg);
	default: return -ENOTTY;
	}
}
