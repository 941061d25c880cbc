/* sys/poll.c: poll, ppoll, select and pselect6: wait until one of a set of
 * descriptors is ready, a timeout passes or a signal comes. Each pass asks
 * every file's poll operation and registers the call on the file's
 * object (a poll table, fs/poll.h: one slot per pollfd, or per descriptor
 * in select's sets); between passes the thread sleeps until one of those
 * objects has a wake-up (or any notification at all when a file has no
 * object to register on). Every way out unregisters. The p- variants
 * install a signal mask for the wait; ppoll, select and pselect6 write
 * back the time left. */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "fs/vfs.h"
#include "fs/poll.h"
#include <linux/poll.h>
#include <linux/time_types.h>

#define NS 1000000000ull
#define NS_FOREVER ((uint64_t)INT64_MAX)

/* ---- timeouts: an absolute deadline on time_ns(); 0 means none. A zero
 * timeout is "do not wait" (nowait). */

struct timeout {
	uint64_t deadline;
	bool nowait;
	bool given; /* a timeout was given: write back the time left */
};

static uint64_t deadline_after(uint64_t ns)
{
	uint64_t now = time_ns();
	return ns >= NS_FOREVER - now ? NS_FOREVER : now + ns;
}

static int timeout_ms(struct timeout *to, int ms)
{
	to->given = false;
	to->nowait = ms == 0;
	to->deadline = ms > 0 ? deadline_after((uint64_t)ms * 1000000ull) : 0;
	return 0;
}

static int timeout_ns(struct timeout *to, int64_t sec, int64_t nsec)
{
	if (sec < 0 || nsec < 0 || nsec >= (int64_t)NS)
		return -EINVAL;
	to->given = true;
	to->nowait = sec == 0 && nsec == 0;
	if (to->nowait)
		to->deadline = 0;
	else if ((uint64_t)sec >= NS_FOREVER / NS)
		to->deadline = NS_FOREVER;
	else
		to->deadline = deadline_after((uint64_t)sec * NS + (uint64_t)nsec);
	return 0;
}

/* Time left until the deadline, in ns (0 once passed). */
static uint64_t time_left(const struct timeout *to)
{
	uint64_t now = time_ns();
	return to->deadline > now ? to->deadline - now : 0;
}

static bool expired(const struct timeout *to) { return to->deadline && time_ns() >= to->deadline; }

/* ---- poll */

/* One pass over fds: sets revents, returns how many are nonzero; slot i
 * of pt watches fds[i]'s file. */
static int poll_pass(struct pollfd *fds, unsigned nfds, struct poll_table *pt)
{
	int count = 0;
	for (unsigned i = 0; i < nfds; i++) {
		fds[i].revents = 0;
		if (fds[i].fd < 0) {
			poll_table_watch(pt, i, NULL, 0);
			continue;
		}
		struct file *f = fd_get(fds[i].fd);
		unsigned m, want = (unsigned)(uint16_t)fds[i].events | POLLERR | POLLHUP;
		poll_table_watch(pt, i, f, want);
		if (!f)
			m = POLLNVAL;
		else
			m = file_poll(f) & want;
		fds[i].revents = (short)m;
		if (m)
			count++;
	}
	return count;
}

static long do_poll(struct pollfd *ufds, unsigned nfds, struct timeout *to)
{
	if (nfds > rlimit_cur(RLIMIT_NOFILE))
		return -EINVAL; /* as Linux: more entries than descriptors may be */
	struct pollfd *fds = kmalloc(sizeof(*fds) * (nfds ? nfds : 1));
	if (!fds)
		return -ENOMEM;
	if (copy_from_user(fds, ufds, sizeof(*fds) * nfds)) {
		kfree(fds);
		return -EFAULT;
	}
	long ret;
	struct poll_table pt;
	poll_table_init(&pt, to->nowait ? 0 : nfds); /* no wait: nothing to register */
	for (;;) {
		ret = poll_pass(fds, nfds, &pt);
		if (ret || to->nowait || expired(to))
			break;
		if (poll_table_wait(&pt, to->deadline) == WAKE_SIGNAL) {
			ret = -EINTR;
			break;
		}
	}
	poll_table_done(&pt);
	if (!access_ok(ufds, sizeof(*fds) * nfds)) /* even for none, as Linux */
		ret = -EFAULT;
	for (unsigned i = 0; i < nfds && ret != -EFAULT; i++)
		if (copy_to_user(&ufds[i].revents, &fds[i].revents, sizeof(short))) {
			ret = -EFAULT;
			break;
		}
	kfree(fds);
	return ret;
}

