/* acceptq.c: the queue of connections a listening socket has not yet
 * accepted, shared by TCP (net/tcp.c) and AF_UNIX (net/unix.c): push,
 * pop, the accept loop that waits for a connection, and the drain that
 * frees those never accepted when the listener closes. */
#include "net/socket.h"

void acceptq_push(struct acceptq *q, struct sock *n)
{
	if (q->tail)
		q->tail->acc_next = n;
	else
		q->head = n;
	q->tail = n;
	q->n++;
}

struct sock *acceptq_pop(struct acceptq *q)
{
	struct sock *n = q->head;
	if (!n)
		return NULL;
	q->head = n->acc_next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	n->acc_next = NULL;
	return n;
}

int acceptq_take(struct sock *s, struct acceptq *q, bool (*listening)(struct sock *s),
		 bool nonblock, struct sock **out)
{
	for (;;) {
		if (!listening(s))
			return -EINVAL;
		if ((*out = acceptq_pop(q)))
			return 0;
		int e = sock_wait(s, nonblock, s->rcvtimeo);
		if (e)
			return e;
	}
}

void acceptq_drain(struct acceptq *q)
{
	struct sock *n;
	while ((n = acceptq_pop(q)))
		sock_free(n);
}
