/* pipe.h: what the rest of the kernel asks of pipes (fs/pipe.c): making
 * one (pipe, pipe2), fcntl's F_GETPIPE_SZ/F_SETPIPE_SZ, and the pieces
 * splice, tee and vmsplice are made of. f is always an end of a pipe or of a named pipe. */
#ifndef HTUX_PIPE_H
#define HTUX_PIPE_H

#include "fs/vfs.h"

/* A new pipe's read and write ends (flags: O_NONBLOCK, O_DIRECT): 0 or
 * -ENOMEM. */
int pipe_create(unsigned flags, struct file **r, struct file **w);
bool file_is_pipe(struct file *f);
/* F_GETPIPE_SZ, F_SETPIPE_SZ (arg: the size asked for): bytes or -errno. */
long pipe_fcntl(struct file *f, int cmd, unsigned long arg);
size_t pipe_unread(struct file *f); /* bytes waiting to be read */
size_t pipe_room(struct file *f);   /* bytes a write can add without blocking */
bool pipe_same(struct file *a, struct file *b);
/* Waits until f's pipe has data or no writer (for_write false), or room
 * (for_write true; -EPIPE and SIGPIPE when no reader is left). 0,
 * -EAGAIN (nonblock or O_NONBLOCK), -EINTR. */
int pipe_wait(struct file *f, bool for_write, bool nonblock);
/* Copies up to n unread bytes to the kernel buffer buf, leaving them. */
size_t pipe_peek(struct file *f, void *buf, size_t n);
/* /proc/sys/fs/pipe-max-size, pipe-user-pages-soft, pipe-user-pages-hard */
struct sbuf;
void gen_pipe_max_size(struct sbuf *sb);
void gen_pipe_user_soft(struct sbuf *sb);
void gen_pipe_user_hard(struct sbuf *sb);

#endif
