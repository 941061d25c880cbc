/* sem.c: System V semaphore sets: values changed by semop's operations
 * all at once or not at all (a caller that would block sleeps on the
 * set's queue and tries again whenever a value changes), the SEM_UNDO
 * adjustments a process keeps (struct proc's semundo, shared by its
 * threads, kept across execve, applied when it ends), and semctl's
 * commands. */
#include "kernel/ipc/ipc.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "fs/pseudo.h"

struct ksem {
	unsigned short val;
	int pid; /* last to change it */
};

/* A thread sleeping in semop, for GETNCNT/GETZCNT: the operation it waits on. */
struct sem_waiter {
	struct sem_waiter *next;
	int semnum;
	bool zero;
};

struct sem_set {
	struct ipc_obj o;
	int nsems;
	struct ksem *sems;
	int64_t otime;
	struct waitq wait; /* semop's sleepers: woken by every change */
	struct sem_waiter *waiters;
	int sleepers; /* the set is freed by the last one after removal */
	bool removed;
};

/* One process's adjustments to one set (struct proc's semundo list). */
struct sem_undo {
	struct sem_undo *next;
	int semid;
	int nsems;
	short adj[];
};

static struct ipc_ids sem_ids = { .limit = IPC_SEMMNI };
static long sem_total; /* semaphores in all sets (semmns) */

static int sem_create(int key, int flg, long nsems)
{
	if (nsems == 0)
		return -EINVAL;
	if (sem_total + nsems > IPC_SEMMNS || sem_ids.in_use >= sem_ids.limit)
		return -ENOSPC;
	struct sem_set *s = kzalloc(sizeof(*s));
	struct ksem *sems = kzalloc(sizeof(*sems) * (size_t)nsems);
	if (!s || !sems) {
		kfree(s);
		kfree(sems);
		return -ENOMEM;
	}
	int id = ipc_add(&sem_ids, &s->o, key, (unsigned)flg);
	if (id < 0) {
		kfree(s);
		kfree(sems);
		return id;
	}
	s->nsems = (int)nsems;
	s->sems = sems;
	sem_total += nsems;
	return id;
}

static int sem_check(struct ipc_obj *o, long nsems)
{
	return nsems > ((struct sem_set *)o)->nsems ? -EINVAL : 0;
}

long sem_get(int key, int nsems, int flg)
{
	if (nsems < 0 || nsems > IPC_SEMMSL)
		return -EINVAL;
	return ipc_getobj(&sem_ids, key, flg, sem_create, sem_check, nsems);
}

static void sem_free(struct sem_set *s)
{
	kfree(s->sems);
	kfree(s);
}

static void sem_remove(struct sem_set *s)
{
	ipc_remove(&sem_ids, &s->o);
	sem_total -= s->nsems;
	s->removed = true;
	waitq_wake_all(&s->wait);
	if (!s->sleepers)
		sem_free(s);
}

static struct sem_undo *undo_find(struct proc *p, int semid)
{
	for (struct sem_undo *u = p->semundo; u; u = u->next)
		if (u->semid == semid)
			return u;
	return NULL;
}

/* Clears every process's adjustment of semaphore semnum (-1: all) of s
 * (SETVAL, SETALL). */
static void undo_clear(struct sem_set *s, int semnum)
{
	for (struct proc *p = all_procs; p; p = p->all_next) {
		struct sem_undo *u = undo_find(p, s->o.id);
		if (!u)
			continue;
		for (int i = 0; i < u->nsems; i++)
			if (semnum < 0 || i == semnum)
				u->adj[i] = 0;
	}
}

/* Tries sops on s: 0 when done (values, pids, adjustments in u changed),
 * 1 when one must wait (*wait_num, *wait_zero say for what), or -EAGAIN
 * (it would wait, IPC_NOWAIT), -ERANGE. Nothing changes unless 0. */
