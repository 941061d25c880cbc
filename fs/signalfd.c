/* signalfd.c: signalfd files (the calls signalfd and signalfd4 are
 * kernel/sys/fdfiles.c's): a file that takes the reading thread's pending
 * signals in its mask (its own, then the process's) and
 * returns each as a struct signalfd_siginfo, dequeuing it. A read blocks
 * until one is pending; poll reports EPOLLIN while one is. kernel/signal.c
 * calls signalfd_notify when a signal becomes pending, which wakes the
 * pollers (FOP_POLLSRC). */
#include "fs/anon.h"
#include "fs/poll.h"
#include "fs/fdfiles.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include <linux/signalfd.h>

struct signalfd {
	struct pollsrc src; /* first: FOP_POLLSRC */
	uint64_t mask;
	struct signalfd *next; /* every signalfd, for signalfd_notify */
};

static struct signalfd *all;
static const struct file_ops sfd_fops;

void signalfd_notify(int sig)
{
	for (struct signalfd *s = all; s; s = s->next)
		if (s->mask & SIGBIT(sig))
			poll_notify(&s->src, POLL_KEY_IN);
}

static uint64_t ready(struct signalfd *s)
{
	return (cur_thread->sigpending | signal_proc_pending()) & s->mask;
}

/* Linux's signalfd_copyinfo: the fields of info's layout. */
static void fill(struct signalfd_siginfo *o, const siginfo_t *i)
{
	memset(o, 0, sizeof(*o));
	o->ssi_signo = (uint32_t)i->si_signo;
	o->ssi_errno = i->si_errno;
	o->ssi_code = i->si_code;
	int sig = i->si_signo, code = i->si_code;
	if (code == SI_TIMER) {
		o->ssi_tid = (uint32_t)i->si_tid;
		o->ssi_overrun = (uint32_t)i->si_overrun;
		o->ssi_ptr = (uint64_t)i->si_ptr;
		o->ssi_int = i->si_int;
	} else if (code < 0 && code != SI_SIGIO) { /* sigqueue, tkill, ... */
		o->ssi_pid = (uint32_t)i->si_pid;
		o->ssi_uid = i->si_uid;
		o->ssi_ptr = (uint64_t)i->si_ptr;
		o->ssi_int = i->si_int;
	} else if (code == SI_SIGIO || (code > 0 && code < SI_KERNEL && sig == SIGPOLL)) {
		o->ssi_band = (uint32_t)i->si_band;
		o->ssi_fd = i->si_fd;
	} else if (code > 0 && code < SI_KERNEL && sig == SIGCHLD) {
		o->ssi_pid = (uint32_t)i->si_pid;
		o->ssi_uid = i->si_uid;
		o->ssi_status = i->si_status;
		o->ssi_utime = (uint64_t)i->si_utime;
		o->ssi_stime = (uint64_t)i->si_stime;
	} else if (code > 0 && code < SI_KERNEL &&
		   (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
		    sig == SIGTRAP)) {
		o->ssi_addr = (uint64_t)i->si_addr;
	} else { /* SI_USER, SI_KERNEL */
		o->ssi_pid = (uint32_t)i->si_pid;
		o->ssi_uid = i->si_uid;
	}
}

static ssize_t sfd_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct signalfd *s = f->priv;
	size_t count = n / sizeof(struct signalfd_siginfo), done = 0;
	if (count == 0)
		return -EINVAL;
	while (done < count) {
		siginfo_t info;
		int sig = signal_dequeue(cur_thread, s->mask, &info);
		if (!sig) {
			if (done)
				break;
			if (f->flags & O_NONBLOCK)
				return -EAGAIN;
			if (waitq_wait(&sigwait_queue, 0) == WAKE_SIGNAL && !ready(s))
				return -EINTR;
			continue;
		}
		struct signalfd_siginfo o;
		fill(&o, &info);
		if (xcopy_out((uint8_t *)buf + done * sizeof(o), &o, sizeof(o), user))
			return done ? (ssize_t)(done * sizeof(o)) : -EFAULT;
		done++;
	}
	return (ssize_t)(done * sizeof(struct signalfd_siginfo));
}

static unsigned sfd_poll(struct file *f) { return ready(f->priv) ? EPOLLIN | EPOLLRDNORM : 0; }

static void sfd_release(struct file *f)
{
	struct signalfd *s = f->priv;
	poll_release(f);
	for (struct signalfd **pp = &all; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	kfree(s);
}

static const struct file_ops sfd_fops = {
	.read = sfd_read,
	.poll = sfd_poll,
	.release = sfd_release,
	.flags = FOP_STREAM | FOP_SEEK0 | FOP_POLLSRC,
};

int signalfd_set(int fd, uint64_t mask)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (f->ops != &sfd_fops)
		return -EINVAL;
	((struct signalfd *)f->priv)->mask = mask;
	waitq_wake_all(&sigwait_queue);
	poll_notify(f->priv, POLL_KEY_IN);
	return 0;
}

struct file *signalfd_new(uint64_t mask, unsigned flags)
{
	struct signalfd *s = kzalloc(sizeof(*s));
	if (!s)
		return NULL;
	s->mask = mask;
	struct file *f = anon_file("signalfd", &sfd_fops, s, O_RDWR | (flags & O_NONBLOCK));
	if (!f) {
		kfree(s);
		return NULL;
	}
	s->next = all;
	all = s;
	return f;
}
