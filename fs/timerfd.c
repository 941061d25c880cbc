/* timerfd.c: timers read as files (the calls timerfd_create,
 * timerfd_settime and timerfd_gettime are kernel/sys/fdfiles.c's). Nothing fires in the background: a timer keeps its next
 * expiry on the monotonic clock (time_ns()) and counts the expirations
 * that passed whenever it is looked at (read, poll, gettime). A blocked
 * reader sleeps until the next expiry; poll, select and epoll_wait sleep
 * no longer than the earliest expiry of all timers (timerfd_next_expiry). */
#include "fs/anon.h"
#include "fs/poll.h"
#include "fs/fdfiles.h"
#include "kernel/sched.h"
#include <linux/time.h>
#include <linux/timerfd.h>

#define NS_FOREVER TIMERFD_FOREVER

struct timerfd {
	struct pollsrc src; /* first: FOP_POLLSRC */
	int clock;
	bool armed;
	uint64_t next;                         /* next expiry, time_ns() */
	uint64_t interval;                     /* ns; 0: one-shot */
	uint64_t ticks;                        /* expirations not read yet */
	struct waitq rq;                       /* blocked readers */
	struct timerfd *list_next, *list_prev; /* all timers */
};

static struct timerfd *timers;
static const struct file_ops tfd_fops;

/* Counts the expirations up to now. */
static void update(struct timerfd *t, uint64_t now)
{
	if (!t->armed || now < t->next)
		return;
	if (t->interval) {
		uint64_t k = (now - t->next) / t->interval + 1;
		t->ticks += k;
		t->next += k * t->interval;
	} else {
		t->ticks++;
		t->armed = false;
	}
	poll_notify(&t->src, POLL_KEY_IN);
}

uint64_t timerfd_next_expiry(void)
{
	uint64_t best = 0, now = 0;
	for (struct timerfd *t = timers; t; t = t->list_next) {
		if (!t->armed)
			continue;
		if (!now)
			now = time_ns();
		update(t, now);
		if (t->armed && (!best || t->next < best))
			best = t->next;
	}
	return best;
}

static ssize_t tfd_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct timerfd *t = f->priv;
	if (n < sizeof(uint64_t))
		return -EINVAL;
	for (;;) {
		update(t, time_ns());
		if (t->ticks)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_wait(&t->rq, t->armed ? t->next : 0) == WAKE_SIGNAL)
			return -EINTR;
	}
	if (xcopy_out(buf, &t->ticks, sizeof(t->ticks), user))
		return -EFAULT;
	t->ticks = 0;
	return sizeof(uint64_t);
}

static unsigned tfd_poll(struct file *f)
{
	struct timerfd *t = f->priv;
	update(t, time_ns());
	return t->ticks ? EPOLLIN | EPOLLRDNORM : 0;
}

static long tfd_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	struct timerfd *t = f->priv;
	uint64_t v;
	if (req != TFD_IOC_SET_TICKS)
		return -ENOTTY;
	if (copy_from_user(&v, (void *)arg, sizeof(v)))
		return -EFAULT;
	if (v == 0)
		return -EINVAL;
	update(t, time_ns());
	t->ticks = v;
	waitq_wake_all(&t->rq);
	poll_notify(&t->src, POLL_KEY_IN);
	return 0;
}

static void tfd_release(struct file *f)
{
	struct timerfd *t = f->priv;
	poll_release(f);
	if (t->list_prev)
		t->list_prev->list_next = t->list_next;
	else
		timers = t->list_next;
	if (t->list_next)
		t->list_next->list_prev = t->list_prev;
	kfree(t);
}

static const struct file_ops tfd_fops = {
	.read = tfd_read,
	.ioctl = tfd_ioctl,
	.poll = tfd_poll,
	.release = tfd_release,
	.flags = FOP_STREAM | FOP_SEEK0 | FOP_POLLSRC,
};

struct file *timerfd_new(int clock, unsigned flags)
{
	struct timerfd *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->clock = clock;
	struct file *f = anon_file("timerfd", &tfd_fops, t, O_RDWR | (flags & O_NONBLOCK));
	if (!f) {
		kfree(t);
		return NULL;
	}
	t->list_next = timers;
	if (timers)
		timers->list_prev = t;
	timers = t;
	return f;
}

struct timerfd *timerfd_of(int fd, long *err)
{
	struct file *f = fd_get(fd);
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (f->ops != &tfd_fops) {
		*err = -EINVAL;
		return NULL;
	}
	return f->priv;
}

void timerfd_setting(struct timerfd *t, uint64_t *left, uint64_t *interval)
{
	uint64_t now = time_ns();
	update(t, now);
	*left = t->armed ? t->next - now : 0;
	*interval = t->interval;
}

void timerfd_arm(struct timerfd *t, bool abstime, uint64_t value, uint64_t interval)
{
	uint64_t now = time_ns();
	t->ticks = 0;
	t->interval = interval;
	t->armed = value != 0;
	if (!t->armed) {
		t->next = 0;
	} else if (abstime) {
		/* The clock's time to the monotonic clock's. */
		int64_t base = 0;
		if (t->clock == CLOCK_REALTIME || t->clock == CLOCK_REALTIME_ALARM)
			base = realtime_boot_ns();
		int64_t mono = value >= NS_FOREVER ? (int64_t)NS_FOREVER : (int64_t)value - base;
		t->next = mono > 0 ? (uint64_t)mono : 1;
	} else {
		t->next = value >= NS_FOREVER - now ? NS_FOREVER : now + value;
	}
	/* Blocked readers and pollers sleep until the old expiry: rewake them
	 * (poll and select on this timer; epoll_wait sleepers, with no
	 * wake-up counted: the timer did not expire). */
	waitq_wake_all(&t->rq);
	poll_wake_waiters(&t->src);
	poll_notify(NULL, POLL_KEY_ALL);
}