static int try_ops(struct sem_set *s, const struct sembuf *sops, unsigned n, struct sem_undo *u,
		   int *wait_num, bool *wait_zero)
{
	unsigned i;
	int r = 0;
	for (i = 0; i < n; i++) {
		const struct sembuf *op = &sops[i];
		struct ksem *k = &s->sems[op->sem_num];
		int v = k->val + op->sem_op;
		if (op->sem_op == 0 ? k->val != 0 : v < 0) {
			*wait_num = op->sem_num;
			*wait_zero = op->sem_op == 0;
			r = (op->sem_flg & IPC_NOWAIT) ? -EAGAIN : 1;
			break;
		}
		if (v > IPC_SEMVMX) {
			r = -ERANGE;
			break;
		}
		if (op->sem_flg & SEM_UNDO) {
			int a = u->adj[op->sem_num] - op->sem_op;
			if (a < -IPC_SEMAEM - 1 || a > IPC_SEMAEM) {
				r = -ERANGE;
				break;
			}
			u->adj[op->sem_num] = (short)a;
		}
		k->val = (unsigned short)v;
	}
	if (r) { /* undo what was done, last first */
		while (i-- > 0) {
			const struct sembuf *op = &sops[i];
			struct ksem *k = &s->sems[op->sem_num];
			k->val = (unsigned short)(k->val - op->sem_op);
			if (op->sem_flg & SEM_UNDO)
				u->adj[op->sem_num] = (short)(u->adj[op->sem_num] + op->sem_op);
		}
		return r;
	}
	bool alter = false;
	for (i = 0; i < n; i++) {
		s->sems[sops[i].sem_num].pid = current->pid;
		alter |= sops[i].sem_op != 0;
	}
	s->otime = ipc_now();
	if (alter)
		waitq_wake_all(&s->wait);
	return 0;
}

static int64_t deadline_of(const void *uts)
{
	int64_t ns;
	if (!uts)
		return 0;
	int e = timespec_from_user(uts, &ns);
	return e ? e : (int64_t)time_ns() + ns + 1;
}

long sem_op(int id, struct sembuf *usops, unsigned nsops, const void *uts)
{
	if (nsops < 1 || id < 0)
		return -EINVAL;
	if (nsops > IPC_SEMOPM)
		return -E2BIG;
	struct sembuf *sops = kmalloc(sizeof(*sops) * nsops);
	if (!sops)
		return -ENOMEM;
	long r;
	int64_t deadline = deadline_of(uts);
	if (copy_from_user(sops, usops, sizeof(*sops) * nsops)) {
		r = -EFAULT;
		goto out;
	}
	if (deadline < 0) {
		r = deadline;
		goto out;
	}
	unsigned maxnum = 0;
	bool undo = false, alter = false;
	for (unsigned i = 0; i < nsops; i++) {
		maxnum = MAX(maxnum, sops[i].sem_num);
		undo |= (sops[i].sem_flg & SEM_UNDO) != 0;
		alter |= sops[i].sem_op != 0;
	}
	struct sem_set *s = (struct sem_set *)ipc_get(&sem_ids, id);
	r = -EINVAL;
	if (!s)
		goto out;
	r = -EFBIG;
	if (maxnum >= (unsigned)s->nsems)
		goto out;
	if ((r = ipc_perm(&s->o, alter ? S_IWUGO : S_IRUGO)))
		goto out;
	struct sem_undo *u = NULL;
	if (undo && !(u = undo_find(current, id))) {
		u = kzalloc(sizeof(*u) + sizeof(short) * (size_t)s->nsems);
		r = -ENOMEM;
		if (!u)
			goto out;
		u->semid = id;
		u->nsems = s->nsems;
		u->next = current->semundo;
		current->semundo = u;
	}
	for (bool last = false;;) {
		struct sem_waiter w = { 0 };
		r = try_ops(s, sops, nsops, u, &w.semnum, &w.zero);
		if (r <= 0)
			break;
		r = -EAGAIN;
		if (last)
			break;
		w.next = s->waiters;
		s->waiters = &w;
		s->sleepers++;
		int why = waitq_wait(&s->wait, (uint64_t)deadline);
		for (struct sem_waiter **pp = &s->waiters; *pp; pp = &(*pp)->next)
			if (*pp == &w) {
				*pp = w.next;
				break;
			}
		s->sleepers--;
		if (s->removed) {
			if (!s->sleepers)
				sem_free(s);
			r = -EIDRM;
			break;
		}
		if (why == WAKE_SIGNAL) {
			r = -EINTR;
			break;
		}
		last = why == WAKE_TIMEOUT; /* one more try, then EAGAIN */
	}
out:
	kfree(sops);
	return r;
}

