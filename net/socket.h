/* socket.h: sockets as the rest of the kernel sees them: the common
 * socket record behind a socket file, the operations each family
 * (net/inet.c: AF_INET over lwIP; net/unix.c: AF_UNIX) supplies, and the
 * helpers they share for blocking, waking and addresses (net/socket.c).
 *
 * Data calls take a buffer that is a user pointer when user is true, as
 * file_ops do; sendmsg/recvmsg with several iovecs go through a kernel
 * buffer. Every blocking call waits on s->wq with sock_wait and every
 * state change calls sock_wake, which also wakes poll, select and epoll. */
#ifndef HTUX_NET_SOCKET_H
#define HTUX_NET_SOCKET_H

#include "fs/vfs.h"
#include "fs/poll.h"
#include "kernel/sched.h"

#define SOCK_ADDR_MAX 128 /* sizeof(struct sockaddr_storage) */

struct sock;

/* What a receive asks for and reports. */
struct sock_msg {
	int flags;                   /* MSG_* of the call */
	uint8_t addr[SOCK_ADDR_MAX]; /* recv: the sender (datagrams) */
	unsigned addrlen;            /* recv: its length, 0: none */
	unsigned msg_flags;          /* recv: MSG_TRUNC, MSG_CTRUNC, ... out */
	/* AF_UNIX SCM_RIGHTS: files to pass (send) or received (recv). */
	struct file **files;
	int nfiles;
	unsigned ctl_room; /* recv: bytes of control buffer offered */
	/* recv: the family's control messages (IPV6_HOPLIMIT, ...), laid
	 * out as in the user's buffer (sock_cmsg_put); cut to fit there. */
	uint8_t cmsg[128];
	unsigned cmsg_len;
};

struct sock_ops {
	int (*bind)(struct sock *s, const void *addr, unsigned len);
	int (*listen)(struct sock *s, int backlog);
	/* Takes a pending connection (blocking unless nonblock). */
	int (*accept)(struct sock *s, struct sock **out, bool nonblock);
	int (*connect)(struct sock *s, const void *addr, unsigned len, bool nonblock);
	/* Sends n bytes of buf to addr (NULL: the peer); bytes sent or -errno. */
	ssize_t (*send)(struct sock *s, const void *buf, size_t n, bool user, const void *addr,
			unsigned addrlen, struct sock_msg *m, bool nonblock);
	ssize_t (*recv)(struct sock *s, void *buf, size_t n, bool user, struct sock_msg *m,
			bool nonblock);
	int (*shutdown)(struct sock *s, int how); /* SHUT_RD, SHUT_WR, SHUT_RDWR */
	/* The local (peer false) or remote address; length or -errno. */
	int (*getname)(struct sock *s, void *addr, bool peer);
	unsigned (*poll)(struct sock *s); /* EPOLL* bits */
	int (*nread)(struct sock *s);     /* FIONREAD */
	/* Options of the family's own levels (IPPROTO_TCP, ...) and the
	 * SOL_SOCKET ones it acts on; -ENOPROTOOPT when unknown. */
	int (*setopt)(struct sock *s, int level, int name, const void *val, unsigned len);
	int (*getopt)(struct sock *s, int level, int name, void *val, unsigned *len);
	void (*release)(struct sock *s);
};

struct sock {
	struct pollsrc src; /* first: FOP_POLLSRC */
	int family, type, protocol;
	const struct sock_ops *ops;
	struct waitq wq;   /* everything that blocks on this socket */
	struct file *file; /* the open file, once it has one */
	int error;         /* pending error (SO_ERROR), positive errno */
	bool reuseaddr, reuseport, keepalive, broadcast, passcred;
	bool linger_on;
	int linger_secs;
	int rcvbuf, sndbuf;          /* as set (Linux doubles them) */
	uint64_t rcvtimeo, sndtimeo; /* ns, 0: none */
	void *priv;                  /* the family's */
	struct sock *acc_next;       /* in a listener's accept queue */
};

/* A listening socket's connections not yet accepted, oldest first. */
struct acceptq {
	struct sock *head, *tail;
	int n, backlog;
};

/* A new socket record (family ops set by the caller). */
struct sock *sock_alloc(int family, int type, int protocol, const struct sock_ops *ops);
/* Frees a socket that has no file (its family's release, then the record). */
void sock_free(struct sock *s);
/* Gives s an open file and a descriptor; the fd or -errno (s freed). */
int sock_install(struct sock *s, unsigned flags, bool cloexec);
/* The socket behind fd, held (its file referenced) until sock_put;
 * NULL and *err = -EBADF / -ENOTSOCK. */
struct sock *sock_get(int fd, int *err);
void sock_put(struct sock *s); /* releases what sock_get gave; NULL: nothing */
/* Waits for a change on s: 0, -EAGAIN (nonblock or receive/send timeout),
 * -EINTR. timeo is s->rcvtimeo or s->sndtimeo. */
