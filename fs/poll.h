/* poll.h: readiness notification between the pollable files (pipes,
 * sockets, eventfd, timerfd, the console, epoll, ...) and the calls that
 * wait for them (poll, select, epoll_wait).
 *
 * Every change that can make a file more ready calls poll_notify. An
 * object that can say which object changed starts its f->priv with a
 * struct pollsrc and sets FOP_POLLSRC in its file_ops flags; the others
 * (pidfds, io_uring rings, epoll files, ...) call poll_notify(NULL, ...).
 *
 * poll and select register one entry (struct poll_entry) per polled file
 * on the file's pollsrc, holding a reference on the file, and sleep on a
 * queue of their own (struct poll_table) that only those objects'
 * notifications wake, as Linux's poll_table. A set with a file that has
 * no pollsrc, or too many files for an on-stack table when memory is
 * short, sleeps instead on the one queue poll_wq, which every
 * notification wakes (as do io_getevents and io_uring_enter, which
 * use poll_wait). epoll_wait sleeps on its epoll file's own queue when
 * it can (fs/eventpoll.c). Edge-triggered epoll also needs to know *that*
 * an object had a wake-up since it last looked: poll_notify bumps the
 * pollsrc's counters by the kind of wake-up (Linux's wake-up keys).
 *
 * No wake-up is lost: a poller checks its files and goes to sleep with
 * the big kernel lock held, which every notifier holds too; an entry's
 * file reference keeps its pollsrc alive while it is registered, even if
 * another thread closes the descriptor meanwhile (as on Linux, that alone
 * does not wake the poller). */
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

struct poll_entry;
struct poll_table;

/* Wake-ups of one object, counted by key, and its waiting pollers. */
struct pollsrc {
	struct poll_entry *waiters; /* poll and select on it (fs/poll.c) */
	struct epitem *epitems;     /* epoll items watching it (fs/eventpoll.c) */
	uint64_t in_seq;            /* data arrived: EPOLLIN | EPOLLRDNORM */
	uint64_t out_seq;           /* room appeared: EPOLLOUT | EPOLLWRNORM */
	uint64_t all_seq;           /* anything else (hang-up, ...): every watcher */
	struct fasync *async;       /* its files with O_ASYNC (fs/fasync.c) */
	bool async_nospace;         /* a socket send found no room: signal POLL_OUT */
};

#define POLL_KEY_IN (EPOLLIN | EPOLLRDNORM)
#define POLL_KEY_OUT (EPOLLOUT | EPOLLWRNORM)
#define POLL_KEY_ALL 0u

/* What a file without a poll operation reports (Linux's DEFAULT_POLLMASK). */
#define POLL_DEFAULT_MASK (EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM)

extern struct waitq poll_wq;

/* src (may be NULL) had a wake-up of kind key (POLL_KEY_*): wakes the
 * pollers registered on src that wait for such a wake-up, the epoll_wait
 * sleepers concerned, and every thread on poll_wq. */
void poll_notify(struct pollsrc *src, unsigned key);
/* Wakes the pollers registered on src and nothing else (no counters: a
 * timerfd re-armed, whose pollers must compute their deadline again). */
void poll_wake_waiters(struct pollsrc *src);

/* One polled file of a poll table: on its pollsrc's list while file is
 * set (a reference). */
struct poll_entry {
	struct poll_entry *next, **pprev; /* on src->waiters */
	struct pollsrc *src;
	struct file *file;
	struct poll_table *pt;
	unsigned events; /* EPOLL* bits asked for: the keys that wake */
};

#define POLL_TABLE_INLINE 16

/* The waits of one poll or select call: slot i watches one file. */
struct poll_table {
	struct waitq q;         /* the poller sleeps here, unless global */
	struct poll_entry *ent; /* n slots: inl, or kmalloc'd */
	unsigned n;
	bool global; /* a file without a pollsrc, or no memory: on poll_wq */
	bool put;    /* a slot's old file was put since the last wait: look again */
	struct poll_entry inl[POLL_TABLE_INLINE];
};

/* Sets up pt for n slots (never fails: without memory it is global). */
void poll_table_init(struct poll_table *pt, unsigned n);
/* Slot i watches f (NULL: nothing) for events (EPOLL* bits); called on
 * every pass, it registers only when the slot's file changes. */
void poll_table_watch(struct poll_table *pt, unsigned i, struct file *f, unsigned events);
/* Sleeps as poll_wait until a wake-up of a watched file (any
 * notification when global); returns WAKE_*. */
int poll_table_wait(struct poll_table *pt, uint64_t deadline);
/* Unregisters every slot and drops its file references. */
void poll_table_done(struct poll_table *pt);
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
/* Sleeps on poll_wq until any notification, the absolute deadline (0:
 * none), the next timerfd expiry or a signal; returns WAKE_*. */
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
