/* sys/ids.c: credentials: the set*id family over the real, effective,
 * saved and fs user and group ids, the supplementary groups, and the
 * capability sets (capget/capset), each process's own. The program
 * starts as root with every capability; the ids and sets are stored and
 * reported as Linux does.
 * "Privileged" is euid 0 (CAP_SETUID/CAP_SETGID). */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include <linux/capability.h>

#define NGROUPS_MAX 65536
#define NO_ID (-1)

static bool privileged(void) { return current->euid == 0; }

/* ---- user and group ids: one set of rules for both */

struct ids {
	int *r, *e, *s, *fs;
};

static struct ids uids(void) { return (struct ids){ &current->uid, &current->euid, &current->suid, &current->fsuid }; }
static struct ids gids(void) { return (struct ids){ &current->gid, &current->egid, &current->sgid, &current->fsgid }; }

static bool is_one_of(struct ids c, int id) { return id == *c.r || id == *c.e || id == *c.s; }

static long set_one(struct ids c, int id)
{
	if (id == NO_ID)
		return -EINVAL;
	if (privileged()) {
		*c.r = *c.e = *c.s = *c.fs = id;
		return 0;
	}
	if (id != *c.r && id != *c.s)
		return -EPERM;
	*c.e = *c.fs = id;
	return 0;
}

static long set_re(struct ids c, int r, int e)
{
	int old_r = *c.r;
	if (!privileged()) {
		if (r != NO_ID && r != *c.r && r != *c.e)
			return -EPERM;
		if (e != NO_ID && !is_one_of(c, e))
			return -EPERM;
	}
	if (r != NO_ID)
		*c.r = r;
	if (e != NO_ID)
		*c.e = e;
	if (r != NO_ID || (e != NO_ID && e != old_r))
		*c.s = *c.e;
	*c.fs = *c.e;
	return 0;
}

static long set_res(struct ids c, int r, int e, int s)
{
	if (!privileged()) {
		if ((r != NO_ID && !is_one_of(c, r)) || (e != NO_ID && !is_one_of(c, e)) ||
		    (s != NO_ID && !is_one_of(c, s)))
			return -EPERM;
	}
	if (r != NO_ID)
		*c.r = r;
	if (e != NO_ID)
		*c.e = e;
	if (s != NO_ID)
		*c.s = s;
	*c.fs = *c.e;
	return 0;
}

/* setfsuid/setfsgid answer the old value whatever happens. */
static long set_fs(struct ids c, int id)
{
	int old = *c.fs;
	if (id != NO_ID && (privileged() || is_one_of(c, id) || id == *c.fs))
		*c.fs = id;
	return old;
}

long sys_setuid(int uid) { return set_one(uids(), uid); }
long sys_setgid(int gid) { return set_one(gids(), gid); }
long sys_setreuid(int r, int e) { return set_re(uids(), r, e); }
long sys_setregid(int r, int e) { return set_re(gids(), r, e); }
long sys_setresuid(int r, int e, int s) { return set_res(uids(), r, e, s); }
long sys_setresgid(int r, int e, int s) { return set_res(gids(), r, e, s); }
long sys_setfsuid(int uid) { return set_fs(uids(), uid); }
long sys_setfsgid(int gid) { return set_fs(gids(), gid); }

/* ---- supplementary groups (kept sorted, as Linux keeps them) */

long sys_getgroups(int size, int *list)
{
	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return current->ngroups;
	if (size < current->ngroups)
		return -EINVAL;
	if (copy_to_user(list, current->groups, sizeof(int) * (size_t)current->ngroups))
		return -EFAULT;
	return current->ngroups;
}

