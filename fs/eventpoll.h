/* eventpoll.h: epoll instances (fs/eventpoll.c), for the epoll system
 * calls; the hooks poll_notify and poll_release call are in fs/poll.h. */
#ifndef HTUX_FS_EVENTPOLL_H
#define HTUX_FS_EVENTPOLL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/eventpoll.h>

struct file;

/* A new epoll file (one reference), or NULL for no memory. */
struct file *epoll_new(void);
/* epoll_ctl(2) with the event already copied in: 0 or -errno. */
long epoll_ctl(int epfd, int op, int fd, struct epoll_event ev);
/* epoll_wait(2): up to max events written to the user array uev, waiting
 * until the time_ns() deadline (0: none) unless nowait. A count or -errno. */
long epoll_wait_user(int epfd, struct epoll_event *uev, int max, uint64_t deadline, bool nowait);

/* The file of the nth item (0: the first) that epoll file epf watches
 * under descriptor fd (kcmp's KCMP_EPOLL_TFD); NULL with *err -EINVAL
 * (epf is no epoll file) or -ENOENT. */
struct file *epoll_target(struct file *epf, int fd, unsigned long nth, int *err);

#endif
