/* unix.h: what net/unix.c (connections, messages, data) and
 * net/unixname.c (names: bind, lookup, getname) share about AF_UNIX
 * sockets: the per-socket record and the list of every socket. Private
 * to those two files. */
#ifndef HTUX_NET_UNIX_H
#define HTUX_NET_UNIX_H

#include "net/socket.h"
#include "net/abi.h"
#include "kernel/proc.h"

#define UNIX_QUEUE_MAX (256 * 1024) /* bytes queued to one receiver */
#define UNIX_DGRAM_MAX 212992       /* largest datagram (Linux's default sndbuf) */
#define UNIX_CHUNK 65536            /* a stream write is queued in pieces this big */
#define UNIX_NAME_MAX (sizeof(struct sockaddr_un))

enum { U_NEW, U_LISTEN, U_CONNECTED };

struct umsg {
	struct umsg *next;
	size_t len, off;
	struct file **files;
	int nfiles;
	uint8_t from[UNIX_NAME_MAX];
	unsigned fromlen;
	uint8_t data[];
};

struct usock {
	struct sock *s;
	int st;
	struct usock *peer; /* the other end, or a datagram socket's default target */
	bool was_connected;
	bool shut_rd, shut_wr;   /* ours */
	bool peer_gone;          /* the connected peer closed */
	struct umsg *q, *q_tail; /* received */
	size_t queued;
	uint8_t name[UNIX_NAME_MAX]; /* sockaddr_un as bound; namelen 0: unbound */
	unsigned namelen;
	struct inode *ino;      /* a path-bound socket's inode */
	struct acceptq acc;     /* connections not yet accepted */
	struct usock *all_next; /* every AF_UNIX socket */
};

extern struct usock *unix_all; /* every AF_UNIX socket */

static inline struct usock *U(struct sock *s) { return s->priv; }
static inline bool is_stream(struct usock *u) { return u->s->type == SOCK_STREAM; }
static inline bool is_dgram(struct usock *u) { return u->s->type == SOCK_DGRAM; }

/* The listening or datagram socket of the type named by sockaddr_un a. */
int unix_lookup(const void *a, unsigned len, int type, struct usock **out);
int unix_bind(struct sock *s, const void *a, unsigned len);
int unix_getname(struct sock *s, void *out, bool peer);

#endif