long sys_poll(struct pollfd *ufds, unsigned nfds, int timeout)
{
	struct timeout to;
	timeout_ms(&to, timeout);
	return do_poll(ufds, nfds, &to);
}

/* Writes the time left to a timespec the caller gave (not for a zero one). */
static long put_left_ts(struct __kernel_timespec *uts, const struct timeout *to, long ret)
{
	if (!to->given || to->nowait || ret == -EFAULT)
		return ret;
	uint64_t left = time_left(to);
	struct __kernel_timespec ts = { (long long)(left / NS), (long long)(left % NS) };
	if (copy_to_user(uts, &ts, sizeof(ts)) && ret >= 0)
		return -EFAULT;
	return ret;
}

long sys_ppoll(struct pollfd *ufds, unsigned nfds, struct __kernel_timespec *tsp,
	       const uint64_t *sigmask, size_t sigsetsize)
{
	struct timeout to = { 0, false, false };
	if (tsp) {
		struct __kernel_timespec ts;
		if (copy_from_user(&ts, tsp, sizeof(ts)))
			return -EFAULT;
		long e = timeout_ns(&to, ts.tv_sec, ts.tv_nsec);
		if (e)
			return e;
	}
	long e = poll_sigmask_set(sigmask, sigsetsize);
	if (e)
		return e;
	long ret = do_poll(ufds, nfds, &to);
	poll_sigmask_done(sigmask, ret);
	return put_left_ts(tsp, &to, ret);
}

/* ---- select */

#define SEL_IN (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define SEL_OUT (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define SEL_EX (POLLPRI)
#define WORDS(n) (((size_t)(n) + 63) / 64)

/* Three sets of WORDS(n) words each (in, out, ex), in one block. */
struct fdsets {
	uint64_t *in, *out, *ex;
};

static bool bit(const uint64_t *set, int fd) { return set[fd / 64] >> (fd % 64) & 1; }
static void set_bit(uint64_t *set, int fd) { set[fd / 64] |= 1ull << (fd % 64); }

static int get_set(uint64_t *set, const void *uset, int n)
{
	memset(set, 0, sizeof(uint64_t) * WORDS(n));
	if (!uset)
		return 0;
	return copy_from_user(set, uset, WORDS(n) * sizeof(uint64_t));
}

static int put_set(void *uset, const uint64_t *set, int n)
{
	if (!uset)
		return 0;
	return copy_to_user(uset, set, WORDS(n) * sizeof(uint64_t));
}

/* One pass: fills res from the files asked for in want; returns the number
 * of bits set. The k-th descriptor asked for is slot k of pt. */
static int select_pass(int n, const struct fdsets *want, struct fdsets *res, struct poll_table *pt)
{
	int count = 0;
	unsigned slot = 0;
	memset(res->in, 0, sizeof(uint64_t) * WORDS(n) * 3);
	for (int fd = 0; fd < n; fd++) {
		bool i = bit(want->in, fd), o = bit(want->out, fd), x = bit(want->ex, fd);
		if (!i && !o && !x)
			continue;
		struct file *f = fd_get(fd);
		poll_table_watch(pt, slot++, f,
				 (i ? SEL_IN : 0) | (o ? SEL_OUT : 0) | (x ? SEL_EX : 0));
		if (!f)
			continue; /* closed by another thread meanwhile */
		unsigned m = file_poll(f);
		if (i && (m & SEL_IN)) {
			set_bit(res->in, fd);
			count++;
		}
		if (o && (m & SEL_OUT)) {
			set_bit(res->out, fd);
			count++;
		}
		if (x && (m & SEL_EX)) {
			set_bit(res->ex, fd);
			count++;
		}
	}
	return count;
}

