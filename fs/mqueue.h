/* mqueue.h: POSIX message queues (fs/mqueue.c): named queues of messages
 * with priorities, opened as descriptors (pollable), and the limits
 * /proc/sys/fs/mqueue shows. The calls are kernel/sys/mqueue.c's. */
#ifndef HTUX_MQUEUE_H
#define HTUX_MQUEUE_H

#include "fs/vfs.h"
#include <linux/mqueue.h>

struct sbuf;
struct sigevent;
struct sock;

#define NOTIFY_COOKIE_LEN 32 /* SIGEV_THREAD's cookie, sent to a netlink socket */
#define NOTIFY_WOKENUP 1     /* its last byte: a message came */
#define NOTIFY_REMOVED 2     /* or the registration ended */

#define MQ_MSG_MAX 10         /* /proc/sys/fs/mqueue/msg_max */
#define MQ_MSGSIZE_MAX 8192   /* msgsize_max */
#define MQ_QUEUES_MAX 256     /* queues_max */
#define MQ_HARD_MSG_MAX 65536 /* the ceilings for a privileged caller */
#define MQ_HARD_MSGSIZE_MAX (16 << 20)

/* Opens (O_CREAT: makes, with mode and attr or the defaults) the queue
 * name (no '/'): 0 and *out, or -errno. */
int mqueue_open(const char *name, int oflag, unsigned mode, const struct mq_attr *attr,
		struct file **out);
int mqueue_unlink(const char *name);
bool mqueue_is(struct file *f);
/* deadline: time_ns() terms, 0: none. Message bytes are user memory. */
long mqueue_send(struct file *f, const char *ubuf, size_t len, unsigned prio, uint64_t deadline);
long mqueue_receive(struct file *f, char *ubuf, size_t len, unsigned *prio, uint64_t deadline);
/* ev NULL: drops the caller's registration. For SIGEV_THREAD, s is the
 * netlink socket to send the NOTIFY_COOKIE_LEN bytes of cookie to (held:
 * the queue keeps or drops the reference), else NULL. */
long mqueue_notify(struct file *f, const struct sigevent *ev, struct sock *s,
		   const uint8_t *cookie);
void mqueue_getattr(struct file *f, struct mq_attr *a);
/* The directory listing the queues (mounted at /dev/mqueue at boot): its
 * files are the queues (open gives a queue descriptor, read its QSIZE
 * line, unlink is mq_unlink, creat makes one with the defaults). */
struct inode *mqueue_dir(void);
void gen_mq_msg_max(struct sbuf *sb);
void gen_mq_msgsize_max(struct sbuf *sb);
void gen_mq_queues_max(struct sbuf *sb);
void gen_mq_msg_default(struct sbuf *sb);
void gen_mq_msgsize_default(struct sbuf *sb);

#endif