long sys_setgroups(int size, const int *list)
{
	if (!privileged())
		return -EPERM;
	if (size < 0 || size > NGROUPS_MAX)
		return -EINVAL;
	int *g = NULL;
	if (size) {
		g = kmalloc(sizeof(int) * (size_t)size);
		if (!g)
			return -ENOMEM;
		if (copy_from_user(g, list, sizeof(int) * (size_t)size)) {
			kfree(g);
			return -EFAULT;
		}
		for (int i = 1; i < size; i++) {     /* insertion sort, as unsigned ids */
			int v = g[i], j = i;
			for (; j > 0 && (unsigned)g[j - 1] > (unsigned)v; j--)
				g[j] = g[j - 1];
			g[j] = v;
		}
	}
	kfree(current->groups);
	current->groups = g;
	current->ngroups = size;
	return 0;
}

/* ---- capabilities */

/* Each process's sets are in its struct proc: inherited on fork, and
 * recomputed by execve (proc_exec_settings, kernel/proc.c). */

/* Checks the header's version; an unknown one is answered with ours. The
 * number of 32-bit words of each set is returned in *words. */
static long cap_header(struct __user_cap_header_struct *uh, int *pid, int *words)
{
	struct __user_cap_header_struct h;
	if (copy_from_user(&h, uh, sizeof(h)))
		return -EFAULT;
	switch (h.version) {
	case _LINUX_CAPABILITY_VERSION_1:
		*words = _LINUX_CAPABILITY_U32S_1;
		break;
	case _LINUX_CAPABILITY_VERSION_2:
	case _LINUX_CAPABILITY_VERSION_3:
		*words = _LINUX_CAPABILITY_U32S_3;
		break;
	default:
		h.version = _LINUX_CAPABILITY_VERSION_3;
		if (copy_to_user(uh, &h, sizeof(h)))
			return -EFAULT;
		return -EINVAL;
	}
	*pid = h.pid;
	return 0;
}

long sys_capget(struct __user_cap_header_struct *uh, struct __user_cap_data_struct *ud)
{
	int pid, words;
	long e = cap_header(uh, &pid, &words);
	if (!ud)
		return e == -EINVAL ? 0 : e;
	if (e)
		return e;
	if (pid < 0)
		return -EINVAL;
	struct proc *p = pid == 0 ? current : proc_find(pid);
	if (!p) {   /* another thread's id */
		struct thread *t = thread_find(pid);
		p = t && t->state != T_DEAD ? t->proc : NULL;
	}
	if (!p)
		return -ESRCH;
	struct __user_cap_data_struct d[2];
	for (int i = 0; i < 2; i++) {
		d[i].effective = (uint32_t)(p->cap_eff >> (32 * i));
		d[i].permitted = (uint32_t)(p->cap_perm >> (32 * i));
		d[i].inheritable = (uint32_t)(p->cap_inh >> (32 * i));
	}
	return copy_to_user(ud, d, sizeof(d[0]) * (size_t)words);
}

long sys_capset(struct __user_cap_header_struct *uh, const struct __user_cap_data_struct *ud)
{
	int pid, words;
	long e = cap_header(uh, &pid, &words);
	if (e)
		return e;
	if (pid != 0 && pid != current->pid)
		return -EPERM;
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	if (copy_from_user(d, ud, sizeof(d[0]) * (size_t)words))
		return -EFAULT;
	uint64_t eff = d[0].effective | (uint64_t)d[1].effective << 32;
	uint64_t perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	uint64_t inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	eff &= CAPS_ALL;
	perm &= CAPS_ALL;
	inh &= CAPS_ALL;
	/* permitted may only shrink, effective stays within it, and without
	 * CAP_SETPCAP inheritable may only take permitted capabilities */
	struct proc *me = current;
	if (perm & ~me->cap_perm)
		return -EPERM;
	if (eff & ~perm)
		return -EPERM;
	if (!(me->cap_eff & (1ull << CAP_SETPCAP)) && (inh & ~(me->cap_inh | me->cap_perm)))
		return -EPERM;
	me->cap_eff = eff;
	me->cap_perm = perm;
	me->cap_inh = inh;
	return 0;
}