int sock_wait(struct sock *s, bool nonblock, uint64_t timeo);
/* s changed (key POLL_KEY_IN, _OUT or _ALL): wakes its waiters and poll. */
void sock_wake(struct sock *s, unsigned key);
/* Accept queues (net/acceptq.c): full (a new connection is refused or waits) past the
 * backlog; push a new connection, pop the oldest (NULL: none). */
static inline bool acceptq_full(const struct acceptq *q) { return q->n > q->backlog; }
void acceptq_push(struct acceptq *q, struct sock *n);
struct sock *acceptq_pop(struct acceptq *q);
/* accept on s: takes the oldest connection of q, waiting for one unless
 * nonblock; -EINVAL once listening(s) is false. */
int acceptq_take(struct sock *s, struct acceptq *q, bool (*listening)(struct sock *s),
		 bool nonblock, struct sock **out);
/* Frees the connections never accepted (the listener is closing). */
void acceptq_drain(struct acceptq *q);
/* A send or receive with these MSG_* flags does not block. */
bool sock_nonblocking(struct sock *s, int flags);
/* Copies a user sockaddr of len bytes into k (SOCK_ADDR_MAX bytes). */
int sock_addr_in(uint8_t *k, const void *uaddr, int len);

/* The system calls' work on a held socket (net/socket.c looks the fd up):
 * net/sockmsg.c's message calls, net/sockopt.c's options. */
struct k_msghdr;
struct k_mmsghdr;
long sock_sendmsg(struct sock *s, const struct k_msghdr *uh, int flags);
long sock_recvmsg(struct sock *s, struct k_msghdr *uh, int flags);
long sock_sendmmsg(struct sock *s, struct k_mmsghdr *uv, unsigned n, int flags);
long sock_recvmmsg(struct sock *s, struct k_mmsghdr *uv, unsigned n, int flags, void *timeout);
/* io_uring's socket calls on f (a socket, else -ENOTSOCK), which never
 * wait: accept4 (a: address, b: its length, flags: SOCK_*), connect (a:
 * address of n bytes), send and recv (a: buffer of n bytes, flags:
 * MSG_*), sendmsg and recvmsg (a: struct msghdr), shutdown. */
#define SOCK_CALL_ACCEPT 0
#define SOCK_CALL_CONNECT 1
#define SOCK_CALL_SEND 2
#define SOCK_CALL_RECV 3
#define SOCK_CALL_SENDMSG 4
#define SOCK_CALL_RECVMSG 5
#define SOCK_CALL_SHUTDOWN 6 /* n: how */
long sock_file_call(struct file *f, int call, void *a, void *b, uint64_t n, int flags);
/* Appends a control message of n data bytes to m->cmsg (dropped if no room). */
void sock_cmsg_put(struct sock_msg *m, int level, int type, const void *data, size_t n);
long sock_setsockopt(struct sock *s, int level, int name, const void *uval, int ulen);
long sock_getsockopt(struct sock *s, int level, int name, void *uval, int *ulen);
/* A send on s returned r: one that found no room (-EAGAIN) makes the next
 * POLL_KEY_OUT wake-up signal s's O_ASYNC owners (fs/fasync.c). */
void sock_sent(struct sock *s, ssize_t r);
/* SIGPIPE for a send on a closed stream, unless MSG_NOSIGNAL. */
void sock_sigpipe(int flags);

/* The memory socket buffers hold, all sockets together (net/sockmem.c):
 * whether n more bytes would pass the global limit; charging and giving
 * back bytes queued; a sender's wait for memory (-EAGAIN when nonblock,
 * -EINTR, or 0 to look again); /proc/sys/net/ipv4/tcp_mem and udp_mem. */
bool sockmem_over(size_t n);
void sockmem_charge(size_t n);
void sockmem_uncharge(size_t n);
size_t sockmem_used(void);
int sockmem_wait(struct sock *s, bool nonblock);
struct sbuf;
void sockmem_gen(struct sbuf *sb);

/* Families. */
int inet_create(int family, int type, int protocol, struct sock **out);
int unix_create(int type, int protocol, struct sock **out);
int netlink_create(int type, int protocol, struct sock **out);
/* Queues len bytes on the netlink socket s as a datagram from the kernel
 * (port 0), raw (mq_notify's SIGEV_THREAD cookie); -EINVAL when s is not
 * a netlink socket, -ENOBUFS when its queue is full. */
int netlink_kernel_send(struct sock *s, const void *data, size_t len);
int unix_pair(int type, int protocol, struct sock **a, struct sock **b);

/* The stack (net/stack.c): lwIP's timers and loopback delivery; called
 * after every socket operation that may have queued packets. */
void net_poll(void);
/* The network is up (lwIP initialised); called before the first lwIP use. */
void net_use(void);

#endif
