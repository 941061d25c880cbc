/* msg.c: System V message queues: typed messages kept in arrival order,
 * msgsnd waiting while the queue is full (msg_qbytes), msgrcv choosing by
 * type (0: the first; > 0: the first of that type, or with MSG_EXCEPT of
 * another; < 0: the first of the lowest type up to -type) and waiting
 * while none fits, and msgctl's commands. */
#include "kernel/ipc/ipc.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "fs/pseudo.h"

struct kmsg {
	struct kmsg *next;
	long type;
	size_t len;
	char text[];
};

struct msq {
	struct ipc_obj o;
	struct kmsg *head, **tail;
	unsigned long cbytes, qnum, qbytes;
	int lspid, lrpid;
	int64_t stime, rtime;
	struct waitq rwait, swait;
	int sleepers; /* the queue is freed by the last one after removal */
	bool removed;
};

static struct ipc_ids msg_ids = { .limit = IPC_MSGMNI };
static unsigned long msg_all_bytes, msg_all_count;

static int msq_create(int key, int flg, long arg)
{
	struct msq *q = kzalloc(sizeof(*q));
	if (!q)
		return -ENOMEM;
	int id = ipc_add(&msg_ids, &q->o, key, (unsigned)flg);
	if (id < 0) {
		kfree(q);
		return id;
	}
	q->tail = &q->head;
	q->qbytes = IPC_MSGMNB;
	return id;
}

long msg_get(int key, int flg) { return ipc_getobj(&msg_ids, key, flg, msq_create, NULL, 0); }

static void msq_free(struct msq *q)
{
	struct kmsg *m, *next;
	for (m = q->head; m; m = next) {
		next = m->next;
		msg_all_bytes -= m->len;
		msg_all_count--;
		kfree(m);
	}
	kfree(q);
}

static void msq_remove(struct msq *q)
{
	ipc_remove(&msg_ids, &q->o);
	q->removed = true;
	waitq_wake_all(&q->rwait);
	waitq_wake_all(&q->swait);
	if (!q->sleepers)
		msq_free(q);
}

/* Sleeps on wq of q until woken: 0, or -EIDRM (q is gone), -EINTR. */
static int msq_wait(struct msq *q, struct waitq *wq)
{
	q->sleepers++;
	int why = waitq_wait(wq, 0);
	q->sleepers--;
	if (q->removed) {
		if (!q->sleepers)
			msq_free(q);
		return -EIDRM;
	}
	return why == WAKE_SIGNAL ? -EINTR : 0;
}

long msg_snd(int id, const void *umsg, size_t sz, int flg)
{
	long type;
	if (get_user(type, (const long *)umsg))
		return -EFAULT;
	if (sz > IPC_MSGMAX || (long)sz < 0 || id < 0 || type < 1)
		return -EINVAL;
	struct kmsg *m = kmalloc(sizeof(*m) + sz);
	if (!m)
		return -ENOMEM;
	m->next = NULL;
	m->type = type;
	m->len = sz;
	if (copy_from_user(m->text, (const char *)umsg + sizeof(long), sz)) {
		kfree(m);
		return -EFAULT;
	}
	long r;
	for (;;) {
		struct msq *q = (struct msq *)ipc_get(&msg_ids, id);
		r = -EINVAL;
		if (!q)
			break;
		if ((r = ipc_perm(&q->o, S_IWUGO)))
			break;
		if (sz + q->cbytes <= q->qbytes && 1 + q->qnum <= q->qbytes) {
			*q->tail = m;
			q->tail = &m->next;
			q->cbytes += sz;
			q->qnum++;
			q->lspid = current->pid;
			q->stime = ipc_now();
			msg_all_bytes += sz;
			msg_all_count++;
			waitq_wake_all(&q->rwait);
			return 0;
		}
		r = -EAGAIN;
		if ((flg & IPC_NOWAIT) || (r = msq_wait(q, &q->swait)))
			break;
	}
	kfree(m);
	return r;
}

/* The message msgrcv's type and flags choose, and where it hangs. */
static struct kmsg **pick(struct msq *q, long type, int flg)
{
	struct kmsg **best = NULL;
	for (struct kmsg **pp = &q->head; *pp; pp = &(*pp)->next) {
		long t = (*pp)->type;
		if (type == 0)
			return pp;
		if (type > 0) {
			if ((flg & MSG_EXCEPT) ? t != type : t == type)
				return pp;
		} else if ((type == INT64_MIN || t <= -type) && (!best || t < (*best)->type)) {
			best = pp;
		}
	}
	return best;
}

