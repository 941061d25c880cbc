/* util.c: what the System V IPC kinds share: the table of each kind's
 * objects (index, id = index + sequence * 32768 as Linux makes them),
 * lookup by key, the get calls' IPC_PRIVATE/IPC_CREAT/IPC_EXCL rules, and
 * the permission checks of Linux's ipcperms (mode bits against the
 * caller's ids and the owner's and creator's). */
#include "kernel/ipc/ipc.h"
#include "kernel/proc.h"
#include <linux/stat.h>

int64_t ipc_now(void) { return realtime_now_ns() / 1000000000; }

struct ipc_obj *ipc_find_key(struct ipc_ids *ids, int key)
{
	for (int i = 0; i < ids->cap; i++)
		if (ids->slot[i] && ids->slot[i]->key == key)
			return ids->slot[i];
	return NULL;
}

int ipc_add(struct ipc_ids *ids, struct ipc_obj *o, int key, unsigned mode)
{
	if (ids->in_use >= ids->limit)
		return -ENOSPC;
	int i = 0;
	while (i < ids->cap && ids->slot[i])
		i++;
	if (i == ids->cap) {
		int cap = ids->cap ? ids->cap * 2 : 16;
		if (cap > IPC_IDX_MAX)
			cap = IPC_IDX_MAX;
		if (i >= cap)
			return -ENOSPC;
		struct ipc_obj **s = kzalloc(sizeof(*s) * (size_t)cap);
		if (!s)
			return -ENOMEM;
		for (int j = 0; j < ids->cap; j++)
			s[j] = ids->slot[j];
		kfree(ids->slot);
		ids->slot = s;
		ids->cap = cap;
	}
	ids->slot[i] = o;
	ids->in_use++;
	o->seq = ids->seq++;
	if (ids->seq >= 65536 / 2) /* ids stay positive ints */
		ids->seq = 0;
	o->id = i + (int)o->seq * IPC_IDX_MAX;
	o->key = key;
	o->uid = o->cuid = (unsigned)current->euid;
	o->gid = o->cgid = (unsigned)current->egid;
	o->mode = mode & 0777;
	o->ctime = ipc_now();
	return o->id;
}

void ipc_remove(struct ipc_ids *ids, struct ipc_obj *o)
{
	int i = o->id % IPC_IDX_MAX;
	if (i < ids->cap && ids->slot[i] == o) {
		ids->slot[i] = NULL;
		ids->in_use--;
	}
}

struct ipc_obj *ipc_get(struct ipc_ids *ids, int id)
{
	if (id < 0)
		return NULL;
	struct ipc_obj *o = ipc_at(ids, id % IPC_IDX_MAX);
	return o && o->id == id ? o : NULL;
}

struct ipc_obj *ipc_at(struct ipc_ids *ids, int idx)
{
	return idx >= 0 && idx < ids->cap ? ids->slot[idx] : NULL;
}

int ipc_max_idx(struct ipc_ids *ids)
{
	int m = 0;
	for (int i = 0; i < ids->cap; i++)
		if (ids->slot[i])
			m = i;
	return m;
}

static bool in_group(unsigned gid)
{
	if ((unsigned)current->egid == gid)
		return true;
	for (int i = 0; i < current->ngroups; i++)
		if ((unsigned)current->groups[i] == gid)
			return true;
	return false;
}

/* cap in the caller's effective set (kernel/proc.h's capable). */
bool ipc_capable(int cap) { return capable(cap); }

int ipc_perm(const struct ipc_obj *o, int flag)
{
	unsigned want = (unsigned)((flag >> 6) | (flag >> 3) | flag) & 07;
	unsigned granted = o->mode;
	unsigned euid = (unsigned)current->euid;
	if (euid == o->uid || euid == o->cuid)
		granted >>= 6;
	else if (in_group(o->gid) || in_group(o->cgid))
		granted >>= 3;
	if ((want & ~granted & 07) && !ipc_capable(CAP_IPC_OWNER))
		return -EACCES;
	return 0;
}

int ipc_may_change(const struct ipc_obj *o)
{
	unsigned euid = (unsigned)current->euid;
	if (euid == o->uid || euid == o->cuid || ipc_capable(CAP_SYS_ADMIN))
		return 0;
	return -EPERM;
}

void ipc_fill_perm(struct ipc64_perm *p, const struct ipc_obj *o)
{
	memset(p, 0, sizeof(*p));
	p->key = o->key;
	p->uid = o->uid;
	p->gid = o->gid;
	p->cuid = o->cuid;
	p->cgid = o->cgid;
	p->mode = (unsigned short)o->mode;
	p->seq = o->seq;
}

void ipc_set_perm(struct ipc_obj *o, const struct ipc64_perm *p)
{
	o->uid = p->uid;
	o->gid = p->gid;
	o->mode = (o->mode & ~0777u) | (p->mode & 0777);
	o->ctime = ipc_now();
}

int ipc_getobj(struct ipc_ids *ids, int key, int flg, int (*create)(int key, int flg, long arg),
	       int (*check)(struct ipc_obj *o, long arg), long arg)
{
	if (key == IPC_PRIVATE)
		return create(key, flg, arg);
	struct ipc_obj *o = ipc_find_key(ids, key);
	if (!o)
		return (flg & IPC_CREAT) ? create(key, flg, arg) : -ENOENT;
	if ((flg & IPC_CREAT) && (flg & IPC_EXCL))
		return -EEXIST;
	int e = ipc_perm(o, flg & 0777);
	if (!e && check)
		e = check(o, arg);
	return e ? e : o->id;
}
