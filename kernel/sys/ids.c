/* sys/ids.c: credentials: the set*id family over the real, effective,
 * saved and fs user and group ids, the supplementary groups, and the
 * capability sets (capget/capset), each process's own. The program
 * starts as root with every capability (or as the user kernel option
 * user= names, with none); the ids and sets are stored, checked and
 * reported as Linux does: changing ids takes CAP_SETUID or CAP_SETGID,
 * and user id changes adjust the capability sets as capabilities(7)
 * says ("Effect of user ID changes on capabilities"); a new effective
 * or fs id clears the dumpable flag and the parent-death signal. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include <linux/capability.h>
#include <linux/securebits.h>

#define NGROUPS_MAX 65536
#define NO_ID (-1)
#define BIT(c) (1ull << (c))
/* Linux's CAP_FS_SET: what fsuid 0 gives and a nonzero one takes away. */
#define CAP_FS_SET \
	(BIT(CAP_CHOWN) | BIT(CAP_MKNOD) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_DAC_READ_SEARCH) | \
	 BIT(CAP_FOWNER) | BIT(CAP_FSETID) | BIT(CAP_LINUX_IMMUTABLE) | BIT(CAP_MAC_OVERRIDE))

/* ---- user and group ids: one set of rules for both */

struct ids {
	int *r, *e, *s, *fs;
	int cap; /* CAP_SETUID or CAP_SETGID */
};

static struct ids uids(void)
{
	return (struct ids){ &current->uid, &current->euid, &current->suid, &current->fsuid,
			     CAP_SETUID };
}

static struct ids gids(void)
{
	return (struct ids){ &current->gid, &current->egid, &current->sgid, &current->fsgid,
			     CAP_SETGID };
}

static bool is_one_of(struct ids c, int id) { return id == *c.r || id == *c.e || id == *c.s; }

/* capabilities(7) after the user ids went from old (r, e, s, fs) to the
 * current ones; nothing for group ids or under SECBIT_NO_SETUID_FIXUP. */
static void fix_caps(struct ids c, const int old[4], bool fs_only)
{
	struct proc *p = current;
	if (c.cap != CAP_SETUID || (p->set.securebits & SECBIT_NO_SETUID_FIXUP))
		return;
	if (!fs_only) {
		if ((old[0] == 0 || old[1] == 0 || old[2] == 0) && p->uid != 0 && p->euid != 0 &&
		    p->suid != 0) {
			if (!(p->set.securebits & SECBIT_KEEP_CAPS))
				p->cap_perm = p->cap_eff = 0;
			p->cap_amb = 0;
		}
		if (old[1] == 0 && p->euid != 0)
			p->cap_eff = 0;
		if (old[1] != 0 && p->euid == 0)
			p->cap_eff = p->cap_perm;
		return;
	}
	if (old[3] == 0 && p->fsuid != 0)
		p->cap_eff &= ~CAP_FS_SET;
	if (old[3] != 0 && p->fsuid == 0)
		p->cap_eff |= p->cap_perm & CAP_FS_SET;
}

static void save(struct ids c, int old[4])
{
	old[0] = *c.r;
	old[1] = *c.e;
	old[2] = *c.s;
	old[3] = *c.fs;
}

static long set_one(struct ids c, int id)
{
	int old[4];
	if (id == NO_ID)
		return -EINVAL;
	save(c, old);
	if (capable(c.cap)) {
		*c.r = *c.e = *c.s = *c.fs = id;
	} else {
		if (id != *c.r && id != *c.s)
			return -EPERM;
		*c.e = *c.fs = id;
	}
	fix_caps(c, old, false);
	return 0;
}

static long set_re(struct ids c, int r, int e)
{
	int old[4];
	save(c, old);
	if (!capable(c.cap)) {
		if (r != NO_ID && r != *c.r && r != *c.e)
			return -EPERM;
		if (e != NO_ID && !is_one_of(c, e))
			return -EPERM;
	}
	if (r != NO_ID)
		*c.r = r;
	if (e != NO_ID)
		*c.e = e;
	if (r != NO_ID || (e != NO_ID && e != old[0]))
		*c.s = *c.e;
	*c.fs = *c.e;
	fix_caps(c, old, false);
	return 0;
}