void sem_exit(struct proc *p)
{
	struct sem_undo *u, *next;
	for (u = p->semundo; u; u = next) {
		next = u->next;
		struct sem_set *s = (struct sem_set *)ipc_get(&sem_ids, u->semid);
		bool changed = false;
		for (int i = 0; s && i < u->nsems && i < s->nsems; i++) {
			if (!u->adj[i])
				continue;
			int v = s->sems[i].val + u->adj[i];
			v = v < 0 ? 0 : MIN(v, IPC_SEMVMX);
			s->sems[i].val = (unsigned short)v;
			s->sems[i].pid = p->pid;
			changed = true;
		}
		if (changed)
			waitq_wake_all(&s->wait);
		kfree(u);
	}
	p->semundo = NULL;
}

static int count_waiters(struct sem_set *s, int semnum, bool zero)
{
	int n = 0;
	for (struct sem_waiter *w = s->waiters; w; w = w->next)
		n += w->semnum == semnum && w->zero == zero;
	return n;
}

static void fill_ds(struct semid64_ds *d, struct sem_set *s)
{
	memset(d, 0, sizeof(*d));
	ipc_fill_perm(&d->sem_perm, &s->o);
	d->sem_otime = s->otime;
	d->sem_ctime = s->o.ctime;
	d->sem_nsems = (unsigned long)s->nsems;
}

static long sem_info(int cmd, void *ubuf)
{
	struct seminfo i = { .semmap = IPC_SEMMNS,
			     .semmni = IPC_SEMMNI,
			     .semmns = IPC_SEMMNS,
			     .semmnu = IPC_SEMMNS,
			     .semmsl = IPC_SEMMSL,
			     .semopm = IPC_SEMOPM,
			     .semume = IPC_SEMOPM,
			     .semusz = 20,
			     .semvmx = IPC_SEMVMX,
			     .semaem = IPC_SEMAEM };
	if (cmd == SEM_INFO) {
		i.semusz = sem_ids.in_use;
		i.semaem = (int)sem_total;
	}
	if (copy_to_user(ubuf, &i, sizeof(i)))
		return -EFAULT;
	return ipc_max_idx(&sem_ids);
}

