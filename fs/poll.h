/* poll.h: readiness notification between the pollable files (pipes,
 * eventfd, timerfd, the console, epoll) and the calls that wait for them
 * (poll, select, epoll_wait).
 *
 * Waiters sleep on the one queue poll_wq and re-check their files each
 * time they wake. Every change that can make a file more ready calls
 * poll_notify, which wakes them all (and the epoll_wait sleepers on an
 * epoll file's own queue whose items it concerns: fs/eventpoll.c). Edge-triggered epoll also needs to
 * know *that* an object had a wake-up since it last looked: an object
 * that can say so starts its f->priv with a struct pollsrc, whose
 * counters poll_notify bumps by the kind of wake-up (Linux's wake-up
 * keys), and sets FOP_POLLSRC in its file_ops flags. */
#ifndef HTUX_POLL_H
#define HTUX_POLL_H

#include "fs/vfs.h"
#include "kernel/sched.h"
#include <linux/eventpoll.h>

/* file_ops.flags: f->priv starts with a struct pollsrc (or is NULL), and
 * the file's release operation calls poll_release(f). */
#define FOP_POLLSRC 0x80000000u
/* file_ops.flags of FOP_POLLSRC files: O_ASYNC signals work (fs/fasync.c);
 * FOP_TTY_OWNER: turning it on makes the console's foreground group the
 * owner, as a terminal does. */
#define FOP_FASYNC 0x40000000u
#define FOP_TTY_OWNER 0x20000000u

/* Wake-ups of one object, counted by key. */
struct pollsrc {
	uint64_t in_seq;      /* data arrived: EPOLLIN | EPOLLRDNORM */
	uint64_t out_seq;     /* room appeared: EPOLLOUT | EPOLLWRNORM */
	uint64_t all_seq;     /* anything else (hang-up, ...): every watcher */
	struct fasync *async; /* its files with O_ASYNC (fs/fasync.c) */
	bool async_nospace;   /* a socket send found no room: signal POLL_OUT */
};

#define POLL_KEY_IN (EPOLLIN | EPOLLRDNORM)
#define POLL_KEY_OUT (EPOLLOUT | EPOLLWRNORM)
#define POLL_KEY_ALL 0u

/* What a file without a poll operation reports (Linux's DEFAULT_POLLMASK). */
#define POLL_DEFAULT_MASK (EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM)

extern struct waitq poll_wq;

/* src (may be NULL) had a wake-up of kind key (POLL_KEY_*); wakes every
 * thread in poll, select and epoll_wait. */
void poll_notify(struct pollsrc *src, unsigned key);
/* Counts every poll_notify: the wake-up counter of files without a pollsrc. */
uint64_t poll_generation(void);
/* fs/fasync.c: O_ASYNC on or off for f (fd: the descriptor used, si_fd):
 * 0, -ENOTTY (f cannot signal), -ENOMEM. fasync_supported: whether it can. */
int fasync_set(struct file *f, int fd, bool on);
bool fasync_supported(struct file *f);
/* Signals f's owner about fd as an O_ASYNC object would with reason
 * (POLL_IN, POLL_MSG, ...): F_SETSIG's signal, or plain SIGIO. */
void fasync_send(struct file *f, int fd, int reason);
/* f's last reference is gone: its registration goes. */
void fasync_file_gone(struct file *f);
/* src had a wake-up of kind key: signals the owners of its O_ASYNC files. */
void fasync_notify(struct pollsrc *src, unsigned key);
/* F_SETOWN_EX's work (type F_OWNER_*; id 0: none): 0, -EINVAL, -ESRCH;
 * fown_get reports the owner (id 0 when gone). */
int fown_set(struct file *f, int type, int id);
void fown_get(struct file *f, int *type, int *id);
/* F_SETOWN's and F_GETOWN's forms: a pid, or minus a process group. */
int fown_setown(struct file *f, int who);
int fown_getown(struct file *f);
/* Makes (type, id) f's owner, unchecked, with the caller's ids. */
void fown_take(struct file *f, int type, int id);
/* f's readiness now, EPOLL* bits. */
unsigned file_poll(struct file *f);
/* f's wake-up counters, or NULL when it has none. */
struct pollsrc *file_pollsrc(struct file *f);
/* Sleeps on poll_wq until a notification, the absolute deadline (0: none),
 * the next timerfd expiry or a signal; returns WAKE_*. */
int poll_wait(uint64_t deadline);
/* The same on queue q (an epoll file's own, fs/eventpoll.c). */
int poll_wait_on(struct waitq *q, uint64_t deadline);

/* The earliest expiry of an armed timerfd (time_ns()), 0 if none
 * (fs/timerfd.c). */
uint64_t timerfd_next_expiry(void);
/* The earliest deadline of the current process's io_uring requests
 * (fs/io_uring.c), 0 if none: a poll of a ring wakes for its timeouts. */
uint64_t io_uring_next_expiry(void);

/* f is going away (its last reference is gone): epoll forgets it. Called
 * by the release operation of FOP_POLLSRC files and of epoll files. */
void poll_release(struct file *f);
/* fs/eventpoll.c: drops every epoll item watching f. */
void epoll_forget(struct file *f);
/* fs/eventpoll.c: src had a wake-up of kind key: the epoll items
 * watching it for that join their ready lists. */
void epoll_wakeup(struct pollsrc *src, unsigned key); /* src NULL: a wake-up of no object */

/* The temporary signal mask of ppoll, pselect6 and epoll_pwait: installs
 * the user's mask (umask NULL: leaves the mask alone) and remembers the
 * old one; 0 or -EINVAL/-EFAULT. poll_sigmask_done(umask, ret) puts the old
 * mask back, except when ret is -EINTR: then signal delivery restores it after
 * the handler ran (cur_thread->sigsaved_valid). */
long poll_sigmask_set(const uint64_t *umask, size_t size);
void poll_sigmask_done(const uint64_t *umask, long ret);

#endif