static long set_res(struct ids c, int r, int e, int s)
{
	int old[4];
	save(c, old);
	if (!capable(c.cap)) {
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
	fix_caps(c, old, false);
	return 0;
}

/* setfsuid/setfsgid answer the old value whatever happens. */
static long set_fs(struct ids c, int id)
{
	int old[4];
	save(c, old);
	if (id != NO_ID && (capable(c.cap) || is_one_of(c, id) || id == *c.fs)) {
		*c.fs = id;
		fix_caps(c, old, true);
	}
	return old[3];
}

/* The credentials whose change makes a process undumpable. */
struct cred_snap {
	int euid, egid, fsuid, fsgid;
	uint64_t perm;
};

static struct cred_snap snap(void)
{
	struct proc *p = current;
	return (struct cred_snap){ p->euid, p->egid, p->fsuid, p->fsgid, p->cap_perm };
}

/* As Linux's commit_creds: a new effective or fs user or group id, or
 * permitted capabilities gained, clears the dumpable flag (to
 * suid_dumpable, 0) and the parent-death signal (prctl(2)); a change of
 * the real or saved ids alone does not. Passes r through. */
static long commit(struct cred_snap o, long r)
{
	struct proc *p = current;
	if (o.euid != p->euid || o.egid != p->egid || o.fsuid != p->fsuid || o.fsgid != p->fsgid ||
	    (p->cap_perm & ~o.perm)) {
		p->set.dumpable = 0;
		p->set.pdeathsig = 0;
	}
	return r;
}

/* o is taken before the change (argument order is unspecified in C). */
#define CHANGE(call) \
	struct cred_snap o = snap(); \
	return commit(o, call)

long sys_setuid(int uid) { CHANGE(set_one(uids(), uid)); }
long sys_setgid(int gid) { CHANGE(set_one(gids(), gid)); }
long sys_setreuid(int r, int e) { CHANGE(set_re(uids(), r, e)); }
long sys_setregid(int r, int e) { CHANGE(set_re(gids(), r, e)); }
long sys_setresuid(int r, int e, int s) { CHANGE(set_res(uids(), r, e, s)); }
long sys_setresgid(int r, int e, int s) { CHANGE(set_res(gids(), r, e, s)); }
long sys_setfsuid(int uid) { CHANGE(set_fs(uids(), uid)); }
long sys_setfsgid(int gid) { CHANGE(set_fs(gids(), gid)); }

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
	if (!capable(CAP_SETGID))
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
		for (int i = 1; i < size; i++) { /* insertion sort, as unsigned ids */
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
	case _LINUX_CAPABILITY_VERSION_1: *words = _LINUX_CAPABILITY_U32S_1; break;
	case _LINUX_CAPABILITY_VERSION_2:
	case _LINUX_CAPABILITY_VERSION_3: *words = _LINUX_CAPABILITY_U32S_3; break;
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
	if (!p) { /* another thread's id */
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
	/* as Linux's cap_capset: without CAP_SETPCAP inheritable may only
	 * take permitted capabilities, and never ones outside the bounding
	 * set; permitted may only shrink; effective stays within it */
	struct proc *me = current;
	if (!capable(CAP_SETPCAP) && (inh & ~(me->cap_inh | me->cap_perm)))
		return -EPERM;
	if (inh & ~(me->cap_inh | me->cap_bnd))
		return -EPERM;
	if (perm & ~me->cap_perm)
		return -EPERM;
	if (eff & ~perm)
		return -EPERM;
	me->cap_eff = eff;
	me->cap_perm = perm;
	me->cap_inh = inh;
	me->cap_amb &= perm & inh; /* ambient stays within both */
	return 0;
}