long sem_ctl(int id, int semnum, int cmd, unsigned long arg)
{
	void *uptr = (void *)arg;
	if (cmd == IPC_INFO || cmd == SEM_INFO)
		return sem_info(cmd, uptr);
	struct semid64_ds d;
	if (cmd == IPC_SET && copy_from_user(&d, uptr, sizeof(d)))
		return -EFAULT;
	if (cmd == SETVAL && (int)arg > IPC_SEMVMX)
		return -ERANGE;
	if (cmd == SETVAL && (int)arg < 0)
		return -ERANGE;
	struct sem_set *s;
	if (cmd == SEM_STAT || cmd == SEM_STAT_ANY)
		s = (struct sem_set *)ipc_at(&sem_ids, id);
	else
		s = (struct sem_set *)ipc_get(&sem_ids, id);
	if (!s)
		return -EINVAL;
	int e;
	switch (cmd) {
	case IPC_STAT:
	case SEM_STAT:
	case SEM_STAT_ANY:
		if (cmd != SEM_STAT_ANY && (e = ipc_perm(&s->o, S_IRUGO)))
			return e;
		fill_ds(&d, s);
		if (copy_to_user(uptr, &d, sizeof(d)))
			return -EFAULT;
		return cmd == IPC_STAT ? 0 : s->o.id;
	case IPC_SET:
		if ((e = ipc_may_change(&s->o)))
			return e;
		ipc_set_perm(&s->o, &d.sem_perm);
		return 0;
	case IPC_RMID:
		if ((e = ipc_may_change(&s->o)))
			return e;
		sem_remove(s);
		return 0;
	case SETVAL:
		if (semnum < 0 || semnum >= s->nsems)
			return -EINVAL;
		if ((e = ipc_perm(&s->o, S_IWUGO)))
			return e;
		undo_clear(s, semnum);
		s->sems[semnum].val = (unsigned short)arg;
		s->sems[semnum].pid = current->pid;
		s->o.ctime = ipc_now();
		waitq_wake_all(&s->wait);
		return 0;
	case GETALL:
	case SETALL: {
		if ((e = ipc_perm(&s->o, cmd == GETALL ? S_IRUGO : S_IWUGO)))
			return e;
		size_t n = (size_t)s->nsems;
		unsigned short *v = kmalloc(sizeof(*v) * n);
		if (!v)
			return -ENOMEM;
		long r = 0;
		if (cmd == GETALL) {
			for (size_t i = 0; i < n; i++)
				v[i] = s->sems[i].val;
			if (copy_to_user(uptr, v, sizeof(*v) * n))
				r = -EFAULT;
		} else if (copy_from_user(v, uptr, sizeof(*v) * n)) {
			r = -EFAULT;
		} else {
			for (size_t i = 0; i < n && !r; i++)
				if (v[i] > IPC_SEMVMX)
					r = -ERANGE;
			/* the copy may have slept: the set may be gone */
			if (!r && (struct sem_set *)ipc_get(&sem_ids, id) != s)
				r = -EIDRM;
			if (!r) {
				for (size_t i = 0; i < n; i++) {
					s->sems[i].val = v[i];
					s->sems[i].pid = current->pid;
				}
				undo_clear(s, -1);
				s->o.ctime = ipc_now();
				waitq_wake_all(&s->wait);
			}
		}
		kfree(v);
		return r;
	}
	case GETVAL:
	case GETPID:
	case GETNCNT:
	case GETZCNT:
		if ((e = ipc_perm(&s->o, S_IRUGO)))
			return e;
		if (semnum < 0 || semnum >= s->nsems)
			return -EINVAL;
		if (cmd == GETVAL)
			return s->sems[semnum].val;
		if (cmd == GETPID)
			return s->sems[semnum].pid;
		return count_waiters(s, semnum, cmd == GETZCNT);
	}
	return -EINVAL;
}

void gen_sysvipc_sem(struct sbuf *sb)
{
	sb_str(sb, "       key      semid perms      nsems   uid   gid  cuid  cgid"
		   "      otime      ctime\n");
	for (int k = 0; k < sem_ids.cap; k++) {
		struct sem_set *s = (struct sem_set *)sem_ids.slot[k];
		if (s)
			sb_printf(sb, "%10d %10d  %4o %10u %5u %5u %5u %5u %10ld %10ld\n", s->o.key,
				  s->o.id, s->o.mode, (unsigned)s->nsems, s->o.uid, s->o.gid,
				  s->o.cuid, s->o.cgid, (long)s->otime, (long)s->o.ctime);
	}
}

void gen_sys_sem(struct sbuf *sb)
{
	sb_printf(sb, "%d\t%d\t%d\t%d\n", IPC_SEMMSL, IPC_SEMMNS, IPC_SEMOPM, IPC_SEMMNI);
}