static long do_select(int n, void *uin, void *uout, void *uex, struct timeout *to)
{
	if (n < 0)
		return -EINVAL;
	/* as Linux: descriptors past the table's size are not looked at */
	if (n > fd_table_size(current))
		n = fd_table_size(current);
	size_t w = WORDS(n);
	uint64_t *sets = kmalloc(sizeof(uint64_t) * (w ? w * 6 : 1));
	if (!sets)
		return -ENOMEM;
	struct fdsets want_sets = { sets, sets + w, sets + 2 * w };
	struct fdsets res_sets = { sets + 3 * w, sets + 4 * w, sets + 5 * w };
	struct fdsets *want = &want_sets, *res = &res_sets;
	long ret;
	if (get_set(want->in, uin, n) || get_set(want->out, uout, n) || get_set(want->ex, uex, n)) {
		ret = -EFAULT;
		goto out;
	}
	unsigned asked = 0;
	for (int fd = 0; fd < n; fd++)
		if (bit(want->in, fd) || bit(want->out, fd) || bit(want->ex, fd)) {
			if (!fd_get(fd)) {
				ret = -EBADF;
				goto out;
			}
			asked++;
		}
	struct poll_table pt;
	poll_table_init(&pt, to->nowait ? 0 : asked);
	for (;;) {
		ret = select_pass(n, want, res, &pt);
		if (ret || to->nowait || expired(to))
			break;
		if (poll_table_wait(&pt, to->deadline) == WAKE_SIGNAL) {
			ret = -EINTR;
			break;
		}
	}
	poll_table_done(&pt);
	if (ret == -EINTR)
		goto out;
	if (put_set(uin, res->in, n) || put_set(uout, res->out, n) || put_set(uex, res->ex, n))
		ret = -EFAULT;
out:
	kfree(sets);
	return ret;
}

long sys_select(int n, void *inp, void *outp, void *exp, struct __kernel_old_timeval *tvp)
{
	struct timeout to = { 0, false, false };
	struct __kernel_old_timeval tv;
	if (tvp) {
		if (copy_from_user(&tv, tvp, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		/* Linux folds excess microseconds into seconds. */
		int64_t sec = tv.tv_sec + tv.tv_usec / 1000000;
		long e = timeout_ns(&to, sec, (tv.tv_usec % 1000000) * 1000);
		if (e)
			return e;
	}
	long ret = do_select(n, inp, outp, exp, &to);
	if (tvp && !to.nowait && ret != -EFAULT) {
		uint64_t left = time_left(&to);
		tv.tv_sec = (long)(left / NS);
		tv.tv_usec = (long)(left % NS / 1000);
		if (copy_to_user(tvp, &tv, sizeof(tv)) && ret >= 0)
			ret = -EFAULT;
	}
	return ret;
}

struct sigset_arg {
	const uint64_t *set;
	size_t size;
};

long sys_pselect6(int n, void *inp, void *outp, void *exp, struct __kernel_timespec *tsp,
		  const void *usig)
{
	struct timeout to = { 0, false, false };
	if (tsp) {
		struct __kernel_timespec ts;
		if (copy_from_user(&ts, tsp, sizeof(ts)))
			return -EFAULT;
		long e = timeout_ns(&to, ts.tv_sec, ts.tv_nsec);
		if (e)
			return e;
	}
	struct sigset_arg sa = { NULL, 0 };
	if (usig && copy_from_user(&sa, usig, sizeof(sa)))
		return -EFAULT;
	long e = poll_sigmask_set(sa.set, sa.size);
	if (e)
		return e;
	long ret = do_select(n, inp, outp, exp, &to);
	poll_sigmask_done(sa.set, ret);
	return put_left_ts(tsp, &to, ret);
}