long msg_rcv(int id, void *umsg, size_t sz, long type, int flg)
{
	if (id < 0 || (long)sz < 0)
		return -EINVAL;
	if ((flg & MSG_COPY) && ((flg & MSG_EXCEPT) || !(flg & IPC_NOWAIT)))
		return -EINVAL;
	for (;;) {
		struct msq *q = (struct msq *)ipc_get(&msg_ids, id);
		if (!q)
			return -EINVAL;
		int e = ipc_perm(&q->o, S_IRUGO);
		if (e)
			return e;
		struct kmsg **pp;
		if (flg & MSG_COPY) { /* type is the message's index */
			pp = &q->head;
			for (long i = 0; *pp && i < type; i++)
				pp = &(*pp)->next;
			if (type < 0)
				pp = NULL;
		} else {
			pp = pick(q, type, flg);
		}
		if (pp && *pp) {
			struct kmsg *m = *pp;
			if (m->len > sz && !(flg & MSG_NOERROR))
				return -E2BIG;
			size_t n = MIN(m->len, sz);
			if (flg & MSG_COPY) { /* from a copy: the queue may change meanwhile */
				struct kmsg *c = kmalloc(sizeof(*c) + n);
				if (!c)
					return -ENOMEM;
				memcpy(c, m, sizeof(*c) + n);
				long r = (long)n;
				if (put_user(c->type, (long *)umsg) ||
				    copy_to_user((char *)umsg + sizeof(long), c->text, n))
					r = -EFAULT;
				kfree(c);
				return r;
			}
			*pp = m->next;
			if (q->tail == &m->next)
				q->tail = pp;
			q->cbytes -= m->len;
			q->qnum--;
			q->lrpid = current->pid;
			q->rtime = ipc_now();
			msg_all_bytes -= m->len;
			msg_all_count--;
			waitq_wake_all(&q->swait);
			long r = (long)n;
			if (put_user(m->type, (long *)umsg) ||
			    copy_to_user((char *)umsg + sizeof(long), m->text, n))
				r = -EFAULT; /* the message is gone, as on Linux */
			kfree(m);
			return r;
		}
		if (flg & IPC_NOWAIT)
			return -ENOMSG;
		if ((e = msq_wait(q, &q->rwait)))
			return e;
	}
}

static void fill_ds(struct msqid64_ds *d, struct msq *q)
{
	memset(d, 0, sizeof(*d));
	ipc_fill_perm(&d->msg_perm, &q->o);
	d->msg_stime = q->stime;
	d->msg_rtime = q->rtime;
	d->msg_ctime = q->o.ctime;
	d->msg_cbytes = q->cbytes;
	d->msg_qnum = q->qnum;
	d->msg_qbytes = q->qbytes;
	d->msg_lspid = q->lspid;
	d->msg_lrpid = q->lrpid;
}

long msg_ctl(int id, int cmd, void *ubuf)
{
	if (cmd == IPC_INFO || cmd == MSG_INFO) {
		struct msginfo i = { .msgpool = MSGPOOL,
				     .msgmap = MSGMAP,
				     .msgmax = IPC_MSGMAX,
				     .msgmnb = IPC_MSGMNB,
				     .msgmni = IPC_MSGMNI,
				     .msgssz = MSGSSZ,
				     .msgtql = MSGTQL,
				     .msgseg = MSGSEG };
		if (cmd == MSG_INFO) {
			i.msgpool = msg_ids.in_use;
			i.msgmap = (int)msg_all_count;
			i.msgtql = (int)msg_all_bytes;
		}
		if (copy_to_user(ubuf, &i, sizeof(i)))
			return -EFAULT;
		return ipc_max_idx(&msg_ids);
	}
	struct msqid64_ds d;
	if (cmd == IPC_SET && copy_from_user(&d, ubuf, sizeof(d)))
		return -EFAULT;
	struct msq *q;
	if (cmd == MSG_STAT || cmd == MSG_STAT_ANY)
		q = (struct msq *)ipc_at(&msg_ids, id);
	else
		q = (struct msq *)ipc_get(&msg_ids, id);
	if (!q)
		return -EINVAL;
	int e;
	switch (cmd) {
	case IPC_STAT:
	case MSG_STAT:
	case MSG_STAT_ANY:
		if (cmd != MSG_STAT_ANY && (e = ipc_perm(&q->o, S_IRUGO)))
			return e;
		fill_ds(&d, q);
		if (copy_to_user(ubuf, &d, sizeof(d)))
			return -EFAULT;
		return cmd == IPC_STAT ? 0 : q->o.id;
	case IPC_SET:
		if ((e = ipc_may_change(&q->o)))
			return e;
		if (d.msg_qbytes > IPC_MSGMNB && !ipc_capable(CAP_SYS_RESOURCE))
			return -EPERM;
		ipc_set_perm(&q->o, &d.msg_perm);
		q->qbytes = d.msg_qbytes;
		waitq_wake_all(&q->swait);
		return 0;
	case IPC_RMID:
		if ((e = ipc_may_change(&q->o)))
			return e;
		msq_remove(q);
		return 0;
	}
	return -EINVAL;
}

void gen_sysvipc_msg(struct sbuf *sb)
{
	sb_str(sb, "       key      msqid perms      cbytes       qnum lspid lrpid"
		   "   uid   gid  cuid  cgid      stime      rtime      ctime\n");
	for (int k = 0; k < msg_ids.cap; k++) {
		struct msq *q = (struct msq *)msg_ids.slot[k];
		if (q)
			sb_printf(sb,
				  "%10d %10d  %4o  %10lu %10lu %5d %5d %5u %5u %5u %5u "
				  "%10ld %10ld %10ld\n",
				  q->o.key, q->o.id, q->o.mode, q->cbytes, q->qnum, q->lspid,
				  q->lrpid, q->o.uid, q->o.gid, q->o.cuid, q->o.cgid,
				  (long)q->stime, (long)q->rtime, (long)q->o.ctime);
	}
}

void gen_sys_msgmax(struct sbuf *sb) { sb_printf(sb, "%d\n", IPC_MSGMAX); }
void gen_sys_msgmnb(struct sbuf *sb) { sb_printf(sb, "%d\n", IPC_MSGMNB); }
void gen_sys_msgmni(struct sbuf *sb) { sb_printf(sb, "%d\n", IPC_MSGMNI); }
